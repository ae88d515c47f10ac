"""Outcomes, the report and the samples that fit the scoring model, wired.

No FastAPI here (like app.api.flows), so `leadgate train-score` reuses them.

An outcome is scored when it arrives, under the tenant's current model, from the
record as it is then (after any replace or merge): registration stays as fast as
before, and the grade and pool stored are those the lead had while it was being
worked. The score is the fit score: leadgate keeps no behaviour events.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.flows import normalize_only
from app.domain.policy import DEFAULT_POLICY, Policy
from app.domain.score import score_lead
from app.domain.score_fit import Sample, fired_rules
from app.domain.score_model import ScoringModel
from app.domain.types import RawLead
from app.store import audit, check_tally, leads, outcomes, policies, tenants
from app.store import report as figures
from app.store.check_tally import HOUR
from app.store.engine import transaction
from app.store.errors import Conflict, NotFound

_RAW_FIELDS = frozenset(RawLead.__dataclass_fields__)


def raw_lead(raw: Mapping[str, Any]) -> RawLead:
    """A stored record (the JSON it came as) back as the domain's raw lead."""
    data = {k: v for k, v in raw.items() if k in _RAW_FIELDS}
    for name in ("phone", "email"):
        value = data.get(name)
        data[name] = (value,) if isinstance(value, str) else tuple(value or ())
    return RawLead(**data)


async def record_outcome(
    engine: AsyncEngine,
    tenant_id: str,
    policy: Policy,
    lead_id: str,
    *,
    outcome: outcomes.OutcomeKind,
    at: datetime,
    region: str,
) -> outcomes.Outcome:
    """Store what became of a live record of this tenant (NotFound otherwise), with its score."""
    async with transaction(engine) as conn:
        stored = await leads.get_lead(conn, tenant_id, lead_id)
        prepared = normalize_only(raw_lead(stored.raw), region, policy)
        scored = score_lead(prepared.lead, prepared.issues, (), policy.scoring, at)
        saved = await outcomes.add_outcome(
            conn,
            tenant_id,
            lead_id,
            outcome,
            at,
            score=scored.score,
            grade=scored.grade,
            pool=scored.pool,
            reasons=[{"factor": r.factor, "points": r.points} for r in scored.reasons],
        )
        await audit.record(
            conn,
            tenant_id,
            lead_id,
            "outcome",
            {
                "outcome": outcome,
                "at": saved.at.isoformat(),
                "score": saved.score,
                "grade": saved.grade,
                "pool": saved.pool,
            },
        )
    return saved


async def report(engine: AsyncEngine, tenant_id: str, since: datetime) -> figures.Report:
    async with transaction(engine) as conn:
        return await figures.report(conn, tenant_id, since)


async def checks(engine: AsyncEngine, tenant_id: str, since: datetime) -> list[check_tally.Tally]:
    """What the tenant's checks answered from `since` (a whole UTC hour) on."""
    async with transaction(engine) as conn:
        return await check_tally.window(conn, tenant_id, int(since.timestamp()) // HOUR)


async def tenant_policy(engine: AsyncEngine, tenant_id: str) -> tuple[Policy, int]:
    """The tenant's policy and its version (0: the shipped defaults); NotFound for no tenant."""
    async with transaction(engine) as conn:
        if await tenants.get_tenant(conn, tenant_id) is None:
            raise NotFound(f"no tenant {tenant_id}")
        stored = await policies.get_policy(conn, tenant_id)
    if stored is None:
        return DEFAULT_POLICY, 0
    return Policy.model_validate(stored.policy), stored.version


async def training_samples(
    engine: AsyncEngine, tenant_id: str, policy: Policy, region: str
) -> list[Sample]:
    """Each live lead with an outcome: the fit rules that hold for it now, and if it converted."""
    async with transaction(engine) as conn:
        rows = await outcomes.training_rows(conn, tenant_id)
    samples = []
    for row in rows:
        prepared = normalize_only(raw_lead(row.raw), region, policy)
        fired = fired_rules(prepared.lead, prepared.issues, policy.scoring)
        samples.append(Sample(row.lead_id, fired, row.outcome == "converted"))
    return samples


async def save_scoring(
    engine: AsyncEngine, tenant_id: str, scoring: ScoringModel, *, expected_version: int
) -> int:
    """Store a new scoring model in the tenant's policy, unless the policy changed meanwhile."""
    async with transaction(engine) as conn:
        stored = await policies.get_policy(conn, tenant_id)
        version = 0 if stored is None else stored.version
        if version != expected_version:
            raise Conflict(
                f"the tenant's policy changed while the model was fitted "
                f"(version {expected_version} -> {version}); run the fit again"
            )
        current = DEFAULT_POLICY if stored is None else Policy.model_validate(stored.policy)
        updated = current.model_copy(update={"scoring": scoring})
        saved = await policies.put_policy(conn, tenant_id, updated.model_dump(mode="json"))
    return saved.version
