"""String primitives every field normalizer shares.

Leads are typed on phones, pasted from spreadsheets and scanned from business
cards, so the same text arrives in full-width forms, with stray control
characters and odd spaces. Folding them once here keeps each field module small.
"""

from __future__ import annotations

import unicodedata

import opencc

_CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def fold(value: str) -> str:
    """NFKC (full-width to half-width), drop control and format characters, collapse whitespace."""
    value = unicodedata.normalize("NFKC", value)
    if value.isprintable():  # no control or format character: the common case, in C
        return " ".join(value.split())
    if any(unicodedata.category(ch) in _CONTROL_CATEGORIES for ch in value):
        value = "".join(
            " " if ch in "\t\n\r\v\f" else ch
            for ch in value
            if ch in "\t\n\r\v\f" or unicodedata.category(ch) not in _CONTROL_CATEGORIES
        )
    return " ".join(value.split())


def clean_optional(value: str | None) -> str | None:
    """Fold a free-text field; an empty result is no value at all."""
    if value is None:
        return None
    folded = fold(value)
    return folded or None


_T2S = opencc.OpenCC("t2s.json")


def to_simplified(value: str) -> str:
    """Traditional Chinese to simplified, so 張偉 and 张伟 compare equal. ASCII text has nothing
    to convert and skips the converter's fixed cost per call."""
    if value.isascii():
        return value
    converted: str = _T2S.convert(value)
    return converted


PARSED_KEPT = 16_384
"""Distinct values each parser of names, companies and addresses (and each junk test of
names, companies and mailboxes) keeps parsed (results are immutable): an export repeats a
company on every colleague's row, and forms bring the same companies and cities again and
again; parsing one costs tens of microseconds."""
