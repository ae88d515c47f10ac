"""The blocking-key index: candidates for many keys in one query, and safe registration.

A check looks up all of a lead's keys in one statement that also applies the
hot-key cap and fetches the candidate records, so its cost is one round trip
whatever the number of keys; a batch looks up many leads in one statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import delete, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.policy import DEFAULT_POLICY
from app.domain.types import NormalizedLead, normalized_from_dict
from app.store.driver import driver_fetch, execute_built
from app.store.engine import NETWORK_GRACE
from app.store.hot_reads import HotReads
from app.store.records import Candidate
from app.store.tables import lead_key

DEFAULT_CANDIDATE_LIMIT = DEFAULT_POLICY.max_candidates
DEFAULT_HOT_KEY_CAP = DEFAULT_POLICY.hot_key_cap
DECODED_KEPT = 8192


@dataclass(frozen=True, slots=True)
class CandidateSearch:
    """The candidates, and each searched key's number of index entries, counted up to the
    hot-key cap + 1 (a key over the cap is not searched: `skipped`)."""

    candidates: list[Candidate]
    skipped: tuple[str, ...]
    counts: dict[str, int]


# The lookup in one statement, whatever the number of keys or leads: the keys arrive as one
# parameter (an array on PostgreSQL, a JSON array on SQLite), so the statement text never
# changes and the driver prepares it once per connection. `counted` is each key's number of
# index entries, read with LIMIT cap + 1 so a switchboard number or a free-mail domain costs
# at most that many entries; `shared` joins only the keys under the cap; `ranked` orders each
# lead's records by shared keys on the key index alone, records sharing as many keys by
# their rarest shared key (a phone two records hold before a company name a hundred hold:
# the likelier duplicate when the limit cuts; a count, so a batch of leads ranks exactly as
# each lead alone, where a sum of fractions would differ in its last bits), and only the
# best `limit` are read
# from the lead table; every key's bounded count comes back as a row of its own, for the
# hot-key report and for term-frequency adjustment (how common the lead's name is).
#
# Ranking needs no look at the lead table because only live records hold keys: a delete or
# purge removes a record's keys and a merge empties the merged-away record's (an unmerge
# gives them back). On a 1M index reading every sharer's row to check it was alive took
# most of the statement's time. The final join still checks liveness, as a guard.
_LOOKUP_BODY = """
counted AS (
    SELECT d.key, (
        SELECT count(*) FROM (
            SELECT 1 FROM lead_key AS c
            WHERE c.tenant_id = :tenant AND c.key = d.key
            LIMIT :over
        ) AS bounded
    ) AS n
    FROM (SELECT DISTINCT key FROM wanted) AS d
),
shared AS (
    SELECT w.i, k.lead_id, count(*) AS shared, min(c.n) AS rarest
    FROM wanted AS w
    JOIN counted AS c ON c.key = w.key AND c.n <= :cap
    JOIN lead_key AS k ON k.tenant_id = :tenant AND k.key = w.key
    WHERE k.lead_id <> :exclude
    GROUP BY w.i, k.lead_id
),
{ranked}
SELECT r.i, r.id, l.external_id, l.entity, l.group_id,
       CAST(l.normalized AS TEXT) AS normalized, r.shared, r.rank
FROM ranked AS r
JOIN lead AS l ON l.id = r.id
WHERE r.rank <= :limit
  AND l.tenant_id = :tenant AND l.deleted_at IS NULL AND l.merged_into IS NULL
UNION ALL
SELECT -1, key, NULL, NULL, NULL, NULL, n, 0 FROM counted
ORDER BY 1, 8
"""
# Many leads: each lead's sharers numbered in its own partition. One lead: the best `limit`
# of them kept on the way (a top-N sort) before they are numbered, a fifth less of the
# database's CPU per lookup on the 1M bench index than numbering every sharer. Ties go by
# id in the "C" collation: byte order, as SQLite compares, whatever the database's locale
# (comparing through the locale cost another sixth).
_BEST_FIRST = "shared DESC, rarest, lead_id{in_bytes}"
_RANK_MANY = """ranked AS (
    SELECT i, lead_id AS id, shared,
           row_number() OVER (PARTITION BY i ORDER BY {best_first}) AS rank
    FROM shared
)"""
_RANK_ONE = """ranked AS (
    SELECT i, lead_id AS id, shared,
           row_number() OVER (ORDER BY {best_first}) AS rank
    FROM (
        SELECT i, lead_id, shared, rarest FROM shared
        ORDER BY {best_first}
        LIMIT :limit
    ) AS best
)"""
_PG_WANTED = """WITH wanted AS (
    SELECT w.i, w.key FROM unnest(CAST(:leads AS integer[]), CAST(:keys AS text[])) AS w(i, key)
),"""
_SQLITE_WANTED = """WITH wanted AS (
    SELECT CAST(json_extract(value, '$[0]') AS INTEGER) AS i, json_extract(value, '$[1]') AS key
    FROM json_each(:pairs)
),"""


def _lookup(wanted: str, ranked: str, in_bytes: str) -> str:
    best_first = _BEST_FIRST.format(in_bytes=in_bytes)
    return wanted + _LOOKUP_BODY.format(ranked=ranked.format(best_first=best_first))


# SQLite compares text byte by byte already, and knows no "C" collation.
_SQLITE_LOOKUP = text(_lookup(_SQLITE_WANTED, _RANK_MANY, ""))
_SQLITE_LOOKUP_ONE = text(_lookup(_SQLITE_WANTED, _RANK_ONE, ""))
# PostgreSQL runs the lookup on the driver itself: SQLAlchemy's statement and row handling
# cost as much CPU as the lookup's own, on the path every check takes.
_PG_PARAMS = ("tenant", "over", "cap", "limit", "exclude", "leads", "keys")


def _numbered(sql: str) -> str:
    for n, name in enumerate(_PG_PARAMS, start=1):
        sql = sql.replace(f":{name}", f"${n}")
    return sql


_PG_LOOKUP = _numbered(_lookup(_PG_WANTED, _RANK_MANY, ' COLLATE "C"'))
_PG_LOOKUP_ONE = _numbered(_lookup(_PG_WANTED, _RANK_ONE, ' COLLATE "C"'))
NO_RECORD = ""  # what `exclude` is when no record is left out: never a record's id


async def find_candidates(
    conn: AsyncConnection,
    tenant_id: str,
    keys: Sequence[str],
    *,
    limit: int = DEFAULT_CANDIDATE_LIMIT,
    hot_key_cap: int = DEFAULT_HOT_KEY_CAP,
    exclude: str | None = None,
) -> CandidateSearch:
    """Live records of the tenant sharing any key, most shared keys first, in one statement.

    A key shared by more than `hot_key_cap` records is not searched (it is reported in
    `skipped`): counting it stops at the cap, so it costs at most that many index entries.
    Every key's count comes back in `counts`, at most `hot_key_cap` + 1.
    """
    found = await find_candidates_many(
        conn, tenant_id, [keys], limit=limit, hot_key_cap=hot_key_cap, exclude=exclude
    )
    return found[0]


async def find_candidates_many(
    conn: AsyncConnection,
    tenant_id: str,
    keysets: Sequence[Sequence[str]],
    *,
    limit: int = DEFAULT_CANDIDATE_LIMIT,
    hot_key_cap: int = DEFAULT_HOT_KEY_CAP,
    exclude: str | None = None,
) -> list[CandidateSearch]:
    """`find_candidates` for many leads at once: one statement, one search per key set.

    A batch looks up its leads together this way; each search is what `find_candidates`
    would answer for that key set alone.
    """
    pairs = _pairs(keysets)
    if not pairs:
        return [CandidateSearch([], (), {}) for _ in keysets]
    params = _params(tenant_id, pairs, limit, hot_key_cap, exclude)
    one = len(keysets) == 1
    if conn.dialect.name == "postgresql":
        rows: Sequence[Any] = await driver_fetch(
            conn,
            _PG_LOOKUP_ONE if one else _PG_LOOKUP,
            *(params[name] for name in _PG_PARAMS),
        )
    else:
        sqlite_params = {k: v for k, v in params.items() if k not in ("leads", "keys")}
        result = await conn.execute(
            _SQLITE_LOOKUP_ONE if one else _SQLITE_LOOKUP,
            sqlite_params | {"pairs": orjson.dumps(pairs).decode()},
        )
        rows = result.all()
    return _searches(rows, keysets, hot_key_cap)


async def find_candidates_read(
    reads: HotReads,
    tenant_id: str,
    keys: Sequence[str],
    *,
    limit: int = DEFAULT_CANDIDATE_LIMIT,
    hot_key_cap: int = DEFAULT_HOT_KEY_CAP,
) -> CandidateSearch:
    """`find_candidates` on the hot-read pool (PostgreSQL), for a check that registers
    nothing: the same statement, no SQLAlchemy connection around it."""
    pairs = _pairs([keys])
    if not pairs:
        return CandidateSearch([], (), {})
    params = _params(tenant_id, pairs, limit, hot_key_cap, None)
    rows = await reads.fetch(_PG_LOOKUP_ONE, *(params[name] for name in _PG_PARAMS))
    return _searches(rows, [keys], hot_key_cap)[0]


def _params(
    tenant_id: str,
    pairs: Sequence[tuple[int, str]],
    limit: int,
    hot_key_cap: int,
    exclude: str | None,
) -> dict[str, Any]:
    """The lookup's parameters by name (`_PG_PARAMS` orders them for PostgreSQL)."""
    return {
        "tenant": tenant_id,
        "over": hot_key_cap + 1,
        "cap": hot_key_cap,
        "limit": limit,
        "exclude": exclude or NO_RECORD,
        "leads": [i for i, _ in pairs],
        "keys": [k for _, k in pairs],
    }


def _pairs(keysets: Sequence[Sequence[str]]) -> list[tuple[int, str]]:
    return [(i, key) for i, keys in enumerate(keysets) for key in dict.fromkeys(keys)]


def _searches(
    rows: Sequence[Any], keysets: Sequence[Sequence[str]], hot_key_cap: int
) -> list[CandidateSearch]:
    """The lookup's rows as one search per key set: candidates in rank order, key counts."""
    found: list[list[Candidate]] = [[] for _ in keysets]
    counted: dict[str, int] = {}
    for i, lead_id, external_id, entity, group_id, normalized, shared, _rank in rows:
        if i < 0:
            counted[lead_id] = int(shared)
            continue
        found[i].append(
            Candidate(
                id=lead_id,
                external_id=external_id,
                entity=entity,
                group_id=group_id,
                shared_keys=shared,
                lead=decoded(normalized),
            )
        )
    return [
        CandidateSearch(
            candidates,
            tuple(k for k in keys if counted[k] > hot_key_cap),
            {k: counted[k] for k in keys},
        )
        for candidates, keys in zip(found, keysets, strict=True)
    ]


async def write_keys(
    conn: AsyncConnection, tenant_id: str, lead_id: str, keys: Iterable[str]
) -> None:
    """Replace a record's keys with these."""
    await conn.execute(
        delete(lead_key).where(lead_key.c.tenant_id == tenant_id, lead_key.c.lead_id == lead_id)
    )
    await add_keys(conn, tenant_id, lead_id, keys)


_INSERT_KEYS = insert(lead_key)


async def add_keys(
    conn: AsyncConnection, tenant_id: str, lead_id: str, keys: Iterable[str]
) -> None:
    """Index a new record under its keys (it has none yet: nothing to delete first)."""
    rows = [{"tenant_id": tenant_id, "key": k, "lead_id": lead_id} for k in dict.fromkeys(keys)]
    if rows:
        await execute_built(conn, _INSERT_KEYS, rows)


_PG_LOCK = (
    "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) "
    "FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n)"
)
_PG_WAIT = "SELECT set_config('statement_timeout', $1, true)"
_PG_UNWAIT = "SET LOCAL statement_timeout TO DEFAULT"


async def lock_keys(
    conn: AsyncConnection, tenant_id: str, keys: Sequence[str], *, wait: float | None = None
) -> None:
    """Serialise registrations that share a key, until the transaction ends.

    On PostgreSQL two replicas registering the same lead would otherwise both
    see no candidate and both store it as unique: each takes transaction-scoped
    advisory locks on the lead's keys, in sorted order and in one statement: a
    registration, or a registering batch, takes all its keys' locks at once, so two of
    them never deadlock. `wait`: seconds to wait for them instead of the statement
    timeout (a batch, which may wait for another batch to end), the statement timeout
    back after. SQLite needs nothing here: every transaction begins IMMEDIATE, so
    writers are serialised already.
    """
    if conn.dialect.name != "postgresql" or not keys:
        return
    scoped = sorted({f"{tenant_id}/{k}" for k in keys})
    if wait is None:
        await conn.exec_driver_sql(_PG_LOCK, (scoped,))
        return
    # Through SQLAlchemy, which sends BEGIN with it: the driver's wait is then inside the
    # transaction, and so are the locks it takes.
    await conn.exec_driver_sql(_PG_WAIT, (str(int(wait * 1000)),))
    await driver_fetch(conn, _PG_LOCK, scoped, within=wait + NETWORK_GRACE)
    await conn.exec_driver_sql(_PG_UNWAIT)


@lru_cache(maxsize=DECODED_KEPT)
def decoded(normalized: str) -> NormalizedLead:
    """A stored normalized lead read back, kept by its text: the records of a common company
    or name come back in check after check, and decoding one costs as much as comparing it.
    Keyed by content, an updated record is a new entry and never a stale one."""
    return normalized_from_dict(orjson.loads(normalized))
