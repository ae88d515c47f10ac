"""What the report aggregates, kept on each lead; indexes its queries read instead of the leads.

`lead.valid` (no error among the issues stored in lead_issue) and `lead.present`
(bit k set when the normalized field FIELDS[k] holds something), filled here for
every existing lead by one UPDATE, the same figures the report derived before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# app.domain.completeness.FIELDS as of this revision: bit k is FIELDS[k].
FIELDS = (
    "external_id",
    "name",
    "company",
    "uscc",
    "phone",
    "email",
    "website",
    "title",
    "address",
    "city",
    "region",
    "postcode",
    "country",
    "source",
)

Json = sa.JSON().with_variant(JSONB(), "postgresql")
lead = sa.table(
    "lead",
    sa.column("id", sa.String(36)),
    sa.column("normalized", Json),
    sa.column("valid", sa.Boolean()),
    sa.column("present", sa.Integer()),
)
lead_issue = sa.table("lead_issue", sa.column("lead_id", sa.String(36)), sa.column("severity"))

LIVE = "deleted_at IS NULL AND merged_into IS NULL"
NOT_DELETED = "deleted_at IS NULL"


def _has(field: str) -> sa.ColumnElement[bool]:
    """The report's former test: the field's JSON text is neither null nor '', '[]', '{}'."""
    value = lead.c.normalized[field].as_string()
    return sa.and_(value.is_not(None), value.not_in(("", "[]", "{}")))


def _partial(name: str, columns: list[str], where: str) -> None:
    op.create_index(
        name,
        "lead",
        columns,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
    )


def upgrade() -> None:
    # SQLite adds a NOT NULL column only with a default, and drops one only by rebuilding
    # the table; PostgreSQL drops it below, so a write that forgets the columns fails.
    op.add_column(
        "lead", sa.Column("valid", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column("lead", sa.Column("present", sa.Integer(), nullable=False, server_default="0"))
    error = sa.exists().where(lead_issue.c.lead_id == lead.c.id, lead_issue.c.severity == "error")
    present = sum(
        (sa.case((_has(field), 1 << k), else_=0) for k, field in enumerate(FIELDS)),
        start=sa.literal(0),
    )
    op.execute(lead.update().values(valid=~error, present=present))
    if op.get_context().dialect.name == "postgresql":
        op.alter_column("lead", "valid", server_default=None)
        op.alter_column("lead", "present", server_default=None)
    _partial("ix_lead_live_figures", ["tenant_id", "present", "valid"], LIVE)
    _partial("ix_lead_tenant_group_kept", ["tenant_id", "group_id"], NOT_DELETED)
    _partial("ix_lead_tenant_deleted", ["tenant_id"], "deleted_at IS NOT NULL")
    _partial(
        "ix_lead_tenant_merged", ["tenant_id"], "deleted_at IS NULL AND merged_into IS NOT NULL"
    )


def downgrade() -> None:
    for name in (
        "ix_lead_tenant_merged",
        "ix_lead_tenant_deleted",
        "ix_lead_tenant_group_kept",
        "ix_lead_live_figures",
    ):
        op.drop_index(name, "lead")
    with op.batch_alter_table("lead") as batch:
        batch.drop_column("present")
        batch.drop_column("valid")
