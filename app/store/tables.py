"""The tables: tenants and their keys, leads, the blocking-key index, the audit trail.

Ids are UUID strings made by the store, so SQLite and PostgreSQL share one
schema; JSON columns become JSONB on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

Json = JSON().with_variant(JSONB(), "postgresql")
Id = String(36)
Timestamp = DateTime(timezone=True)
AuditId = BigInteger().with_variant(Integer(), "sqlite")

DEFAULT_TENANT_ID = "default"

tenant = Table(
    "tenant",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("created_at", Timestamp, nullable=False),
)

api_key = Table(
    "api_key",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("tenant_id", Id, ForeignKey("tenant.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("expires_at", Timestamp, nullable=True),
)

_LIVE = "deleted_at IS NULL AND merged_into IS NULL"
_MERGED = "deleted_at IS NULL AND merged_into IS NOT NULL"
SHORT_SOURCE = 500
"""Characters of a source an index entry holds: 500 of up to 4 bytes stay within
PostgreSQL's B-tree entry limit (2,704 bytes); longer ones are left out of ix_lead_intake."""
_SHORT = f"coalesce(length(source), 0) <= {SHORT_SOURCE}"
_LONG = f"coalesce(length(source), 0) > {SHORT_SOURCE}"

lead = Table(
    "lead",
    metadata,
    Column("id", Id, primary_key=True),
    Column("tenant_id", Id, ForeignKey("tenant.id", ondelete="CASCADE"), nullable=False),
    Column("external_id", String(200), nullable=True),
    Column("entity", String(10), nullable=False),
    Column("group_id", Id, nullable=False),
    Column("merged_into", Id, nullable=True),
    Column("raw", Json, nullable=False),
    Column("normalized", Json, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Column("deleted_at", Timestamp, nullable=True),
    # What the report aggregates, written with the record (app.store.report): no error
    # among the issues it was stored with (lead_issue), the bitmask of the lead fields
    # it has (app.domain.completeness) and its normalized source.
    Column("valid", Boolean, nullable=False),
    Column("present", Integer, nullable=False),
    Column("source", Text, nullable=True),
    Index("ix_lead_tenant_external", "tenant_id", "external_id"),
    Index("ix_lead_tenant_group", "tenant_id", "group_id"),
    # The report's, each partial on one record state so its query reads the index alone.
    *(
        Index(name, *columns, postgresql_where=text(where), sqlite_where=text(where))
        for name, columns, where in (
            ("ix_lead_live_figures", ("tenant_id", "present", "valid"), _LIVE),
            ("ix_lead_tenant_deleted", ("tenant_id", "id"), "deleted_at IS NOT NULL"),
            ("ix_lead_tenant_merged", ("tenant_id", "id"), _MERGED),
            ("ix_lead_intake_long", ("tenant_id", "created_at"), _LONG),
        )
    ),
    Index(
        "ix_lead_intake",
        "tenant_id",
        "created_at",
        postgresql_include=["valid", "source"],
        postgresql_where=text(_SHORT),
        sqlite_where=text(_SHORT),
    ),
)

# Per group (one real person or company), its records not deleted (app.store.group_sizes).
lead_group = Table(
    "lead_group",
    metadata,
    Column("tenant_id", Id, ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", Id, primary_key=True),
    Column("kept", Integer, nullable=False),
    Index(
        "ix_lead_group_shared",
        "tenant_id",
        "kept",
        postgresql_where=text("kept > 1"),
        sqlite_where=text("kept > 1"),
    ),
)

lead_key = Table(
    "lead_key",
    metadata,
    Column("tenant_id", Id, nullable=False, primary_key=True),
    Column("key", String(300), nullable=False, primary_key=True),
    Column(
        "lead_id",
        Id,
        ForeignKey("lead.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=True,
    ),
    Index("ix_lead_key_lead", "lead_id"),
)

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", AuditId, primary_key=True, autoincrement=True),
    Column("tenant_id", Id, ForeignKey("tenant.id", ondelete="CASCADE"), nullable=False),
    Column("lead_id", Id, nullable=False),
    Column("action", String(20), nullable=False),
    Column("at", Timestamp, nullable=False),
    Column("data", Json, nullable=False, server_default=text("'{}'")),
    Index("ix_audit_event_tenant_lead", "tenant_id", "lead_id", "id"),
)

# Possible duplicates a person decides on: `lead_id` is the record that was
# checked, `candidate_id` the stored record it may duplicate.
review = Table(
    "review",
    metadata,
    Column("id", Id, primary_key=True),
    Column("tenant_id", Id, ForeignKey("tenant.id", ondelete="CASCADE"), nullable=False),
    Column("lead_id", Id, nullable=False),
    Column("candidate_id", Id, nullable=False),
    Column("rule", String(100), nullable=False),
    Column("score", Float, nullable=False),
    Column("explain", Json, nullable=False),
    Column("status", String(10), nullable=False),
    Column("reviewer", String(200), nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("resolved_at", Timestamp, nullable=True),
    CheckConstraint("status IN ('open', 'same', 'different')", name="status"),
    Index("ix_review_tenant_status_created", "tenant_id", "status", "created_at"),
    Index("ix_review_tenant_pair", "tenant_id", "lead_id", "candidate_id"),
)

# Pairs a person declared different: never flagged again. Stored once, lead_a < lead_b.
distinct_pair = Table(
    "distinct_pair",
    metadata,
    Column(
        "tenant_id",
        Id,
        ForeignKey("tenant.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=True,
    ),
    Column("lead_a", Id, nullable=False, primary_key=True),
    Column("lead_b", Id, nullable=False, primary_key=True),
    Column("created_at", Timestamp, nullable=False),
    CheckConstraint("lead_a < lead_b", name="ordered"),
    Index("ix_distinct_pair_tenant_lead_b", "tenant_id", "lead_b"),
)

# A contact of a real person or company (a group): a form sent, a lead seen again.
touchpoint = Table(
    "touchpoint",
    metadata,
    Column("id", Id, primary_key=True),
    Column("tenant_id", Id, ForeignKey("tenant.id", ondelete="CASCADE"), nullable=False),
    Column("group_id", Id, nullable=False),
    Column("lead_id", Id, nullable=True),
    Column("source", Text(), nullable=True),
    Column("external_id", String(200), nullable=True),
    Column("at", Timestamp, nullable=False),
    Index("ix_touchpoint_tenant_group_at", "tenant_id", "group_id", "at"),
)

tenant_policy = Table(
    "tenant_policy",
    metadata,
    Column("tenant_id", Id, ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("policy", Json, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
)

# The issues each stored lead had when it was registered, for the report's SQL aggregates
# (valid rate, issues by code). Codes and fields only: no personal data, so a purge keeps them.
lead_issue = Table(
    "lead_issue",
    metadata,
    Column("lead_id", Id, ForeignKey("lead.id", ondelete="CASCADE"), primary_key=True),
    Column("field", String(50), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("tenant_id", Id, ForeignKey("tenant.id", ondelete="CASCADE"), nullable=False),
    Column("severity", String(10), nullable=False),
    # The report's issue figure reads it alone (app.store.report).
    Index("ix_lead_issue_figures", "tenant_id", "code", "severity", "lead_id"),
)

# What became of a lead, as the CRM reports it; the latest `at` (then the latest row) is
# the lead's outcome. `score`, `grade`, `pool` and `reasons` (factor and points only) are
# the lead's fit score under the tenant's model when the outcome arrived.
lead_outcome = Table(
    "lead_outcome",
    metadata,
    Column("id", AuditId, primary_key=True, autoincrement=True),
    Column("tenant_id", Id, ForeignKey("tenant.id", ondelete="CASCADE"), nullable=False),
    Column("lead_id", Id, ForeignKey("lead.id", ondelete="CASCADE"), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("at", Timestamp, nullable=False),
    Column("recorded_at", Timestamp, nullable=False),
    Column("score", Integer, nullable=False),
    Column("grade", String(16), nullable=False),
    Column("pool", String(64), nullable=False),
    Column("reasons", Json, nullable=False),
    CheckConstraint("outcome IN ('converted', 'lost', 'no_response')", name="outcome"),
    Index("ix_lead_outcome_tenant_lead_at", "tenant_id", "lead_id", "at"),
)

rate_window = Table(
    "rate_window",
    metadata,
    Column("tenant_id", Id, primary_key=True),
    Column("second", BigInteger, primary_key=True),
    Column("hits", Integer, nullable=False),
)

check_tally = Table(
    "check_tally",
    metadata,
    Column("tenant_id", Id, primary_key=True),
    Column("hour", BigInteger, primary_key=True),
    Column("decision", String(20), primary_key=True),
    Column("action", String(10), primary_key=True),
    Column("checks", BigInteger, nullable=False),
    Column("registered", BigInteger, nullable=False),
)
