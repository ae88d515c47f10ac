"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

The code is the one identifier a Chinese company cannot write two ways, so it is the strongest
duplicate key a lead can carry, but only when it is right: leads carry codes with a letter O
for a zero, the old 15-digit registration number, a 9-character organization code, or a
resident ID number pasted into the wrong field. Each of these gets a short reason a person can
act on, and a well-formed code names its registering region through GB/T 2260.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib.resources import files

from app.domain.address import division_name
from app.domain.text import fold

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {ch: i for i, ch in enumerate(_ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714: the organization code (characters 9-17) carries its own check character.
_ORG_VALUES = {ch: int(ch, 36) for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Letters the code never uses, with the digit a person most likely meant by each.
_LOOKALIKES = {"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"}
_NATIONAL_REGION = ("100000", "中华人民共和国")
_LENGTH = 18


@dataclass(frozen=True, slots=True)
class Uscc:
    """A credit code as typed, compacted; `reason` says in a few words why it is not valid."""

    code: str
    valid: bool
    reason: str | None
    region_code: str | None
    region: str | None


def _lines(name: str) -> list[str]:
    text = files("app.domain").joinpath("data", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


_ENTITY_TYPES = frozenset(tuple(line.split("\t")[:2]) for line in _lines("uscc_entity_types.tsv"))
_AUTHORITIES = frozenset(authority for authority, _ in _ENTITY_TYPES)
_PLACEHOLDERS = frozenset(line.upper() for line in _lines("uscc_placeholders.txt"))
_LABEL = re.compile(
    rf"^(?:{'|'.join(map(re.escape, _lines('uscc_labels.txt')))})\s*[:：]?\s*", re.IGNORECASE
)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_./]+")
_ORG_CODE = re.compile(r"[0-9A-Z]{8}[0-9X]")


def check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a code (ISO 7064 MOD 31-3)."""
    total = sum(_VALUES[ch] * weight for ch, weight in zip(first17, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def _org_check(first8: str) -> str:
    remainder = (
        11 - sum(_ORG_VALUES[ch] * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    )
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def _region(code: str) -> tuple[str | None, str | None]:
    region_code = code[2:8]
    if not region_code.isdigit():
        return None, None
    if region_code == _NATIONAL_REGION[0]:
        return _NATIONAL_REGION
    return region_code, division_name(region_code)


def _not_a_uscc(code: str) -> str | None:
    """Other Chinese identifiers that land in this field, named so the person can fix the lead."""
    if len(code) == 15 and code.isdigit():
        return "a 15-digit business registration number (注册号), not a credit code"
    if len(code) == 9 and _ORG_CODE.fullmatch(code) and _org_check(code[:8]) == code[8]:
        return "a 9-character organization code (组织机构代码), not a credit code"
    if len(code) == _LENGTH and _is_resident_id(code):
        return "a resident ID card number, not a credit code"
    return None


def _is_resident_id(code: str) -> bool:
    """GB 11643: a known region, a real birth date and the ISO 7064 MOD 11-2 check digit."""
    if not code[:17].isdigit() or division_name(code[:6]) is None:
        return False
    check = (1 - 2 * int(code[:17], 13)) % 11
    if code[17] != ("X" if check == 10 else str(check)):
        return False
    try:
        date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    return True


def _problem(code: str) -> str | None:
    """The first thing wrong with an 18-character code, in reading order."""
    unusable = next((ch for ch in code if ch not in _VALUES), None)
    if unusable is not None:
        if unusable in _LOOKALIKES:
            meant = _LOOKALIKES[unusable]
            return f"the letter {unusable} is never used in a credit code (is it a {meant}?)"
        return f"invalid character {unusable!r}"
    if code[0] not in _AUTHORITIES:
        return f"unknown registration authority {code[0]!r} (character 1)"
    if (code[0], code[1]) not in _ENTITY_TYPES:
        return f"unknown entity type {code[1]!r} for registration authority {code[0]!r}"
    if not code[2:8].isdigit():
        return "the region code (characters 3-8) must be digits"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"wrong check character {code[17]!r}, expected {expected!r}"
    if _org_check(code[8:16]) != code[16]:
        return "the organization code (characters 9-17) fails its check"
    return None


def parse_uscc(value: str | None) -> Uscc | None:
    """Parse one credit code; None when the field is empty or a placeholder such as 无 or N/A."""
    if value is None:
        return None
    folded = _LABEL.sub("", fold(value))
    if folded.upper() in _PLACEHOLDERS:
        return None
    code = unicodedata.normalize("NFKC", _SEPARATORS.sub("", folded).upper())
    if not any(ch.isalnum() for ch in code):
        return None
    if len(code) != _LENGTH:
        reason = _not_a_uscc(code) or f"{len(code)} characters, a credit code has 18"
        region_code = code[:6] if len(code) == 15 and code.isdigit() else None
        region = division_name(region_code) if region_code else None
        return Uscc(code, False, reason, region_code, region)
    problem = _problem(code)
    if problem is None:
        return Uscc(code, True, None, *_region(code))
    other = _not_a_uscc(code)
    if other is not None:
        return Uscc(code, False, other, None, None)
    return Uscc(code, False, problem, *_region(code))
