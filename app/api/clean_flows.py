"""What the batch cleaner asks of the stored index: candidates, and storing the survivors.

No FastAPI here. Candidates come from the same `store.index.find_candidates` as
`/v1/check`, with the tenant's cap and limit; storing goes through `flows.check` with
`register=True`, exactly as `POST /v1/check` with `register: true` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import flows
from app.domain.match import Stored
from app.domain.model import Frequencies
from app.domain.policy import Policy
from app.domain.types import RawLead
from app.store import index, tenants
from app.store.engine import transaction
from app.store.live_counts import LiveCounts


async def tenant_exists(engine: AsyncEngine, tenant_id: str) -> bool:
    async with transaction(engine) as conn:
        return await tenants.get_tenant(conn, tenant_id) is not None


@dataclass(frozen=True, slots=True)
class IndexAgainst:
    """The tenant's live stored records as candidates for a file's leads."""

    engine: AsyncEngine
    tenant_id: str
    policy: Policy
    label: str
    live: LiveCounts = field(default_factory=LiveCounts)

    async def candidates(
        self, keys: Sequence[str]
    ) -> tuple[list[Stored], dict[str, str], Frequencies]:
        """The candidates, their groups, and the stored index's counts of the keys."""
        async with transaction(self.engine) as conn:
            records = await self.live.live(conn, self.tenant_id)
            search = await index.find_candidates(
                conn,
                self.tenant_id,
                keys,
                limit=self.policy.max_candidates,
                hot_key_cap=self.policy.hot_key_cap,
            )
        found = [Stored(c.id, c.entity, c.lead) for c in search.candidates]
        groups = {c.id: c.group_id for c in search.candidates}
        return found, groups, Frequencies(search.counts, records)


@dataclass(frozen=True, slots=True)
class IndexRegistrar:
    """Stores a merged lead as `POST /v1/check` with `register: true` would."""

    engine: AsyncEngine
    tenant_id: str
    policy: Policy
    region: str
    to_domain: Callable[[dict[str, Any]], RawLead]
    live: LiveCounts = field(default_factory=LiveCounts)

    async def register(self, lead: dict[str, Any]) -> str:
        raw = self.to_domain(lead)
        outcome = await flows.check(
            self.engine,
            self.tenant_id,
            self.policy,
            flows.Incoming(raw, lead),
            self.region,
            register=True,
            live=self.live,
        )
        return outcome.decision.decision
