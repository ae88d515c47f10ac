"""What is wrong with a lead, field by field, as issues a form handler can show.

Errors make a lead invalid (a number that is no number, a mailbox that cannot
exist, the tenant's blocklist, no way at all to reach the person); warnings
flag what a person should look at (junk, disposable or role mailboxes); info
is a fact the scorer uses (free mail).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from app.domain import junk, phone
from app.domain.parse import Parsed
from app.domain.policy import Blocklist
from app.domain.types import Issue, NormalizedLead, RawLead


def issues_of(
    raw: RawLead, parsed: Parsed, lead: NormalizedLead, blocklist: Blocklist
) -> tuple[Issue, ...]:
    found = [
        *_phone_issues(parsed),
        *_email_issues(parsed),
        *_text_issues(raw, parsed),
        *_blocked(lead, blocklist),
    ]
    if lead.entity != "account" and not lead.phone and not lead.email:
        found.append(
            Issue("contact", "missing_contact", "error", "neither a valid phone nor a valid email")
        )
    return tuple(found)


def is_valid(issues: tuple[Issue, ...]) -> bool:
    return not any(i.severity == "error" for i in issues)


def _phone_issues(parsed: Parsed) -> Iterator[Issue]:
    for rejected in parsed.phones.rejected:
        yield Issue("phone", "invalid_phone", "error", f"not a valid phone number: {rejected}")
        reason = junk.junk_digits(rejected)
        if reason:
            yield Issue("phone", "junk_phone", "warning", f"{rejected}: {reason}")
    for number in parsed.phones.phones:
        reason = junk.junk_phone(number.e164)
        if reason:
            yield Issue("phone", "junk_phone", "warning", f"{number.e164}: {reason}")


def _email_issues(parsed: Parsed) -> Iterator[Issue]:
    for value, why in parsed.emails.rejected:
        yield Issue("email", "invalid_email", "error", f"not a valid email address: {value}: {why}")
    for mail in parsed.emails.emails:
        reason = junk.junk_email(mail.local, mail.domain)
        if reason:
            yield Issue("email", "junk_email", "warning", f"{mail.address}: {reason}")
        if mail.disposable:
            yield Issue(
                "email", "disposable_email", "warning", f"{mail.domain} is a throwaway domain"
            )
        if mail.role:
            yield Issue(
                "email", "role_email", "warning", f"{mail.address} is a shared role mailbox"
            )
        if mail.free:
            yield Issue("email", "free_email", "info", f"{mail.domain} is a free mail provider")


def _text_issues(raw: RawLead, parsed: Parsed) -> Iterator[Issue]:
    names = [v for v in (raw.name, raw.first_name, raw.last_name) if v]
    reason = next((r for r in map(junk.junk_name, names) if r), None)
    if reason:
        yield Issue("name", "junk_name", "warning", reason)
    if raw.company:
        reason = junk.junk_company(raw.company)
        if reason:
            yield Issue("company", "junk_company", "warning", reason)
    if parsed.uscc is not None and not parsed.uscc.valid:
        yield Issue("uscc", "invalid_uscc", "error", f"{parsed.uscc.code}: {parsed.uscc.reason}")
    if raw.website and parsed.website is None:
        yield Issue("website", "invalid_website", "warning", "no registrable domain in the website")


def _blocked(lead: NormalizedLead, blocklist: Blocklist) -> Iterator[Issue]:
    if blocklist == _EMPTY:
        return
    phones = _blocked_phones(blocklist.phones)
    for number in lead.phone:
        if number in phones:
            yield Issue("phone", "blocked", "error", f"{number} is on the tenant's blocklist")
    emails, domains = _blocked_mail(blocklist.emails, blocklist.domains)
    for address in lead.email:
        domain = address.rpartition("@")[2]
        if address in emails or _under(domain, domains):
            yield Issue("email", "blocked", "error", f"{address} is on the tenant's blocklist")
    if lead.website and _under(lead.website, domains):
        yield Issue("website", "blocked", "error", f"{lead.website} is on the tenant's blocklist")
    yield from _blocked_words(lead, blocklist.words)


def _blocked_words(lead: NormalizedLead, words: tuple[str, ...]) -> Iterator[Issue]:
    lowered = _lowered_words(words)
    for field, value in (("name", lead.name), ("company", lead.company)):
        text = (value or "").casefold()
        hit = next((w for w in lowered if w in text), None)
        if hit:
            yield Issue(field, "blocked", "error", f"contains the blocked word {hit!r}")
    for address in lead.email:
        hit = next((w for w in lowered if w in address), None)
        if hit:
            yield Issue("email", "blocked", "error", f"contains the blocked word {hit!r}")


def _under(domain: str, blocked: tuple[str, ...]) -> bool:
    return any(domain == b or domain.endswith("." + b) for b in blocked)


@lru_cache(maxsize=64)
def _blocked_mail(
    emails: tuple[str, ...], domains: tuple[str, ...]
) -> tuple[frozenset[str], tuple[str, ...]]:
    """The blocklist's addresses and domains in canonical form, once per blocklist."""
    return (
        frozenset(e.strip().lower() for e in emails),
        tuple(d.strip().lower().lstrip("@.") for d in domains),
    )


@lru_cache(maxsize=64)
def _lowered_words(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w.casefold() for w in words if w.strip())


@lru_cache(maxsize=64)
def _blocked_phones(entries: tuple[str, ...]) -> frozenset[str]:
    """Blocklist entries in E.164; written without a country code they are read as Chinese."""
    return frozenset(p.e164 for p in phone.parse_phones(entries, "CN").phones)


_EMPTY = Blocklist()
