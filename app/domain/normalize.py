"""normalize_lead: the one entry point that makes a raw lead canonical and says what is wrong."""

from __future__ import annotations

from app.domain import address as address_module
from app.domain import website
from app.domain.parse import Parsed, parse_lead
from app.domain.phone import kinds_by_number
from app.domain.policy import Blocklist
from app.domain.text import clean_optional
from app.domain.types import Issue, NormalizedLead, RawLead
from app.domain.validate import issues_of

_PLAIN_FIELDS = ("external_id", "title", "postcode", "country", "source")


def normalize_lead(
    raw: RawLead, region: str, blocklist: Blocklist | None = None
) -> tuple[NormalizedLead, tuple[Issue, ...]]:
    parsed = parse_lead(raw, region)
    lead = _normalized(raw, parsed)
    return lead, issues_of(raw, parsed, lead, blocklist or Blocklist())


def _normalized(raw: RawLead, parsed: Parsed) -> NormalizedLead:
    phones = kinds_by_number(parsed.phones.phones)
    person, company, uscc, address = parsed.person, parsed.company, parsed.uscc, parsed.address
    plain = {name: clean_optional(getattr(raw, name)) for name in _PLAIN_FIELDS}
    country = plain.pop("country")
    return NormalizedLead(
        entity=raw.entity,
        name=person.display if person else None,
        first_name=person.first if person else None,
        last_name=person.last if person else None,
        company=company.display if company else None,
        uscc=uscc.code if uscc and uscc.valid else None,
        phone=tuple(phones),
        email=tuple(e.address for e in parsed.emails.emails),
        website=parsed.website,
        address=address.display if address else None,
        city=(address.city if address else None) or address_module.canonical_city(raw.city),
        region=(address.province if address else None) or clean_optional(raw.region),
        country=country.upper() if country and len(country) == 2 else country,
        attributes=raw.attributes,
        phone_kinds=tuple(phones.values()),
        email_keys=tuple(dict.fromkeys(e.key for e in parsed.emails.emails)),
        email_domains=_corporate_domains(parsed),
        name_key=person.key if person else None,
        name_pinyin=person.pinyin_key if person else None,
        name_script=person.script if person else None,
        company_core=company.core or None if company else None,
        company_trade_name=company.trade_name or None if company else None,
        company_legal_form=company.legal_form if company else None,
        company_branch=company.branch if company else None,
        uscc_region=uscc.region if uscc and uscc.valid else None,
        district=address.district if address else None,
        address_key=address.key or None if address else None,
        **plain,
    )


def _corporate_domains(parsed: Parsed) -> tuple[str, ...]:
    domains = (
        website.domain_of_email(e.domain)
        for e in parsed.emails.emails
        if not (e.free or e.disposable)
    )
    return tuple(dict.fromkeys(d for d in domains if d))
