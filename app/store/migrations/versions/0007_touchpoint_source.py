"""A touchpoint's source as long as the lead's own (the API takes up to 2,000 characters).

It was 200: registering a lead whose source was longer failed on PostgreSQL when the
submission was logged as a touchpoint. On PostgreSQL the change rewrites nothing
(varchar to text); SQLite rebuilds the table (batch mode), as it alters no column type.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("touchpoint") as batch:
        batch.alter_column("source", type_=sa.Text(), existing_nullable=True)


def downgrade() -> None:
    op.execute("UPDATE touchpoint SET source = substr(source, 1, 200) WHERE length(source) > 200")
    with op.batch_alter_table("touchpoint") as batch:
        batch.alter_column("source", type_=sa.String(200), existing_nullable=True)
