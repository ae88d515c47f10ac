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


_ENTRY = Field(default=(), max_length=10_000)


class Blocklist(BaseModel):
    """The tenant's own refusals: a lead touching any entry gets a `blocked` error.

    Phones are compared as E.164 (write them with a country code or in the
    tenant's region), emails as canonical addresses, domains with their
    subdomains, words as case-insensitive substrings of name, company and email.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    phones: tuple[str, ...] = _ENTRY
    emails: tuple[str, ...] = _ENTRY
    domains: tuple[str, ...] = _ENTRY
    words: tuple[str, ...] = _ENTRY


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: tuple[MatchRule, ...]
    blocklist: Blocklist = Blocklist()
    max_candidates: int = Field(default=50, ge=1, le=500)


DEFAULT_POLICY = Policy(
    rules=(
        MatchRule(name="exact_email", fields={"email": 1.0}, decision="duplicate", action="block"),
        MatchRule(name="exact_phone", fields={"phone": 1.0}, decision="duplicate", action="block"),
    )
)
