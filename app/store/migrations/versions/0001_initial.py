"""Tenants, API keys, leads, the blocking-key index and the audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    tenant = op.create_table(
        "tenant",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tenant"),
        sa.UniqueConstraint("name", name="uq_tenant_name"),
    )
    op.create_table(
        "api_key",
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("expires_at", Timestamp, nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name="fk_api_key_tenant_id_tenant", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("key_hash", name="pk_api_key"),
    )
    op.create_table(
        "lead",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("entity", sa.String(10), nullable=False),
        sa.Column("group_id", sa.String(36), nullable=False),
        sa.Column("merged_into", sa.String(36), nullable=True),
        sa.Column("raw", Json, nullable=False),
        sa.Column("normalized", Json, nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.Column("deleted_at", Timestamp, nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name="fk_lead_tenant_id_tenant", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_lead"),
    )
    op.create_index("ix_lead_tenant_external", "lead", ["tenant_id", "external_id"])
    op.create_index("ix_lead_tenant_group", "lead", ["tenant_id", "group_id"])
    op.create_table(
        "lead_key",
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("lead_id", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["lead.id"], name="fk_lead_key_lead_id_lead", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "key", "lead_id", name="pk_lead_key"),
    )
    op.create_index("ix_lead_key_lead", "lead_key", ["lead_id"])
    op.create_table(
        "audit_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("lead_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.Column("data", Json, server_default=sa.text("'{}'"), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name="fk_audit_event_tenant_id_tenant",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_event"),
    )
    op.create_index("ix_audit_event_tenant_lead", "audit_event", ["tenant_id", "lead_id", "id"])
    op.bulk_insert(tenant, [{"id": "default", "name": "default", "created_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table("audit_event")
    op.drop_table("lead_key")
    op.drop_table("lead")
    op.drop_table("api_key")
    op.drop_table("tenant")
