"""A tenant's policy: match rules and thresholds, with the shipped defaults.

It is the JSON of `/v1/config`, so it is a pydantic model (the one place the
domain may use pydantic); the matcher reads it as plain typed values.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Decision = Literal["duplicate", "possible_duplicate"]
Action = Literal["allow", "block", "review", "merge"]


class MatchRule(BaseModel):
    """Fires when every named field's similarity reaches its minimum."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    fields: dict[str, float] = Field(min_length=1)
    decision: Decision
    action: Action


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: tuple[MatchRule, ...]
    max_candidates: int = Field(default=50, ge=1, le=500)


DEFAULT_POLICY = Policy(
    rules=(
        MatchRule(name="exact_email", fields={"email": 1.0}, decision="duplicate", action="block"),
        MatchRule(name="exact_phone", fields={"phone": 1.0}, decision="duplicate", action="block"),
    )
)
