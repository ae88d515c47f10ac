"""PostgreSQL goes away under load and comes back; two processes race to register one lead.

Two real `leadgate serve` processes on 127.0.0.1 reach PostgreSQL through a
small TCP proxy that this test runs, so the database can be cut off and
brought back without touching the machine's cluster that other tests use.

The load is bounded: checks with `register: true` (new leads and repeats of
earlier ones, some only checked), round-robin over both servers, from a few
concurrent clients; the middle of it runs with the proxy cut. Afterwards the
tables are read directly: every registration answered 200 must be there whole
(lead, every blocking key, audit row, touchpoint), and none that failed may be
there in part (a failure whose commit had already reached the server may be
there whole: the classic ambiguous commit, counted in the report).

LEADGATE_CHAOS_REQUESTS scales the run (default 300 before and 300 after the outage).
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import flows
from app.api.schemas.lead import Lead
from app.domain.policy import DEFAULT_POLICY
from app.store import tables
from app.store.engine import create_engine
from tests.conftest import clear

PHASE_REQUESTS = int(os.environ.get("LEADGATE_CHAOS_REQUESTS", "300"))
CLIENTS = 6
OUTAGE_SECONDS = 3.0
# Bounds the service must keep: a 503 within QUICK seconds during the outage, back to
# normal within RECOVERY seconds of PostgreSQL's return.
QUICK = 3.0
RECOVERY = 10.0
RACE_ROUNDS = int(os.environ.get("LEADGATE_RACE_ROUNDS", "40"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力"


class Proxy:
    """127.0.0.1:port → PostgreSQL; `cut()` drops every connection and refuses new ones."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.up = True
        self.connections = 0
        self._open: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        if not self.up:
            client_w.transport.abort()
            return
        try:
            server_r, server_w = await asyncio.open_connection(self.host, self.port)
        except OSError:
            client_w.transport.abort()
            return
        self.connections += 1
        self._open |= {client_w, server_w}
        try:
            await asyncio.gather(self._pipe(client_r, server_w), self._pipe(server_r, client_w))
        finally:
            self._open -= {client_w, server_w}

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    def cut(self) -> None:
        self.up = False
        for writer in list(self._open):
            writer.transport.abort()

    def restore(self) -> None:
        self.up = True

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Servers:
    urls: list[str]
    proxy: Proxy
    engine: AsyncEngine
    logs: list[Path]


async def _ready(client: httpx.AsyncClient, url: str, proc: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.returncode is None, f"leadgate serve at {url} exited"
        try:
            if (await client.get(f"{url}/readyz", timeout=2)).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    pytest.fail(f"leadgate serve at {url} was not ready within 60 s")


@pytest.fixture(scope="module")
async def servers(
    postgresql_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Servers]:
    """Two `leadgate serve` processes whose database is behind the proxy."""
    target = make_url(postgresql_url)
    proxy = Proxy(target.host or "127.0.0.1", target.port or 5432)
    proxied = target.set(host="127.0.0.1", port=await proxy.start())
    logs_dir = tmp_path_factory.mktemp("servers")
    env = {
        **os.environ,
        "LEADGATE_DATABASE_URL": proxied.render_as_string(hide_password=False),
        "LEADGATE_AUTH": "off",
        "LEADGATE_DB_TIMEOUT": "1",
        "LEADGATE_DB_STATEMENT_TIMEOUT": "2",
        "LEADGATE_DB_POOL_SIZE": "4",
    }
    procs, urls, logs = [], [], []
    for i in range(2):
        port = _free_port()
        log = logs_dir / f"server-{i}.log"
        with log.open("wb") as out:
            procs.append(
                await asyncio.create_subprocess_exec(
                    *(sys.executable, "-m", "app.cli", "serve"),
                    *("--host", "127.0.0.1", "--port", str(port)),
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        urls.append(f"http://127.0.0.1:{port}")
        logs.append(log)
    engine = create_engine(postgresql_url)
    try:
        async with httpx.AsyncClient() as client:
            await asyncio.gather(*(_ready(client, u, p) for u, p in zip(urls, procs, strict=True)))
        yield Servers(urls, proxy, engine, logs)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            await asyncio.wait_for(proc.wait(), 15)
        await proxy.stop()
        await clear(engine)
        await engine.dispose()


class People:
    """New, plausible people (no junk or invalid value), seeded so a run can be replayed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.made = 0

    def new(self, prefix: str) -> dict[str, Any]:
        while True:
            self.made += 1
            n = self.made
            digits = "".join(self.rng.choice("0123456789") for _ in range(8))
            lead = {
                "external_id": f"{prefix}-{n}",
                "name": self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, 2)),
                "phone": f"1{self.rng.choice('3589')}{self.rng.choice('0123456789')}{digits}",
                "email": f"p{n}.{digits}@firm{n}-{prefix}.cn",
                "source": "chaos",
            }
            if plausible(lead):
                return lead


def expected_keys(lead: dict[str, Any]) -> set[str]:
    return set(
        flows.normalize_only(Lead.model_validate(lead).to_domain(), "CN", DEFAULT_POLICY).keys
    )


def plausible(lead: dict[str, Any]) -> bool:
    issues = flows.normalize_only(
        Lead.model_validate(lead).to_domain(), "CN", DEFAULT_POLICY
    ).issues
    return not [i for i in issues if i.severity == "error" or i.code.startswith("junk")]


@dataclass
class Sent:
    lead: dict[str, Any]
    register: bool
    server: int
    started: float
    took: float = 0.0
    status: int | None = None
    body: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Load:
    """The mixed load: most checks register a new lead, some repeat an acknowledged one."""

    servers: Servers
    people: People
    sent: list[Sent] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    limit: int = 4 * PHASE_REQUESTS + 2000

    def next_request(self) -> tuple[dict[str, Any], bool]:
        """One check in ten only looks; one in five repeats a lead acknowledged lately."""
        rng = self.people.rng
        register = rng.random() >= 0.1
        acknowledged = [s for s in self.sent[-200:] if s.status == 200 and s.register]
        if rng.random() < 0.2 and acknowledged:
            again = dict(rng.choice(acknowledged).lead)
            again["external_id"] = f"repeat-{len(self.sent)}"
            return again, register
        return self.people.new("load"), register

    async def client(self, http: httpx.AsyncClient) -> None:
        while not self.stop.is_set() and len(self.sent) < self.limit:
            lead, register = self.next_request()
            server = len(self.sent) % 2
            item = Sent(lead, register, server, time.monotonic())
            self.sent.append(item)
            try:
                response = await http.post(
                    f"{self.servers.urls[server]}/v1/check",
                    json={"lead": lead, "register": register},
                    timeout=15,
                )
                item.status = response.status_code
                item.body = response.json()
            except httpx.HTTPError as exc:
                item.error = repr(exc)
            item.took = time.monotonic() - item.started
            if item.status != 200:
                await asyncio.sleep(0.05)

    def answered(self) -> int:
        return sum(1 for s in self.sent if s.status is not None)


async def _wait_for(predicate: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(0.1)
    return False


async def _readyz(http: httpx.AsyncClient, servers: Servers) -> list[tuple[int, float]]:
    found = []
    for url in servers.urls:
        started = time.monotonic()
        response = await http.get(f"{url}/readyz", timeout=15)
        found.append((response.status_code, time.monotonic() - started))
    return found


async def _stored(engine: AsyncEngine) -> dict[str, list[dict[str, Any]]]:
    """Each stored lead by external id: its id, keys, audit actions and touchpoints."""
    t = tables
    async with engine.connect() as conn:
        leads = (await conn.execute(select(t.lead.c.id, t.lead.c.external_id))).all()
        keys = (await conn.execute(select(t.lead_key.c.lead_id, t.lead_key.c.key))).all()
        audits = (await conn.execute(select(t.audit_event.c.lead_id, t.audit_event.c.action))).all()
        points = (await conn.execute(select(t.touchpoint.c.lead_id))).all()
    by_id: dict[str, dict[str, Any]] = {
        r.id: {"id": r.id, "external_id": r.external_id, "keys": set(), "audit": [], "touch": 0}
        for r in leads
    }
    for r in keys:
        by_id[r.lead_id]["keys"].add(r.key)
    for r in audits:
        if r.lead_id in by_id:
            by_id[r.lead_id]["audit"].append(r.action)
    for r in points:
        if r.lead_id in by_id:
            by_id[r.lead_id]["touch"] += 1
    by_external: dict[str, list[dict[str, Any]]] = {}
    for record in by_id.values():
        by_external.setdefault(record["external_id"], []).append(record)
    return by_external


def whole(record: dict[str, Any], lead: dict[str, Any]) -> bool:
    return (
        record["keys"] == expected_keys(lead)
        and record["audit"] == ["created"]
        and record["touch"] == 1
    )


async def test_postgresql_outage_under_load(
    servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    load = Load(servers, People(seed=9))
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=2 * CLIENTS)) as http:
        clients = [asyncio.create_task(load.client(http)) for _ in range(CLIENTS)]
        assert await _wait_for(_count(load, PHASE_REQUESTS), 120), "the load did not start"

        servers.proxy.cut()
        cut_at = time.monotonic()
        await asyncio.sleep(1.0)
        during = await _readyz(http, servers)
        await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
        servers.proxy.restore()
        restored_at = time.monotonic()

        async def both_ready() -> bool:
            return all(s == 200 for s, _ in await _readyz(http, servers))

        recovered = await _wait_for(both_ready, RECOVERY)
        recovered_at = time.monotonic()
        after_from = load.answered()
        assert await _wait_for(_count(load, after_from + PHASE_REQUESTS), 120)
        load.stop.set()
        await asyncio.gather(*clients)

    assert recovered, f"not ready {RECOVERY} s after PostgreSQL came back"
    assert [status for status, _ in during] == [503, 503], "/readyz said ready during the outage"
    assert all(took < QUICK for _, took in during)

    problems = [s for s in load.sent if s.error or s.status not in (200, 503)]
    assert not problems, [(s.status, s.error, s.body) for s in problems[:5]]
    unavailable = [s for s in load.sent if s.status == 503]
    assert unavailable and max(s.took for s in unavailable) < QUICK
    # a second after the cut, until half a second before PostgreSQL returns (a request sent
    # at the very end may reach it once it is back)
    outage = [s for s in load.sent if cut_at + 1.0 < s.started < restored_at - 0.5]
    assert outage and all(s.status == 503 for s in outage), "answered 200 without a database"
    settled = [s for s in load.sent if s.started > recovered_at + 1.0]
    assert settled and all(s.status == 200 for s in settled), "not normal after recovery"

    stored = await _stored(servers.engine)
    registered = [s for s in load.sent if s.register]
    acknowledged = [s for s in registered if s.status == 200]
    for s in acknowledged:
        [record] = stored.get(s.lead["external_id"], [None])
        assert record is not None and record["id"] == s.body["id"], f"lost: {s.lead}"
        assert whole(record, s.lead), f"acknowledged but not whole: {record}"
    failed = [s for s in registered if s.status != 200]
    committed_anyway = 0
    for s in failed:
        [record] = stored.get(s.lead["external_id"], [None])
        if record is not None:
            assert whole(record, s.lead), f"a failed registration is half there: {record}"
            committed_anyway += 1
    checked_only = {s.lead["external_id"] for s in load.sent if not s.register}
    assert not checked_only & set(stored), "a check without register stored a lead"

    leaked = _personal_data_in_logs(servers, load.sent)
    assert not leaked, f"server logs hold personal data: {leaked[:3]}"
    with capsys.disabled():
        print(
            f"\noutage: {len(load.sent)} checks ({len(registered)} registering), "
            f"{len(acknowledged)} registrations "
            f"acknowledged and all found whole, {len(failed)} failed "
            f"({committed_anyway} of them committed whole before the cut reached them, "
            f"none half there), {len(unavailable)} answered 503 in at most "
            f"{max(s.took for s in unavailable):.2f} s, 5xx other than 503: 0, "
            f"ready again {recovered_at - restored_at:.1f} s after PostgreSQL returned, "
            f"proxy connections {servers.proxy.connections}"
        )


def _count(load: Load, n: int) -> Any:
    async def reached() -> bool:
        return load.answered() >= n

    return reached


def _personal_data_in_logs(servers: Servers, sent: list[Sent]) -> list[str]:
    text = "\n".join(log.read_text(encoding="utf-8", errors="replace") for log in servers.logs)
    values = {v for s in sent for k, v in s.lead.items() if k in ("name", "phone", "email")}
    return [v for v in values if v in text]


async def test_two_processes_register_the_same_new_lead_once(
    servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same new lead to both processes at once, many rounds, under a background load:
    one is stored as unique, the other as its duplicate, in the same group."""
    people = People(seed=11)
    background = Load(servers, People(seed=12))
    async with httpx.AsyncClient() as http:
        noise = [asyncio.create_task(background.client(http)) for _ in range(2)]
        for _ in range(RACE_ROUNDS):
            lead = people.new("race")
            a, b = await asyncio.gather(
                *(
                    http.post(f"{url}/v1/check", json={"lead": lead, "register": True}, timeout=15)
                    for url in servers.urls
                )
            )
            assert (a.status_code, b.status_code) == (200, 200), (a.text, b.text)
            first, second = sorted((a.json(), b.json()), key=lambda r: r["decision"] != "unique")
            assert (first["decision"], second["decision"]) == ("unique", "duplicate"), lead
            assert second["matches"][0]["id"] == first["id"]
            assert second["group_id"] == first["group_id"]
        background.stop.set()
        await asyncio.gather(*noise)
    with capsys.disabled():
        print(
            f"\nrace: {RACE_ROUNDS} rounds of one new lead sent to two processes at once, "
            f"each stored unique once and duplicate once, beside {len(background.sent)} "
            "background checks"
        )
