"""Every field of a raw lead parsed by its own module, once, for normalizing and validating."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain import address, company, email, person, phone, uscc, website
from app.domain.types import RawLead


@dataclass(frozen=True, slots=True)
class Parsed:
    """The field modules' full answers; the normalized lead keeps only the canonical parts."""

    phones: phone.PhoneParse
    emails: email.EmailParse
    person: person.PersonName | None
    company: company.CompanyName | None
    uscc: uscc.Uscc | None
    website: str | None
    address: address.Address | None


def parse_lead(raw: RawLead, region: str) -> Parsed:
    return Parsed(
        phones=phone.parse_phones(raw.phone, region),
        emails=email.parse_emails(raw.email),
        person=person.parse_person(raw.name, raw.first_name, raw.last_name),
        company=company.parse_company(raw.company),
        uscc=uscc.parse_uscc(raw.uscc),
        website=website.registrable_domain(raw.website) if raw.website else None,
        address=address.parse_address(raw.address, raw.city, raw.region),
    )
