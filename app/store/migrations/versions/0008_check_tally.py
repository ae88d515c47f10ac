"""Checks answered per tenant, hour, decision and action, for the report's recent-checks figures.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "check_tally",
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("hour", sa.BigInteger(), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("checks", sa.BigInteger(), nullable=False),
        sa.Column("registered", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "hour", "decision", "action", name="pk_check_tally"),
    )


def downgrade() -> None:
    op.drop_table("check_tally")
