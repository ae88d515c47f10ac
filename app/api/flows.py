"""The use cases, wired: pure domain work first, then one short transaction.

No FastAPI here, so the CLI reuses the same flows. Every flow that writes does
it in one transaction: a failure anywhere leaves nothing stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.domain import decide, keys, match, normalize, validate
from app.domain.model import Frequencies
from app.domain.policy import DEFAULT_POLICY, Policy
from app.domain.types import Issue, NormalizedLead, RawLead, normalized_to_dict
from app.store import (
    audit,
    index,
    lead_issues,
    leads,
    policies,
    rate,
    reviews,
    tenants,
    touchpoints,
)
from app.store.driver import together
from app.store.engine import reading, transaction
from app.store.hot_reads import HotReads
from app.store.ids import time_ordered_id
from app.store.live_counts import LiveCounts
from app.store.records import AuditEntry, Candidate, StoredLead


@dataclass(frozen=True, slots=True)
class Normalized:
    lead: NormalizedLead
    issues: tuple[Issue, ...]
    keys: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return validate.is_valid(self.issues)

    def with_issues(self, extra: Sequence[Issue]) -> Normalized:
        """The same lead with issues found outside the domain (the optional MX lookup)."""
        return dataclasses.replace(self, issues=(*self.issues, *extra)) if extra else self


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    normalized: Normalized
    decision: decide.Decision
    candidates: dict[str, Candidate]
    stored: StoredLead | None
    skipped_keys: tuple[str, ...] = ()

    @property
    def patch(self) -> dict[str, Any]:
        """The update effect: what the best match should take from this lead, when its rule says."""
        if not self.decision.matches or not self.decision.matches[0].update:
            return {}
        best = self.candidates[self.decision.matches[0].candidate_id]
        return match.patch(self.normalized.lead, best.lead)


@dataclass(frozen=True, slots=True)
class Incoming:
    """A lead to check: the domain value and the JSON it came as."""

    lead: RawLead
    raw: dict[str, Any]


def normalize_only(raw: RawLead, region: str, policy: Policy) -> Normalized:
    lead, issues = normalize.normalize_lead(raw, region, policy.blocklist)
    return Normalized(lead=lead, issues=issues, keys=keys.blocking_keys(lead, policy.attributes))


async def check(
    engine: AsyncEngine,
    tenant_id: str,
    policy: Policy,
    incoming: Incoming,
    region: str,
    *,
    register: bool,
    live: LiveCounts,
    reads: HotReads | None = None,
) -> CheckOutcome:
    """`live` counts the tenant's records for term-frequency adjustment, and learns of the
    one this check registers. A check that registers nothing looks up its candidates on
    `reads`, the hot-read pool, when there is one (PostgreSQL)."""
    prepared = normalize_only(incoming.lead, region, policy)
    if reads is not None and not register:
        records = await live.live_on(engine, tenant_id)
        search = await index.find_candidates_read(
            reads,
            tenant_id,
            prepared.keys,
            limit=policy.max_candidates,
            hot_key_cap=policy.hot_key_cap,
        )
        return _outcome(policy, prepared, search, records)
    async with (transaction if register else reading)(engine) as conn:
        records = await live.live(conn, tenant_id)
        outcome = await _check_in(
            conn, tenant_id, policy, incoming.raw, prepared, register=register, records=records
        )
    live.added(tenant_id, 1 if outcome.stored else 0)
    return outcome


LOOKUP_RUN = 100


async def check_batch(
    engine: AsyncEngine,
    tenant_id: str,
    policy: Policy,
    batch: Sequence[Incoming],
    region: str,
    *,
    register: bool,
    live: LiveCounts,
    lock_wait: float,
) -> list[CheckOutcome]:
    """Check in input order in one transaction, so later leads meet the earlier ones.

    Registering, the batch takes the locks of all its leads' keys when it begins, waiting
    up to `lock_wait` seconds (another batch holds its own until it ends): taken run by
    run, two batches took shared keys in different orders and deadlocked.

    Leads are looked up a run at a time, one statement per run: a run ends before the
    first lead sharing a key with an earlier lead of the run, so every lead still meets
    the ones registered before it, and after LOOKUP_RUN leads, so one statement stays well
    inside the statement timeout on a large index. Each lead's frequencies count the
    records registered before it, as if it had been checked alone.
    """
    if not register:
        return await _read_batch(engine, tenant_id, policy, batch, region, live=live)
    prepared = [normalize_only(item.lead, region, policy) for item in batch]
    outcomes: list[CheckOutcome] = []
    async with transaction(engine) as conn:
        records = await live.live(conn, tenant_id)
        every_key = [k for item in prepared for k in item.keys]
        await index.lock_keys(conn, tenant_id, every_key, wait=lock_wait)
        for run in _runs(prepared):
            searches = await index.find_candidates_many(
                conn,
                tenant_id,
                [prepared[i].keys for i in run],
                limit=policy.max_candidates,
                hot_key_cap=policy.hot_key_cap,
            )
            for i, search in zip(run, searches, strict=True):
                outcome = await _conclude(
                    conn,
                    tenant_id,
                    policy,
                    batch[i].raw,
                    prepared[i],
                    search=search,
                    register=True,
                    records=records,
                )
                records += 1 if outcome.stored else 0
                outcomes.append(outcome)
    live.added(tenant_id, sum(1 for o in outcomes if o.stored))
    return outcomes


async def _read_batch(
    engine: AsyncEngine,
    tenant_id: str,
    policy: Policy,
    batch: Sequence[Incoming],
    region: str,
    *,
    live: LiveCounts,
) -> list[CheckOutcome]:
    """A batch that registers nothing, a run of LOOKUP_RUN leads at a time, pipelined.

    No run's lookup depends on an earlier run, so the database works on one run's lookup
    while this process normalizes the next run and matches the one before: the batch
    costs its CPU plus one lookup, not its CPU plus every lookup. One statement is in
    flight at a time, on the one connection.
    """
    chunks = [batch[i : i + LOOKUP_RUN] for i in range(0, len(batch), LOOKUP_RUN)]
    outcomes: list[CheckOutcome] = []
    if not chunks:
        return outcomes
    async with reading(engine) as conn:
        records = await live.live(conn, tenant_id)
        current = [normalize_only(item.lead, region, policy) for item in chunks[0]]
        pending = await _lookup_soon(conn, tenant_id, policy, current)
        try:
            for following in [*chunks[1:], None]:
                after = [normalize_only(i.lead, region, policy) for i in following or ()]
                searches = await pending
                if following is not None:
                    pending = await _lookup_soon(conn, tenant_id, policy, after)
                outcomes += [
                    _outcome(policy, one, search, records)
                    for one, search in zip(current, searches, strict=True)
                ]
                current = after
        finally:
            if not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending
    return outcomes


async def _lookup_soon(
    conn: AsyncConnection, tenant_id: str, policy: Policy, prepared: Sequence[Normalized]
) -> asyncio.Task[list[index.CandidateSearch]]:
    """The run's lookup, started: sent to the database before this returns."""
    task = asyncio.create_task(
        index.find_candidates_many(
            conn,
            tenant_id,
            [p.keys for p in prepared],
            limit=policy.max_candidates,
            hot_key_cap=policy.hot_key_cap,
        )
    )
    await asyncio.sleep(0)
    return task


def _runs(prepared: Sequence[Normalized]) -> list[list[int]]:
    """Consecutive leads, split after LOOKUP_RUN of them and before each lead that shares a
    key with its run."""
    runs: list[list[int]] = []
    seen: set[str] = set()
    for i, item in enumerate(prepared):
        if not runs or len(runs[-1]) >= LOOKUP_RUN or seen.intersection(item.keys):
            runs.append([])
            seen = set()
        runs[-1].append(i)
        seen.update(item.keys)
    return runs


async def _check_in(
    conn: AsyncConnection,
    tenant_id: str,
    policy: Policy,
    raw: dict[str, Any],
    prepared: Normalized,
    *,
    register: bool,
    records: int,
) -> CheckOutcome:
    if register:
        await index.lock_keys(conn, tenant_id, prepared.keys)
    search = await index.find_candidates(
        conn,
        tenant_id,
        prepared.keys,
        limit=policy.max_candidates,
        hot_key_cap=policy.hot_key_cap,
    )
    return await _conclude(
        conn, tenant_id, policy, raw, prepared, search=search, register=register, records=records
    )


async def _conclude(
    conn: AsyncConnection,
    tenant_id: str,
    policy: Policy,
    raw: dict[str, Any],
    prepared: Normalized,
    *,
    search: index.CandidateSearch,
    register: bool,
    records: int,
) -> CheckOutcome:
    """Decide on the candidates found; when registering, store the lead with its effects.

    `records` is the tenant's live records: with the search's key counts, how common the
    values the lead agrees on are.
    """
    outcome = _outcome(policy, prepared, search, records)
    if not register:
        return outcome
    decision, by_id = outcome.decision, outcome.candidates
    sure = decision.decision == "duplicate"
    group_id = by_id[decision.matches[0].candidate_id].group_id if sure else None
    async with together(conn):
        record = await _insert(conn, tenant_id, raw, prepared, group_id)
        await touchpoints.add_touchpoint(
            conn,
            tenant_id,
            record.group_id,
            lead_id=record.id,
            source=prepared.lead.source,
            external_id=prepared.lead.external_id,
        )
    await _open_reviews(conn, tenant_id, record.id, decision)
    return dataclasses.replace(outcome, stored=record)


def _outcome(
    policy: Policy, prepared: Normalized, search: index.CandidateSearch, records: int
) -> CheckOutcome:
    """The decision on the candidates found, nothing stored yet."""
    stored = [match.Stored(c.id, c.entity, c.lead) for c in search.candidates]
    frequencies = Frequencies(search.counts, records)
    decision = match.match(prepared.lead, stored, policy, frequencies)
    by_id = {c.id: c for c in search.candidates}
    return CheckOutcome(prepared, decision, by_id, None, search.skipped)


async def _open_reviews(
    conn: AsyncConnection, tenant_id: str, lead_id: str, decision: decide.Decision
) -> None:
    """A possible duplicate that is stored waits for a person: one review per uncertain pair."""
    for found in decision.matches:
        if found.decision == "possible_duplicate":
            await reviews.open_review(
                conn,
                tenant_id,
                lead_id,
                found.candidate_id,
                rule=found.rule,
                score=found.score,
                explain=match.explain(found.levels, found.weights, found.adjustments),
            )


async def _insert(
    conn: AsyncConnection,
    tenant_id: str,
    raw: dict[str, Any],
    prepared: Normalized,
    group_id: str | None,
) -> StoredLead:
    lead_id = time_ordered_id()
    stored = await leads.insert_lead(
        conn,
        lead_id=lead_id,
        tenant_id=tenant_id,
        group_id=group_id or lead_id,
        raw=raw,
        normalized=normalized_to_dict(prepared.lead),
        valid=prepared.valid,
    )
    await index.add_keys(conn, tenant_id, lead_id, prepared.keys)
    await lead_issues.record(conn, tenant_id, lead_id, prepared.issues)
    await audit.record(conn, tenant_id, lead_id, "created", {"after": _image(stored)})
    return stored


async def create(
    engine: AsyncEngine,
    tenant_id: str,
    policy: Policy,
    incoming: Incoming,
    region: str,
    *,
    live: LiveCounts,
) -> StoredLead:
    prepared = normalize_only(incoming.lead, region, policy)
    async with transaction(engine) as conn, together(conn):
        stored = await _insert(conn, tenant_id, incoming.raw, prepared, None)
    live.added(tenant_id, 1)
    return stored


async def get(engine: AsyncEngine, tenant_id: str, lead_id: str) -> StoredLead:
    async with transaction(engine) as conn:
        return await leads.get_lead(conn, tenant_id, lead_id)


async def find(engine: AsyncEngine, tenant_id: str, external_id: str) -> list[StoredLead]:
    async with transaction(engine) as conn:
        return await leads.find_by_external_id(conn, tenant_id, external_id)


async def replace(
    engine: AsyncEngine,
    tenant_id: str,
    lead_id: str,
    incoming: Incoming,
    *,
    policy: Policy,
    region: str,
) -> StoredLead:
    prepared = normalize_only(incoming.lead, region, policy)
    async with transaction(engine) as conn:
        before = await leads.get_lead(conn, tenant_id, lead_id)
        after = await leads.replace_lead(
            conn,
            tenant_id,
            lead_id,
            raw=incoming.raw,
            normalized=normalized_to_dict(prepared.lead),
        )
        await index.write_keys(conn, tenant_id, lead_id, prepared.keys)
        await audit.record(
            conn, tenant_id, lead_id, "updated", {"before": _image(before), "after": _image(after)}
        )
        return after


async def delete(engine: AsyncEngine, tenant_id: str, lead_id: str, *, purge: bool) -> None:
    async with transaction(engine) as conn:
        before = await leads.get_lead(conn, tenant_id, lead_id)
        await leads.soft_delete(conn, tenant_id, lead_id, purge=purge)
        if purge:
            await audit.erase_personal_data(conn, tenant_id, lead_id)
            await audit.record(conn, tenant_id, lead_id, "purged", {})
        else:
            await audit.record(conn, tenant_id, lead_id, "deleted", {"before": _image(before)})


async def history(engine: AsyncEngine, tenant_id: str, lead_id: str) -> list[AuditEntry]:
    async with transaction(engine) as conn:
        await leads.get_lead(conn, tenant_id, lead_id, include_deleted=True)
        return await audit.history(conn, tenant_id, lead_id)


def _image(stored: StoredLead) -> dict[str, Any]:
    """What an audit row keeps of a record: enough to restore it."""
    return {
        "external_id": stored.external_id,
        "entity": stored.entity,
        "group_id": stored.group_id,
        "merged_into": stored.merged_into,
        "raw": stored.raw,
    }


@dataclass(frozen=True, slots=True)
class NewTenant:
    tenant: tenants.Tenant
    api_key: str


async def create_tenant(engine: AsyncEngine, name: str) -> NewTenant:
    """One transaction: a tenant never exists without its first key."""
    key = tenants.new_key()
    async with transaction(engine) as conn:
        tenant = await tenants.create_tenant(conn, name)
        await tenants.add_key(conn, tenant.id, tenants.hash_key(key))
    return NewTenant(tenant, key)


async def load_policy(engine: AsyncEngine, tenant_id: str) -> Policy:
    """The tenant's stored policy, or the shipped defaults when it never set one."""
    async with transaction(engine) as conn:
        stored = await policies.get_policy(conn, tenant_id)
    return DEFAULT_POLICY if stored is None else Policy.model_validate(stored.policy)


async def policy_version(engine: AsyncEngine, tenant_id: str) -> int:
    async with transaction(engine) as conn:
        stored = await policies.get_policy(conn, tenant_id)
    return 0 if stored is None else stored.version


async def save_policy(engine: AsyncEngine, tenant_id: str, policy: Policy) -> int:
    async with transaction(engine) as conn:
        stored = await policies.put_policy(conn, tenant_id, policy.model_dump(mode="json"))
    return stored.version


DRY_RUN_SAMPLE = 200


async def dry_run(engine: AsyncEngine, tenant_id: str, old: Policy, new: Policy) -> dict[str, int]:
    """How the newest stored records' decisions would move from the old policy to the new.

    Each record is checked against the others as if it arrived now, under both
    policies; the answer counts transitions such as `unique->duplicate`.
    """
    changes: dict[str, int] = {}
    async with transaction(engine) as conn:
        records = await leads.count_live(conn, tenant_id)
        for record in await leads.recent_live(conn, tenant_id, DRY_RUN_SAMPLE):
            before = await _replay(conn, tenant_id, record, old, records)
            after = await _replay(conn, tenant_id, record, new, records)
            label = f"{before}->{after}"
            changes[label] = changes.get(label, 0) + 1
    return changes


async def _replay(
    conn: AsyncConnection, tenant_id: str, record: Candidate, policy: Policy, records: int
) -> str:
    """The record's decision as if it arrived now: its own keys and itself are not counted."""
    search = await index.find_candidates(
        conn,
        tenant_id,
        keys.blocking_keys(record.lead, policy.attributes),
        limit=policy.max_candidates,
        hot_key_cap=policy.hot_key_cap,
        exclude=record.id,
    )
    stored = [match.Stored(c.id, c.entity, c.lead) for c in search.candidates]
    cap = policy.hot_key_cap
    others = {k: max(n - 1, 0) if n <= cap else n for k, n in search.counts.items()}
    frequencies = Frequencies(others, records - 1)
    return match.match(record.lead, stored, policy, frequencies).decision


async def count_request(engine: AsyncEngine, tenant_id: str, second: int) -> int:
    """The tenant's requests in this second across every replica, this one included."""
    async with transaction(engine) as conn:
        return await rate.hit(conn, tenant_id, second)
