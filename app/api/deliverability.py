"""Optional deliverability check: does an email domain accept mail at all (MX, else A/AAAA)?

Off by default: it costs a network round trip per new domain, which a form
handler may not want and tests cannot make without a resolver of their own.
Answers are cached per domain; a lookup that times out or fails gives no verdict,
so a slow resolver never turns a good address into an issue.
"""

from __future__ import annotations

import asyncio
import time

import dns.asyncresolver
import dns.exception
import dns.rdatatype
import dns.resolver

from app.domain.types import Issue

CACHE_SECONDS = 3600.0
_MAX_CACHE = 10_000


class MxChecker:
    def __init__(self, timeout: float, server: str | None = None) -> None:
        self.resolver = dns.asyncresolver.Resolver(configure=server is None)
        if server is not None:
            address, _, port = server.partition("@")
            self.resolver.nameservers = [address]
            self.resolver.port = int(port) if port else 53
        self.resolver.lifetime = timeout
        self._cache: dict[str, tuple[float, bool]] = {}

    async def issues(self, addresses: tuple[str, ...]) -> list[Issue]:
        domains = list(dict.fromkeys(a.rpartition("@")[2] for a in addresses))
        verdicts = await asyncio.gather(*(self.accepts_mail(d) for d in domains))
        dead = {d for d, ok in zip(domains, verdicts, strict=True) if ok is False}
        return [
            Issue(
                "email",
                "undeliverable_email",
                "warning",
                f"{a}: {a.rpartition('@')[2]} accepts no mail",
            )
            for a in addresses
            if a.rpartition("@")[2] in dead
        ]

    async def accepts_mail(self, domain: str) -> bool | None:
        """True or False when the DNS said so; None when it did not answer in time."""
        now = time.monotonic()
        cached = self._cache.get(domain)
        if cached is not None and cached[0] > now:
            return cached[1]
        verdict = await self._lookup(domain)
        if verdict is not None:
            if len(self._cache) >= _MAX_CACHE:
                self._cache.clear()
            self._cache[domain] = (now + CACHE_SECONDS, verdict)
        return verdict

    async def _lookup(self, domain: str) -> bool | None:
        for kind in (dns.rdatatype.MX, dns.rdatatype.A, dns.rdatatype.AAAA):
            try:
                await self.resolver.resolve(domain, kind)
            except dns.resolver.NXDOMAIN:
                return False
            except dns.resolver.NoAnswer:
                continue
            except dns.exception.DNSException:
                return None
            return True
        return False
