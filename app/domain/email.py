"""Email fields to canonical addresses, with what a sales team needs to know about each.

Syntax and IDN handling are email-validator's (never a DNS lookup). Around it,
this module undoes what people and forms do to an address (`mailto:`,
`Name <a@b.com>`, full-width `＠`, `。` for a dot, `[at]`, a label glued on,
trailing punctuation, several addresses in one field) and adds the flags that
matter for leads: disposable, role mailbox, free-mail provider, and a matching
key under which the variants one provider delivers to one mailbox agree.

Decisions that a caller depends on:

- An empty value, one without a letter or digit, or a placeholder word
  (`无`, `n/a`, `none`: data file) is ignored, not rejected.
- In a value that contains an address, words without `@` are a name or a label
  and are ignored; a value with no `@` at all is rejected.
- `address` is lower-cased, local part included: no provider a lead comes from
  treats case as significant, and two records must compare equal.
- `key` drops tags and dots only for providers known to ignore them (data
  file); a corporate domain's `+` may be significant, so its key is the address.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from disposable_email_domains import blocklist
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from app.domain.text import fold


@dataclass(frozen=True, slots=True)
class Email:
    """A valid address: `domain` in ASCII (as `website` writes domains), `address` in Unicode."""

    address: str
    local: str
    domain: str
    key: str
    disposable: bool
    role: bool
    free: bool


@dataclass(frozen=True, slots=True)
class EmailParse:
    """Valid addresses in first-seen order without duplicates, and (piece, reason) for the rest."""

    emails: tuple[Email, ...]
    rejected: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class _Provider:
    key_domain: str
    tag_separator: str
    dots_ignored: bool


def _data_lines(name: str) -> list[str]:
    text = resources.files("app.domain").joinpath("data", name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def _providers() -> dict[str, _Provider]:
    providers = {}
    for line in _data_lines("email_providers.tsv"):
        domain, key_domain, separator, dots = line.split("\t")
        providers[domain] = _Provider(key_domain, separator, dots == "1")
    return providers


_FREE = frozenset(_data_lines("email_free.txt"))
_ROLES = frozenset(_data_lines("email_roles.txt"))
_PLACEHOLDERS = frozenset(_data_lines("email_placeholders.txt"))
_PROVIDERS = _providers()
# The blocklist also holds a few long-standing real providers (21cn.com, sify.com);
# a provider on the curated free-mail list is not disposable.
_DISPOSABLE: frozenset[str] = frozenset(blocklist) - _FREE

_MAILTO = re.compile(r"mailto:", re.IGNORECASE)
_OBFUSCATED_AT = re.compile(r"\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*", re.IGNORECASE)
_SPACED_AT = re.compile(r"\s*@\s*")
_OBFUSCATED_DOT = re.compile(r"\s*[\[({<]\s*dot\s*[\])}>]\s*", re.IGNORECASE)
_WRAPPERS = re.compile(r"[<>()\[\]\"《》【】「」『』“”]")
_SEPARATORS = re.compile(r"[\s,;、|/:]+")
_LEADING_JUNK = re.compile(r"^[^\w@!#$%&*+\-=^`{|}~]+")
_TRAILING_JUNK = re.compile(r"(?:[^\w@]|_)+$")
_GLUED_LABEL = re.compile(r"^[^\x00-\x7f]+(?=[\x00-\x7f]+@)")
_ASCII_START = re.compile(r"[a-z0-9\-]+", re.IGNORECASE)
# A subset of what email-validator accepts, checked here in a fraction of its time.
_PLAIN = re.compile(
    r"(?P<local>[a-z0-9_+\-]+(?:\.[a-z0-9_+\-]+)*)"
    r"@(?P<domain>(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?:[a-z0-9][a-z0-9\-]{0,61})?[a-z])"
)
_SPECIAL_USE = tuple(SPECIAL_USE_DOMAIN_NAMES)
_ROLE_TOKENS = re.compile(r"[._\-]+")
_TRAILING_DIGITS = re.compile(r"[\d._\-]+$")

_MAX_ADDRESS = 254
_MAX_PER_VALUE = 16
_NO_AT = "An email address must have an @-sign."
_TOO_LONG = "The email address is too long."
_TOO_MANY = "Too many addresses in one value."


def parse_emails(values: Iterable[str]) -> EmailParse:
    """Every address in every value, canonical and flagged; the rest with the reason it failed."""
    emails: dict[str, Email] = {}
    rejected: dict[tuple[str, str], None] = {}
    for value in values:
        for found in _scan(fold(value)):
            if isinstance(found, Email):
                emails.setdefault(found.address, found)
            else:
                rejected.setdefault(found, None)
    return EmailParse(tuple(emails.values()), tuple(rejected))


def _scan(text: str) -> Iterator[Email | tuple[str, str]]:
    if _is_placeholder(text):
        return
    pieces = [piece for piece in _SEPARATORS.split(_unwrap(text)) if "@" in piece]
    if not pieces:
        yield text, _NO_AT
        return
    for piece in pieces[:_MAX_PER_VALUE]:
        yield _validate(_trim(piece))
    if len(pieces) > _MAX_PER_VALUE:
        yield " ".join(pieces[_MAX_PER_VALUE:]), _TOO_MANY


def _is_placeholder(text: str) -> bool:
    return not any(ch.isalnum() for ch in text) or text.lower() in _PLACEHOLDERS


def _unwrap(text: str) -> str:
    """Undo what forms and anti-spam habits do to an address, keeping separators."""
    text = _MAILTO.sub(" ", text).replace("。", ".")
    text = _OBFUSCATED_DOT.sub(".", _OBFUSCATED_AT.sub("@", text))
    return _SPACED_AT.sub("@", _WRAPPERS.sub(" ", text))


def _trim(piece: str) -> str:
    """One address out of a piece: no punctuation around it, no label glued to either end."""
    piece = _TRAILING_JUNK.sub("", _LEADING_JUNK.sub("", piece))
    piece = _GLUED_LABEL.sub("", piece)
    at = piece.rfind("@")
    query = piece.find("?", at)
    if query >= 0:
        piece = piece[:query]
    dot = piece.rfind(".")
    if dot > at:
        ascii_start = _ASCII_START.match(piece, dot + 1)
        if ascii_start is not None:
            piece = piece[: ascii_start.end()]
    return piece


def _validate(candidate: str) -> Email | tuple[str, str]:
    if len(candidate) > _MAX_ADDRESS:
        return candidate, _TOO_LONG
    lowered = candidate.lower()
    plain = _PLAIN.fullmatch(lowered)
    if plain is not None and _plain_domain_ok(plain["domain"]):
        return _email(plain["local"], plain["domain"], plain["domain"])
    try:
        checked = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as error:
        return candidate, str(error)
    local = unicodedata.normalize("NFC", str(checked.local_part).lower())
    return _email(local, str(checked.ascii_domain), str(checked.domain))


def _plain_domain_ok(domain: str) -> bool:
    """What email-validator would still refuse in a `_PLAIN` match; such domains go to it."""
    return "--" not in domain and not any(
        domain == name or domain.endswith("." + name) for name in _SPECIAL_USE
    )


def _email(local: str, ascii_domain: str, domain: str) -> Email:
    address = f"{local}@{domain}"
    return Email(
        address=address,
        local=local,
        domain=ascii_domain,
        key=_key(local, ascii_domain, address),
        disposable=_is_disposable(ascii_domain),
        role=_is_role(local),
        free=ascii_domain in _FREE,
    )


def _key(local: str, ascii_domain: str, address: str) -> str:
    """One key for the addresses a provider delivers to one mailbox (`a.b+x@googlemail.com`)."""
    provider = _PROVIDERS.get(ascii_domain)
    if provider is None:
        return address
    mailbox = local.split(provider.tag_separator, 1)[0] or local
    if provider.dots_ignored:
        mailbox = mailbox.replace(".", "") or mailbox
    return f"{mailbox}@{provider.key_domain}"


def _is_disposable(ascii_domain: str) -> bool:
    """The domain or any parent below its TLD is on the blocklist (`x.mailinator.com`)."""
    labels = ascii_domain.split(".")
    return any(".".join(labels[i:]) in _DISPOSABLE for i in range(len(labels) - 1))


def _is_role(local: str) -> bool:
    """`sales`, `info2`, `sales.support`: a function's mailbox; `sales.wang` is a person's."""
    mailbox = _TRAILING_DIGITS.sub("", local.split("+", 1)[0])
    if mailbox in _ROLES:
        return True
    tokens = [_TRAILING_DIGITS.sub("", token) for token in _ROLE_TOKENS.split(mailbox)]
    words = [token for token in tokens if token]
    return len(words) > 1 and all(word in _ROLES for word in words)
