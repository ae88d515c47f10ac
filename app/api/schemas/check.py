"""Bodies of /v1/normalize, /v1/check and /v1/check/batch."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas.lead import Issue, Lead, NormalizedLead, Region
from app.api.schemas.score import ScoreResult


class NormalizeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead: Lead
    region: str | None = Region


class NormalizeResult(BaseModel):
    lead: NormalizedLead
    valid: bool = Field(description="False when any issue has severity `error`.")
    issues: list[Issue]
    keys: list[str] = Field(description="Blocking keys, namespaced `kind:value`.")


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead: Lead
    register_: bool = Field(
        default=False, alias="register", description="Also store the lead in the index."
    )
    region: str | None = Region


class CheckBatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    leads: list[Lead] = Field(description="At most 1000 leads; more is a 413.")
    register_: bool = Field(default=False, alias="register", description="Also store the leads.")
    region: str | None = Region


class FieldExplain(BaseModel):
    level: str = Field(description="The comparison level the two values reached.")
    similarity: float
    weight: float = Field(
        description="log2(m/u) the level added to the match odds, tf_adjustment included."
    )
    tf_adjustment: float | None = Field(
        default=None,
        description="How much of `weight` comes from how common the agreed value is among"
        " the tenant's records (term-frequency adjustment): below 0 a common value (a common"
        " name), above 0 a rare one; null when the level is not adjusted.",
    )


class Match(BaseModel):
    id: str
    external_id: str | None
    entity: Literal["lead", "contact", "account"]
    group_id: str
    score: float = Field(ge=0, le=1, description="The model's match probability.")
    rule: str = Field(description="The rule that fired.")
    decision: Literal["unique", "duplicate", "possible_duplicate"] = Field(
        description="What the rule says of this pair; `unique`: a related record such as the"
        " customer account of the lead, not a duplicate."
    )
    fields: dict[str, float] = Field(description="Per-field similarity behind the rule.")
    explain: dict[str, FieldExplain] = Field(
        description="Per field: the level, its similarity and its weight in the model."
    )


class CheckResult(BaseModel):
    decision: Literal["unique", "duplicate", "possible_duplicate"]
    action: Literal["allow", "block", "review", "merge"]
    valid: bool
    issues: list[Issue]
    matches: list[Match]
    tags: list[str]
    patch: dict[str, Any]
    id: str | None = Field(description="The stored record's id when `register` was true.")
    group_id: str | None = Field(description="The stored record's group when registered.")
    normalized: NormalizedLead
    score: ScoreResult | None = Field(
        default=None, description="Present when the tenant's config sets `score_in_check`."
    )


class CheckBatchResult(BaseModel):
    results: list[CheckResult]
