"""Tenant bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TenantRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class TenantCreated(BaseModel):
    id: str
    name: str
    api_key: str = Field(description="Shown once; only its hash is stored.")
