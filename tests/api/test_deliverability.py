"""The optional MX check, against a resolver of the test's own on 127.0.0.1 (never the network)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.deliverability import MxChecker
from app.config import Settings
from tests.conftest import app_client

ZONE = {("mail-ok.cn", dns.rdatatype.MX): "10 mx.mail-ok.cn."}
NXDOMAIN = {"no-such-company.cn"}


class _Resolver(asyncio.DatagramProtocol):
    """Answers MX for known domains, NXDOMAIN for the dead ones, nothing for the rest."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.queries = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.queries += 1
        query = dns.message.from_wire(data)
        question = query.question[0]
        name = question.name.to_text().rstrip(".")
        reply = dns.message.make_response(query)
        record = ZONE.get((name, question.rdtype))
        if record is not None:
            reply.answer.append(dns.rrset.from_text(question.name, 60, "IN", "MX", record))
        elif name in NXDOMAIN:
            reply.set_rcode(dns.rcode.NXDOMAIN)
        else:
            return
        assert self.transport is not None
        self.transport.sendto(reply.to_wire(), addr)


@pytest.fixture
async def resolver() -> AsyncIterator[tuple[_Resolver, str]]:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        _Resolver, local_addr=("127.0.0.1", 0)
    )
    port = transport.get_extra_info("sockname")[1]
    yield protocol, f"127.0.0.1@{port}"
    transport.close()


async def test_checker_verdicts_and_cache(resolver: tuple[_Resolver, str]) -> None:
    server, address = resolver
    checker = MxChecker(timeout=0.3, server=address)
    assert await checker.accepts_mail("mail-ok.cn") is True
    assert await checker.accepts_mail("no-such-company.cn") is False
    assert await checker.accepts_mail("silent.cn") is None, "no answer in time is no verdict"
    asked = server.queries
    assert await checker.accepts_mail("mail-ok.cn") is True
    assert server.queries == asked, "answers are cached"


async def test_normalize_reports_undeliverable_when_switched_on(
    resolver: tuple[_Resolver, str], engine: AsyncEngine, db_url: str
) -> None:
    _, address = resolver
    settings = Settings(database_url=db_url, email_mx_check=True, dns_server=address)
    lead = {"lead": {"email": ["li@mail-ok.cn", "wang@no-such-company.cn", "zhao@silent.cn"]}}
    async with app_client(settings, engine) as client:
        body = (await client.post("/v1/normalize", json=lead)).json()
    flagged = [i["message"] for i in body["issues"] if i["code"] == "undeliverable_email"]
    assert len(flagged) == 1 and flagged[0].startswith("wang@no-such-company.cn")


async def test_off_by_default(client: httpx.AsyncClient) -> None:
    lead = {"lead": {"email": "wang@no-such-company.cn"}}
    body = (await client.post("/v1/normalize", json=lead)).json()
    assert "undeliverable_email" not in {i["code"] for i in body["issues"]}
