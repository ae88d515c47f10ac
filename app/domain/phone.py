"""Phone fields to E.164 numbers.

One phone field holds whatever the person typed: labels (`手机：`, `Tel:`),
several numbers (`138… / 010-…`, `或`, `、`), extensions (`转123`, `ext. 12`),
full-width digits, `0086` or `86` in front of the number. Every valid number in
it becomes one `Phone`; every piece that was meant as a number and is not a
valid one is reported, so a caller can say what was wrong.

Decisions that a caller depends on:

- A value with no digit at all (`无`, `n/a`, `-`, `见邮箱`) is a placeholder and
  is ignored, not rejected.
- A run of fewer than five digits beside real numbers is a label (`电话1：`,
  `Line 2:`) and is ignored; a value whose only digits are such runs (`1234`,
  `110`) is rejected as a whole.
- A trailing group of one to five digits after a full fixed-line number
  (`010-88886666-8001`, `021 5888 6666 123`) is an extension, because that is
  how switchboard extensions are written in China and the whole string is not a
  valid number. After a mobile number it is not (mobiles have no extensions):
  the piece is rejected. A complete valid number always wins over this reading.
- Numbers separated only by spaces are split when every group belongs to a
  valid number; otherwise the whole run is rejected rather than a number being
  guessed from part of it.
- After `/`, a run of one to four digits replaces the end of the number before
  it (`0571-88881234/5` is also `0571-88881235`), the usual way of writing a
  block of consecutive lines.
- Numbers without a country code are read in the `region` given. A number that
  is invalid there but is an unmistakable Chinese mobile (11 digits, `1[3-9]`)
  is read as Chinese; one written with its country code but without `+` or
  `00` (`44 20 7946 0958`, at least 12 digits) is read as international.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, PhoneNumberType

from app.domain.text import fold


@dataclass(frozen=True, slots=True)
class Phone:
    """One valid number; `region` is None for non-geographic numbers (+800, +882...)."""

    e164: str
    kind: str
    region: str | None
    extension: str | None


@dataclass(frozen=True, slots=True)
class PhoneParse:
    """Valid numbers in first-seen order without duplicates, and the pieces that did not parse."""

    phones: tuple[Phone, ...]
    rejected: tuple[str, ...]


_KINDS = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}
# Kinds that are carried in a pocket: a trailing digit group after one is not an extension.
_NO_EXTENSION_KINDS = frozenset({"mobile", "pager"})

# A number as people space it, then an optional extension marker and digits.
_CANDIDATE = re.compile(
    r"(?P<body>[(+]*\d(?:[\d\s().\-]*\d)?)"
    r"(?:\s*(?:转分机|分机号?|转|内线|ext(?:ension)?\.?|x|\#)\s*[:.]?\s*(?P<ext>\d{1,6})(?!\d))?",
    re.IGNORECASE,
)
_TRAILING_GROUP = re.compile(r"(?P<head>.*\d)[\s\-]+(?P<tail>\d{1,5})")
_ALTERNATE_GAP = re.compile(r"\s*/\s*")
_NON_DIGITS = re.compile(r"\D+")
_CN_MOBILE_WRITTEN = re.compile(r"(?P<prefix>\+86|0086|86)?(?P<nsn>1[3-9]\d{9})")
_SPACING = re.compile(r"[\s().\-]+")
_CN_COUNTRY_CODE = 86

# phonenumbers compiles its metadata patterns through `re`, whose cache of 512 patterns the
# patterns of a few regions, ours and other libraries' overflow: a pattern dropped from it
# was compiled again every few dozen leads. Kept for good, they are compiled once.
phonenumbers.enable_pattern_cache()

_MIN_DIGITS = 5  # fewer is a label, an extension or a line-block ending, never a whole number
_MAX_DIGITS = 17  # 15 of E.164 plus a written 00 prefix
_MIN_UNPREFIXED_INTERNATIONAL = 12
_MAX_ALTERNATE_DIGITS = 4
_MAX_TOKENS = 24  # a longer space-separated run is not a list of phone numbers
_MAX_WINDOW = 8  # tokens one number may be written in: "+1 ( 415 ) 555 - 2671"
_MAX_PARSES = 48  # per value, so a pasted essay costs no more than a few numbers
_UNKNOWN_REGION = "ZZ"
_NON_GEOGRAPHIC = "001"


def parse_phones(values: Iterable[str], region: str) -> PhoneParse:
    """Every number in every value, as E.164; `region` applies to numbers without a country code."""
    default_region = _default_region(region)
    phones: dict[tuple[str, str | None], Phone] = {}
    rejected: dict[str, None] = {}
    for value in values:
        for found in _Scanner(default_region).scan(fold(value)):
            if isinstance(found, Phone):
                phones.setdefault((found.e164, found.extension), found)
            else:
                rejected.setdefault(found, None)
    return PhoneParse(tuple(phones.values()), tuple(rejected))


def kinds_by_number(phones: Iterable[Phone]) -> dict[str, str]:
    """Each number's kind, in first-seen order.

    A number written with an extension somewhere is a switchboard: where the numbering plan
    cannot tell fixed lines from mobiles (North America: `fixed_line_or_mobile`) it counts
    as a fixed line, so colleagues sharing it do not look like one person's mobile.
    """
    kinds: dict[str, str] = {}
    for phone in phones:
        switchboard = phone.extension is not None and phone.kind == "fixed_line_or_mobile"
        if switchboard or phone.e164 not in kinds:
            kinds[phone.e164] = "fixed_line" if switchboard else phone.kind
    return kinds


def _default_region(region: str) -> str:
    upper = region.strip().upper()
    return upper if upper in phonenumbers.SUPPORTED_REGIONS else _UNKNOWN_REGION


def _digits(text: str) -> str:
    return _NON_DIGITS.sub("", text)


class _Valid(NamedTuple):
    number: PhoneNumber
    kind: str


def _valid(number: PhoneNumber) -> _Valid | None:
    """The number with its kind if it is valid: a number is valid exactly when its type is
    known, so one walk of the numbering plan answers both (`is_valid_number` and then
    `number_type` walked it twice, a third of what parsing a lead costs)."""
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        return None
    return _Valid(number, _KINDS.get(kind, "unknown"))


def _parse(text: str, region: str) -> _Valid | None:
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        _drop_tracebacks(error)
        return None
    return _valid(number)


def _drop_tracebacks(error: BaseException | None) -> None:
    """`phonenumbers.parse` keeps the exception it re-raises, and its traceback, in locals of
    a frame that traceback holds: reference cycles (frames, matches, numbers) left for the
    cyclic collector on every number that fails to parse, unless the frames let go."""
    while error is not None:
        traceback.clear_frames(error.__traceback__)
        error.__traceback__ = None
        error = error.__context__


def _phone(valid: _Valid, extension: str | None) -> Phone:
    region = phonenumbers.region_code_for_number(valid.number)
    return Phone(
        e164=phonenumbers.format_number(valid.number, PhoneNumberFormat.E164),
        kind=valid.kind,
        region=None if region in (None, _NON_GEOGRAPHIC) else region,
        extension=extension,
    )


def _can_take_extension(found: list[Phone], token: str) -> bool:
    """A short digit group right after a fixed line without an extension can only be one."""
    if not found or not token.isdigit() or len(token) >= _MIN_DIGITS:
        return False
    return found[-1].extension is None and found[-1].kind not in _NO_EXTENSION_KINDS


class _Scanner:
    """The numbers of one value, within a parse budget so hostile input stays cheap."""

    __slots__ = ("_budget", "_region")

    def __init__(self, region: str) -> None:
        self._region = region
        self._budget = _MAX_PARSES

    def scan(self, text: str) -> Iterator[Phone | str]:
        """Phones, and rejected pieces as strings."""
        previous: Phone | None = None
        previous_end = -1
        found_any = False
        for match in _CANDIDATE.finditer(text):
            body, extension = match["body"], match["ext"]
            if len(_digits(body)) < _MIN_DIGITS and extension is None:
                gap = text[previous_end : match.start()]
                alternate = self._alternate(previous, body, gap)
                if alternate is not None:
                    found_any = True
                    previous, previous_end = alternate, match.end()
                    yield alternate
                continue
            for found in self._body(body, extension, match[0]):
                found_any = True
                if isinstance(found, Phone):
                    previous, previous_end = found, match.end()
                yield found
        if not found_any and any(ch.isdigit() for ch in text):
            yield text

    def _number(self, text: str) -> _Valid | None:
        digits = _digits(text)
        if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS or self._budget <= 0:
            return None
        self._budget -= 1
        number = self._cn_mobile(text) or _parse(text, self._region)
        if number is not None or text.lstrip("(").startswith("+"):
            return number
        if digits.startswith("00"):
            return _parse("+" + digits[2:], self._region)
        if len(digits) >= _MIN_UNPREFIXED_INTERNATIONAL:
            number = _parse("+" + digits, self._region)
        if number is None and self._region != "CN" and _CN_MOBILE_WRITTEN.fullmatch(digits):
            number = _parse(digits, "CN")
        return number

    def _cn_mobile(self, text: str) -> _Valid | None:
        """The commonest input, a Chinese mobile, without `phonenumbers.parse` (half the cost)."""
        written = _CN_MOBILE_WRITTEN.fullmatch(_SPACING.sub("", text))
        if written is None or (self._region != "CN" and written["prefix"] in (None, "86")):
            return None
        return _valid(
            PhoneNumber(country_code=_CN_COUNTRY_CODE, national_number=int(written["nsn"]))
        )

    def _body(self, body: str, extension: str | None, typed: str) -> list[Phone | str]:
        """One run of number characters: one number, a number and its extension, or several."""
        whole = self._number(body)
        if whole is not None:
            return [_phone(whole, extension)]
        trailing = _TRAILING_GROUP.fullmatch(body)
        if trailing is not None and extension is None:
            head = self._number(trailing["head"])
            if head is not None and head.kind not in _NO_EXTENSION_KINDS:
                return [_phone(head, trailing["tail"])]
        tokens = body.split()
        found = self._split(tokens) if 1 < len(tokens) <= _MAX_TOKENS else None
        if not found:
            return [typed]
        if extension is not None:
            last = found[-1]
            found[-1] = Phone(last.e164, last.kind, last.region, extension)
        return list(found)

    def _split(self, tokens: list[str]) -> list[Phone] | None:
        """Numbers separated only by spaces: the longest valid number at each point.

        Every token must belong to a number (or be the extension of a fixed line);
        otherwise the run is not split at all, because a number found inside a
        mistyped one (`1 415 555 2671` read in China) is a wrong number.
        """
        found: list[Phone] = []
        start = 0
        while start < len(tokens):
            end, number = self._longest(tokens, start)
            if number is not None:
                found.append(_phone(number, None))
            elif _can_take_extension(found, tokens[start]):
                last = found[-1]
                found[-1] = Phone(last.e164, last.kind, last.region, tokens[start])
            else:
                return None
            start = end
        return found

    def _longest(self, tokens: list[str], start: int) -> tuple[int, _Valid | None]:
        for end in range(min(len(tokens), start + _MAX_WINDOW), start, -1):
            number = self._number(" ".join(tokens[start:end]))
            if number is not None:
                return end, number
        return start + 1, None

    def _alternate(self, previous: Phone | None, body: str, gap: str) -> Phone | None:
        """`0571-88881234/5`: the short run after `/` replaces the end of the number before it."""
        digits = _digits(body)
        if (
            previous is None
            or previous.extension is not None
            or not _ALTERNATE_GAP.fullmatch(gap)
            or len(digits) > _MAX_ALTERNATE_DIGITS
            or digits != body
        ):
            return None
        number = self._number(previous.e164[: -len(digits)] + digits)
        return None if number is None else _phone(number, None)
