"""Bodies of GET/PUT /v1/config."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.domain.policy import Policy


class ConfigResult(BaseModel):
    version: int = Field(description="Counts the tenant's changes; 0 while it uses the defaults.")
    policy: Policy
    dry_run: bool = False
    changes: dict[str, int] | None = Field(
        default=None,
        description="With dry_run: how many of the newest stored records would change decision,"
        " by transition (`unique->duplicate`: count).",
    )
