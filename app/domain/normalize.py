"""normalize_lead: the one entry point that makes a raw lead canonical and says what is wrong."""

from __future__ import annotations

from app.domain import email, phone
from app.domain.text import clean_optional
from app.domain.types import Issue, NormalizedLead, RawLead

_TEXT_FIELDS = (
    "external_id",
    "name",
    "first_name",
    "last_name",
    "company",
    "uscc",
    "website",
    "title",
    "address",
    "city",
    "region",
    "postcode",
    "country",
    "source",
)


def normalize_lead(raw: RawLead, region: str) -> tuple[NormalizedLead, tuple[Issue, ...]]:
    issues: list[Issue] = []
    phones = phone.parse_phones(raw.phone, region)
    issues += [
        Issue("phone", "invalid_phone", "error", f"not a valid phone number: {p}")
        for p in phones.rejected
    ]
    emails = email.parse_emails(raw.email)
    issues += [
        Issue("email", "invalid_email", "error", f"not a valid email address: {value}: {why}")
        for value, why in emails.rejected
    ]
    texts = {name: clean_optional(getattr(raw, name)) for name in _TEXT_FIELDS}
    lead = NormalizedLead(
        entity=raw.entity,
        phone=tuple(p.e164 for p in phones.phones),
        email=tuple(e.address for e in emails.emails),
        attributes=raw.attributes,
        **texts,
    )
    return lead, tuple(issues)


def is_valid(issues: tuple[Issue, ...]) -> bool:
    return not any(i.severity == "error" for i in issues)
