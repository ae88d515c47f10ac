"""What the report aggregates, kept on each lead; indexes its queries read instead of the leads.

`lead.valid` (no error among the issues stored in lead_issue), `lead.present` (bit k
set when the normalized field FIELDS[k] holds something) and `lead.source` (the
normalized source), filled here for every existing lead by one UPDATE from what the
report derived them from before, so its figures stay the same; and `lead_group`, the
records not deleted of each group, counted from the leads.

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
    sa.column("tenant_id", sa.String(36)),
    sa.column("group_id", sa.String(36)),
    sa.column("deleted_at", sa.DateTime(timezone=True)),
    sa.column("normalized", Json),
    sa.column("valid", sa.Boolean()),
    sa.column("present", sa.Integer()),
    sa.column("source", sa.Text()),
)
lead_issue = sa.table("lead_issue", sa.column("lead_id", sa.String(36)), sa.column("severity"))

LIVE = "deleted_at IS NULL AND merged_into IS NULL"
SHORT_SOURCE = "coalesce(length(source), 0) <= 500"
LONG_SOURCE = "coalesce(length(source), 0) > 500"
STATISTICS = (
    "st_lead_source_length ON (coalesce(length(source), 0))",
    "st_lead_created_day ON (CAST((created_at AT TIME ZONE 'UTC') AS DATE))",
)


def _has(field: str) -> sa.ColumnElement[bool]:
    """The report's former test: the field's JSON text is neither null nor '', '[]', '{}'."""
    value = lead.c.normalized[field].as_string()
    return sa.and_(value.is_not(None), value.not_in(("", "[]", "{}")))


def _partial(name: str, columns: list[str], where: str, include: list[str] | None = None) -> None:
    op.create_index(
        name,
        "lead",
        columns,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
        postgresql_include=include or [],
    )


def upgrade() -> None:
    # SQLite adds a NOT NULL column only with a default, and drops one only by rebuilding
    # the table; PostgreSQL drops it below, so a write that forgets the columns fails.
    op.add_column(
        "lead", sa.Column("valid", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column("lead", sa.Column("present", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("lead", sa.Column("source", sa.Text(), nullable=True))
    error = sa.exists().where(lead_issue.c.lead_id == lead.c.id, lead_issue.c.severity == "error")
    present = sum(
        (sa.case((_has(field), 1 << k), else_=0) for k, field in enumerate(FIELDS)),
        start=sa.literal(0),
    )
    source = lead.c.normalized["source"].as_string()
    op.execute(lead.update().values(valid=~error, present=present, source=source))
    if op.get_context().dialect.name == "postgresql":
        op.alter_column("lead", "valid", server_default=None)
        op.alter_column("lead", "present", server_default=None)
        # Without them PostgreSQL guesses a third of the leads have a long source (and reads
        # the table for them) and a day per record (and sorts a million rows to group them).
        for statement in STATISTICS:
            op.execute(f"CREATE STATISTICS {statement} FROM lead")
    _partial("ix_lead_live_figures", ["tenant_id", "present", "valid"], LIVE)
    _partial("ix_lead_tenant_deleted", ["tenant_id", "id"], "deleted_at IS NOT NULL")
    _partial(
        "ix_lead_tenant_merged",
        ["tenant_id", "id"],
        "deleted_at IS NULL AND merged_into IS NOT NULL",
    )
    _partial("ix_lead_intake_long", ["tenant_id", "created_at"], LONG_SOURCE)
    _partial(
        "ix_lead_intake",
        ["tenant_id", "created_at"],
        SHORT_SOURCE,
        include=["valid", "source"],
    )
    op.drop_index("ix_lead_issue_tenant_code", "lead_issue")
    op.create_index(
        "ix_lead_issue_figures", "lead_issue", ["tenant_id", "code", "severity", "lead_id"]
    )
    _lead_group()


def _lead_group() -> None:
    lead_group = op.create_table(
        "lead_group",
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("group_id", sa.String(36), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name="fk_lead_group_tenant_id_tenant", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "group_id", name="pk_lead_group"),
    )
    sizes = (
        sa.select(lead.c.tenant_id, lead.c.group_id, sa.func.count())
        .where(lead.c.deleted_at.is_(None))
        .group_by(lead.c.tenant_id, lead.c.group_id)
    )
    op.execute(lead_group.insert().from_select(["tenant_id", "group_id", "kept"], sizes))
    op.create_index(
        "ix_lead_group_shared",
        "lead_group",
        ["tenant_id", "kept"],
        postgresql_where=sa.text("kept > 1"),
        sqlite_where=sa.text("kept > 1"),
    )


def downgrade() -> None:
    op.drop_table("lead_group")
    op.drop_index("ix_lead_issue_figures", "lead_issue")
    op.create_index("ix_lead_issue_tenant_code", "lead_issue", ["tenant_id", "code"])
    if op.get_context().dialect.name == "postgresql":
        for statement in STATISTICS:
            op.execute(f"DROP STATISTICS {statement.split()[0]}")
    for name in (
        "ix_lead_intake",
        "ix_lead_intake_long",
        "ix_lead_tenant_merged",
        "ix_lead_tenant_deleted",
        "ix_lead_live_figures",
    ):
        op.drop_index(name, "lead")
    with op.batch_alter_table("lead") as batch:
        batch.drop_column("source")
        batch.drop_column("present")
        batch.drop_column("valid")
