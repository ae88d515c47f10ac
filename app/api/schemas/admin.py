"""Tenant and API key bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TenantRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class TenantCreated(BaseModel):
    id: str
    name: str
    api_key: str = Field(description="Shown once; only its hash is stored.")


MAX_GRACE_SECONDS = 30 * 24 * 3600


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grace_seconds: int = Field(
        default=86400,
        ge=0,
        le=MAX_GRACE_SECONDS,
        description="How long the tenant's current keys keep working (0: they stop now).",
    )


class KeyCreated(BaseModel):
    tenant_id: str
    api_key: str = Field(description="Shown once; only its hash is stored.")
    previous_keys_expire_at: str = Field(
        description="When the tenant's other keys stop working (ISO 8601, UTC)."
    )
    previous_keys: int = Field(description="How many keys were still live and now expire.")
