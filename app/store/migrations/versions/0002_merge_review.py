"""Reviews of possible duplicates, pairs declared different, touchpoints of a group.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
Timestamp = sa.DateTime(timezone=True)
Id = sa.String(36)


def upgrade() -> None:
    op.create_table(
        "review",
        sa.Column("id", Id, nullable=False),
        sa.Column("tenant_id", Id, nullable=False),
        sa.Column("lead_id", Id, nullable=False),
        sa.Column("candidate_id", Id, nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explain", Json, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=True),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("resolved_at", Timestamp, nullable=True),
        sa.CheckConstraint("status IN ('open', 'same', 'different')", name="ck_review_status"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name="fk_review_tenant_id_tenant", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review"),
    )
    op.create_index(
        "ix_review_tenant_status_created", "review", ["tenant_id", "status", "created_at"]
    )
    op.create_index("ix_review_tenant_pair", "review", ["tenant_id", "lead_id", "candidate_id"])
    op.create_table(
        "distinct_pair",
        sa.Column("tenant_id", Id, nullable=False),
        sa.Column("lead_a", Id, nullable=False),
        sa.Column("lead_b", Id, nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.CheckConstraint("lead_a < lead_b", name="ck_distinct_pair_ordered"),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name="fk_distinct_pair_tenant_id_tenant",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "lead_a", "lead_b", name="pk_distinct_pair"),
    )
    op.create_index("ix_distinct_pair_tenant_lead_b", "distinct_pair", ["tenant_id", "lead_b"])
    op.create_table(
        "touchpoint",
        sa.Column("id", Id, nullable=False),
        sa.Column("tenant_id", Id, nullable=False),
        sa.Column("group_id", Id, nullable=False),
        sa.Column("lead_id", Id, nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("at", Timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name="fk_touchpoint_tenant_id_tenant", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_touchpoint"),
    )
    op.create_index("ix_touchpoint_tenant_group_at", "touchpoint", ["tenant_id", "group_id", "at"])


def downgrade() -> None:
    op.drop_table("touchpoint")
    op.drop_table("distinct_pair")
    op.drop_table("review")
