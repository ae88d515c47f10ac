"""Bodies of merge and unmerge, /v1/groups and /v1/reviews."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.api.schemas.lead import NormalizedLead, StoredLead, Text

LeadId = Annotated[Text, StringConstraints(min_length=1, max_length=36)]


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: LeadId = Field(description="The id of the record that survives.")


class MergeResult(BaseModel):
    """Both records after a merge (or after its undo)."""

    lead: StoredLead = Field(description="The record folded away (`merged_into` set on merge).")
    into: StoredLead = Field(description="The surviving record.")


class Touchpoint(BaseModel):
    lead_id: str | None = Field(description="The record the contact came as, if stored.")
    source: str | None
    external_id: str | None
    at: str


class Group(BaseModel):
    """One real person or company (OneID)."""

    id: str
    members: list[StoredLead] = Field(description="The group's records, oldest first.")
    touchpoints: list[Touchpoint] = Field(description="Contacts of the group in time order.")


class Review(BaseModel):
    """A possible-duplicate pair awaiting (or past) a person's verdict."""

    id: str
    status: Literal["open", "same", "different"]
    lead_id: str = Field(description="The record that was checked.")
    candidate_id: str = Field(description="The stored record it may duplicate.")
    lead: NormalizedLead | None = Field(description="The checked record; null once deleted.")
    candidate: NormalizedLead | None = Field(description="The candidate; null once deleted.")
    rule: str = Field(description="The rule that asked for review.")
    score: float
    explain: dict[str, Any] = Field(description="Why the rule fired, e.g. per-field scores.")
    created_at: str
    reviewer: str | None
    resolved_at: str | None


class ReviewList(BaseModel):
    reviews: list[Review]


class ResolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Literal["same", "different"] = Field(
        description="`same` merges the checked record into the candidate; "
        "`different` never flags the pair again."
    )
    reviewer: Annotated[Text, StringConstraints(max_length=200)] | None = Field(
        default=None, description="Who decided."
    )
