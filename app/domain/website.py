"""Registrable domain of a website, from the public-suffix list bundled with `publicsuffixlist`.

Two records of one company rarely share a URL letter for letter (`http://www`,
paths, ports, a shop subdomain), but they share the domain the company
registered. That domain is also what an email domain is compared with, so both
are written the same way: lower-case ASCII, IDN labels in punycode, which is
also `Email.domain`.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from publicsuffixlist import PublicSuffixList

from app.domain.text import fold

# Unknown TLDs are refused: `example.con`, `server.local` or `n.a` name no company.
_PSL = PublicSuffixList(accept_unknown=False)

# `http://`, `https:/`, `http//` and `//` are all typed; a colon without slashes
# is a port (`example.com:8080`), not a scheme.
_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:/+|(?:https?|ftp)[:;]?/+|/+|mailto:)")
_AUTHORITY_END = re.compile(r"[/?#\\()<>\[\]{}\"']")
_PORT = re.compile(r":\d*$")
_TOKEN_SPLIT = re.compile(r"[\s,;|、]+")
_LDH_HOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?:[a-z0-9][a-z0-9\-]{0,61})?[a-z]"
)
_IPV4 = re.compile(r"[\d.]+")
_MAX_HOST = 253


def registrable_domain(value: str) -> str | None:
    """The domain a company registered, so `www.x.com/about` and `shop.x.com` agree."""
    text = fold(value).lower().replace("。", ".")
    for token in _TOKEN_SPLIT.split(text):
        domain = _registrable(_host_of(token))
        if domain is not None:
            return domain
    return None


def domain_of_email(email_domain: str) -> str | None:
    """Registrable domain of an email's domain, to tell whether it agrees with the website."""
    return _registrable(fold(email_domain).lower().replace("。", ".").rstrip("."))


def _host_of(token: str) -> str:
    """The host of a URL-ish token: no scheme, credentials, port, path or trailing dot."""
    rest = _SCHEME.sub("", token, count=1)
    authority = _AUTHORITY_END.split(rest, maxsplit=1)[0]
    host = authority.rpartition("@")[2]
    return _PORT.sub("", host).rstrip(".")


def _registrable(host: str) -> str | None:
    ascii_host = _ascii_host(host)
    if ascii_host is None:
        return None
    found = _PSL.privatesuffix(ascii_host)
    return found if isinstance(found, str) else None


def _ascii_host(host: str) -> str | None:
    """The host in the ASCII form email-validator gives `Email.domain`, or None if it is no domain.

    Plain LDH hosts are checked here; anything else (IDN, punycode, odd
    characters) goes through email-validator's IDNA 2008 handling so a website
    and an email domain can never disagree on the spelling of one name.
    """
    if not host or len(host) > _MAX_HOST or "." not in host or _IPV4.fullmatch(host):
        return None
    if _LDH_HOST.fullmatch(host) and "--" not in host:
        return host
    try:
        checked = validate_email("x@" + host, check_deliverability=False)
    except EmailNotValidError:
        return None
    ascii_domain: str = checked.ascii_domain
    return ascii_domain
