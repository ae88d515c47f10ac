"""Outcomes of leads (for conversion reports and fitting the scoring model) and lead issues.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
Timestamp = sa.DateTime(timezone=True)
Id = sa.String(36)


def upgrade() -> None:
    op.create_table(
        "lead_issue",
        sa.Column("lead_id", Id, nullable=False),
        sa.Column("field", sa.String(50), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("tenant_id", Id, nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["lead.id"], name="fk_lead_issue_lead_id_lead", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name="fk_lead_issue_tenant_id_tenant", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("lead_id", "field", "code", name="pk_lead_issue"),
    )
    op.create_index("ix_lead_issue_tenant_code", "lead_issue", ["tenant_id", "code"])
    op.create_table(
        "lead_outcome",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("tenant_id", Id, nullable=False),
        sa.Column("lead_id", Id, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.Column("recorded_at", Timestamp, nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(16), nullable=False),
        sa.Column("pool", sa.String(64), nullable=False),
        sa.Column("reasons", Json, nullable=False),
        sa.CheckConstraint(
            "outcome IN ('converted', 'lost', 'no_response')", name="ck_lead_outcome_outcome"
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["lead.id"], name="fk_lead_outcome_lead_id_lead", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name="fk_lead_outcome_tenant_id_tenant",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_lead_outcome"),
    )
    op.create_index(
        "ix_lead_outcome_tenant_lead_at", "lead_outcome", ["tenant_id", "lead_id", "at"]
    )


def downgrade() -> None:
    op.drop_table("lead_outcome")
    op.drop_table("lead_issue")
