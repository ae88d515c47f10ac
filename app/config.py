"""Settings: the only module that reads the environment.

Every field is documented in the README's settings table; the names are the
variables an operator sets, with the LEADGATE_ prefix.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADGATE_", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///./leadgate.db",
        description="SQLAlchemy URL of the index (sqlite+aiosqlite or postgresql+asyncpg).",
    )
    auth: Literal["off", "on"] = Field(
        default="off", description="off: every call is tenant `default`; on: bearer keys required."
    )
    admin_key: str | None = Field(
        default=None, description="Bearer key that may create tenants; unset: none can be created."
    )
    region: str = Field(
        default="CN", min_length=2, max_length=2, description="Region for numbers without a code."
    )
    workers: int = Field(default=1, ge=1, description="Server worker processes.")
    host: str = Field(default="127.0.0.1", description="Address `leadgate serve` binds.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `leadgate serve` binds.")
    db_pool_size: int = Field(default=10, ge=1, description="PostgreSQL connections per worker.")
    db_read_pool_size: int = Field(
        default=10,
        ge=0,
        description="PostgreSQL connections per worker, beside db_pool_size, for the lookup "
        "of checks that register nothing (0: those go through the main pool).",
    )
    gc_threshold: int = Field(
        default=20_000,
        ge=0,
        description="Allocations between the server's young-generation garbage collections "
        "(Python's default is 700); 0 keeps Python's settings.",
    )
    db_timeout: float = Field(
        default=5.0, gt=0, description="Seconds to wait for a database connection before a 503."
    )
    db_statement_timeout: float = Field(
        default=2.0,
        gt=0,
        description="Seconds one database statement may take (lock waits included) before a 503.",
    )
    batch_lock_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a registering /v1/check/batch may wait on PostgreSQL for the key "
        "locks other registrations hold (another batch's, until it ends) before a 503.",
    )
    report_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds one statement of the report (GET /v1/report, the console's "
        "figures) may take: it reads all of a tenant's records, on its own small pool.",
    )
    rate_limit: float = Field(
        default=0.0,
        ge=0,
        description="Requests per second per tenant, per replica (0: unlimited); over it, 429.",
    )
    log_level: str = Field(default="info", description="uvicorn log level.")
    email_mx_check: bool = Field(
        default=False,
        description="Look up each email domain's MX (else A) record; off by default (network).",
    )
    email_mx_timeout: float = Field(
        default=0.5, gt=0, le=10, description="Seconds one lookup may take; slower is no verdict."
    )
    dns_server: str | None = Field(
        default=None,
        pattern=r"^[0-9a-fA-F.:]+(@\d{1,5})?$",
        description="Resolver address for MX lookups (`ip` or `ip@port`); unset: the system's.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="Signs the review console's session cookies; unset: a random key per "
        "process, so console sessions end at a restart and do not span replicas.",
    )
