"""Placeholder and test-entry detection: 测试, asdf, N/A, 13800138000, test@example.com.

People who only want to get past a form type the same few things: test words, keyboard runs,
one key held down, the Chinese John Doe, the phone number every tester knows. Each check
returns a short reason, or None when the value is plausible. A false positive costs a real
customer, so every rule matches the whole value (or a masked or templated part), never a real
word inside a longer name: 王芳, 李娜, Al, Li, 3M, 360 and 58同城 are fine.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from app.domain.text import PARSED_KEPT, fold, to_simplified

NO_CONTENT = "no letters or digits"
PLACEHOLDER = "a placeholder value"
KEYBOARD_RUN = "a keyboard run"
REPEATED = "the same character repeated"
SINGLE_CHARACTER = "a single character"
PLACEHOLDER_NAME = "a placeholder name"
MASKED_NAME = "a masked or anonymized name"
EMAIL_IN_NAME = "an email address, not a name"
URL_IN_NAME = "a web address, not a name"
NUMBER_IN_NAME = "a number, not a name"
NOT_A_COMPANY = "not a company"
ONLY_LEGAL_FORM = "only a legal form, no company name"
TEST_NUMBER = "a well-known test or fictional number"
REPEATED_DIGITS = "repeated digits"
SEQUENTIAL_DIGITS = "sequential digits"
EXAMPLE_DOMAIN = "a placeholder or reserved example domain"
PLACEHOLDER_MAILBOX = "a placeholder mailbox"


def _entries(name: str) -> list[str]:
    text = files("app.domain").joinpath("data", name).read_text(encoding="utf-8")
    return [s for s in (line.strip() for line in text.splitlines()) if s and not _is_comment(s)]


def _is_comment(line: str) -> bool:
    """ "# " starts a comment; "#N/A" is an entry."""
    return line == "#" or line.startswith("# ")


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{_HAN}]")
_NOT_ALNUM = re.compile(r"[\W_]+")
_TRAILING_DIGITS = re.compile(r"\d+$")
_REPEATED_UNIT = re.compile(r"(.{1,4}?)\1{2,}", re.DOTALL)
_LONG_NUMBER = re.compile(r"\d{5,}")
_MASKED = re.compile(rf"[*某]|^[{_HAN}]{{1,2}}[x×]+$")
_URL = re.compile(r"https?:|www\.|\.(?:com|cn|net|org)\b")
_MIN_LETTER_RUN = 4
_MIN_DIGIT_RUN = 3
_MAX_INITIALS = 3
_SUFFIX_PUNCTUATION = " .,;:()-&"
_SEQUENCES = "0123456789", "9876543210"
_MIN_FILLER_DIGITS = 6


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", text)


def _word_set(*names: str) -> tuple[frozenset[str], frozenset[str]]:
    """(entries compared without spaces or punctuation, entries compared as typed)."""
    compact: set[str] = set()
    loose: set[str] = set()
    for name in names:
        for entry in _entries(name):
            folded = to_simplified(entry.casefold())
            if _compact(folded) == folded.replace(" ", ""):
                compact.add(folded.replace(" ", ""))
            else:
                loose.add(folded)
    return frozenset(compact), frozenset(loose)


def _longer_than_initials(
    words: tuple[frozenset[str], frozenset[str]],
) -> tuple[frozenset[str], frozenset[str]]:
    """Drop three-letter words from a mailbox list: abc@ or jkl@ is often someone's initials."""
    compact, loose = words
    return frozenset(w for w in compact if len(w) > _MAX_INITIALS or not w.isalpha()), loose


def _keyboard_runs() -> frozenset[str]:
    """Every stretch of three or more keys of every sequence, both ways (a few thousand)."""
    runs: set[str] = set()
    for row in _entries("junk_keyboard.txt"):
        for sequence in (row, row[::-1]):
            for start in range(len(sequence)):
                for end in range(start + _MIN_DIGIT_RUN, len(sequence) + 1):
                    runs.add(sequence[start:end])
    return frozenset(runs)


_TEXT_WORDS = _word_set("junk_words.txt", "junk_words_not_names.txt")
_NAME_WORDS = _word_set("junk_words.txt", "junk_name_words.txt")
_COMPANY_WORDS = _word_set("junk_words.txt", "junk_words_not_names.txt", "junk_company_words.txt")
_NOT_COMPANY_WORDS = _word_set("junk_company_words.txt")
_EMAIL_LOCAL_WORDS = _longer_than_initials(_word_set("junk_words.txt", "junk_email_locals.txt"))
_FRAGMENTS = tuple(to_simplified(s.casefold()) for s in _entries("junk_fragments.txt"))
_KEYBOARD = _keyboard_runs()
_SUFFIXES = _entries("junk_company_suffixes.txt")
_HAN_SUFFIXES = tuple(sorted((s for s in _SUFFIXES if _HAN_CHAR.search(s)), key=len, reverse=True))
_LATIN_SUFFIXES = frozenset(s for s in _SUFFIXES if not _HAN_CHAR.search(s))
_PHONE_PATTERNS = re.compile(
    "|".join(re.escape(p).replace(r"\?", r"\d") for p in _entries("junk_phone_numbers.txt"))
)
_SUBSCRIBER = sorted(
    ((prefix, int(n)) for prefix, n in (s.split() for s in _entries("junk_phone_subscriber.txt"))),
    key=lambda item: len(item[0]),
    reverse=True,
)
_DEFAULT_SUBSCRIBER = 7
_PHONE_EXEMPT = tuple(_entries("junk_phone_exempt.txt"))
_EMAIL_DOMAINS = frozenset(s for s in _entries("junk_email_domains.txt") if s[0] != ".")
_EMAIL_TLDS = tuple(s for s in _entries("junk_email_domains.txt") if s[0] == ".")
_CN_MOBILE = re.compile(r"1[3-9]\d{9}")


def junk_text(value: str) -> str | None:
    """The shared test for any free-text field; an empty value is missing, not junk."""
    forms = _forms(value)
    return _placeholder(*forms, _TEXT_WORDS) if forms else None


@lru_cache(maxsize=PARSED_KEPT)
def junk_name(value: str) -> str | None:
    """Placeholder person names, without flagging short real ones (李娜, Al, Wu, Na)."""
    forms = _forms(value)
    if not forms:
        return None
    loose, compact = forms
    if "@" in loose:
        return EMAIL_IN_NAME
    if _URL.search(loose):
        return URL_IN_NAME
    if compact.isdigit() or _LONG_NUMBER.search(loose):
        return NUMBER_IN_NAME
    if _MASKED.search(loose):
        return MASKED_NAME
    if any(fragment in compact for fragment in _FRAGMENTS):
        return PLACEHOLDER_NAME
    reason = _placeholder(loose, compact, _NAME_WORDS)
    if reason:
        return PLACEHOLDER_NAME if _is_word(loose, compact, _NAME_WORDS) else reason
    return PLACEHOLDER_NAME if _all_words_junk(loose, _NAME_WORDS) else None


@lru_cache(maxsize=PARSED_KEPT)
def junk_company(value: str) -> str | None:
    """Placeholder companies (测试公司, xxx公司, ABC Company, 个人), not short real ones (3M)."""
    forms = _forms(value)
    if not forms:
        return None
    loose, compact = forms
    if any(fragment in compact for fragment in _FRAGMENTS):
        return PLACEHOLDER
    reason = _placeholder(loose, compact, _COMPANY_WORDS)
    if reason:
        return NOT_A_COMPANY if _is_word(loose, compact, _NOT_COMPANY_WORDS) else reason
    core = _without_legal_form(loose)
    if core == loose:
        return _all_words_junk(loose, _COMPANY_WORDS)
    core_compact = _compact(core)
    if not core_compact:
        return ONLY_LEGAL_FORM
    if _is_word(core, core_compact, _NOT_COMPANY_WORDS):
        return NOT_A_COMPANY
    reason = _placeholder(core, core_compact, _COMPANY_WORDS)
    # Lucky numbers name real companies (888 Holdings, 999 医药); 111 or 888 alone is junk above.
    if reason == REPEATED and core_compact.isdigit():
        return None
    return PLACEHOLDER if reason else None


def junk_phone(e164: str) -> str | None:
    """Famous test numbers, fictional ranges, and a subscriber part of one digit or a run."""
    if len(e164) < 2 or e164[0] != "+" or not e164[1:].isdigit():
        return None
    if _PHONE_PATTERNS.fullmatch(e164):
        return TEST_NUMBER
    if e164.startswith(_PHONE_EXEMPT):
        return None
    length = next((n for prefix, n in _SUBSCRIBER if e164.startswith(prefix)), _DEFAULT_SUBSCRIBER)
    subscriber = e164[-length:]
    if len(e164) - 1 <= length:
        return None
    if len(set(subscriber)) == 1:
        return REPEATED_DIGITS
    if any(subscriber in sequence for sequence in _SEQUENCES):
        return SEQUENTIAL_DIGITS
    return None


def junk_digits(text: str) -> str | None:
    """A number that did not parse but is plainly typed filler: 11111111111, 123456789."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < _MIN_FILLER_DIGITS or len(digits) != len(text.replace(" ", "").lstrip("+")):
        return None
    if len(set(digits)) == 1:
        return REPEATED_DIGITS
    if any(digits in sequence * 2 for sequence in _SEQUENCES):
        return SEQUENTIAL_DIGITS
    return None


@lru_cache(maxsize=PARSED_KEPT)
def junk_email(local: str, domain: str) -> str | None:
    """Placeholder addresses (test@, asdf@, a@a.com, @example.com); role mailboxes are not junk."""
    domain = domain.casefold().rstrip(".")
    if domain in _EMAIL_DOMAINS or domain.endswith(_EMAIL_TLDS):
        return EXAMPLE_DOMAIN
    local = local.casefold()
    compact = _compact(local)
    if len(compact) == 1 and len(domain.split(".", 1)[0]) == 1:
        return PLACEHOLDER_MAILBOX
    if _CN_MOBILE.fullmatch(compact) and junk_phone("+86" + compact):
        return PLACEHOLDER_MAILBOX
    if compact and _placeholder(local, compact, _EMAIL_LOCAL_WORDS, single=False):
        return PLACEHOLDER_MAILBOX
    return None


def _forms(value: str) -> tuple[str, str] | None:
    """(folded lower-case text, the same without spaces and punctuation); None when empty."""
    text = fold(value)
    if not text:
        return None
    loose = text.casefold()
    if _HAN_CHAR.search(loose):
        loose = to_simplified(loose)
    return loose, _compact(loose)


def _is_word(loose: str, compact: str, words: tuple[frozenset[str], frozenset[str]]) -> bool:
    compact_words, loose_words = words
    if loose in loose_words or compact in compact_words:
        return True
    core = _TRAILING_DIGITS.sub("", compact)
    return bool(core) and core != compact and core in compact_words


def _placeholder(
    loose: str, compact: str, words: tuple[frozenset[str], frozenset[str]], *, single: bool = True
) -> str | None:
    """The checks every field shares, on one whole value."""
    if not compact:
        return NO_CONTENT
    if _is_word(loose, compact, words):
        return PLACEHOLDER
    if compact.isascii():
        if single and len(compact) == 1:
            return SINGLE_CHARACTER
        if len(compact) == 2 and compact[0] == compact[1]:
            return REPEATED
    if len(compact) >= 3 and len(set(compact)) == 1:
        return REPEATED
    if _REPEATED_UNIT.fullmatch(compact):
        return REPEATED
    if _is_keyboard_run(compact) or _is_keyboard_run(_TRAILING_DIGITS.sub("", compact)):
        return KEYBOARD_RUN
    if compact.startswith("loremipsum"):
        return PLACEHOLDER
    return None


def _is_keyboard_run(compact: str) -> bool:
    minimum = _MIN_DIGIT_RUN if compact.isdigit() else _MIN_LETTER_RUN
    return len(compact) >= minimum and compact in _KEYBOARD


def _all_words_junk(loose: str, words: tuple[frozenset[str], frozenset[str]]) -> str | None:
    """ "Test Test", "asdf qwer": several words, each one a placeholder on its own."""
    parts = [p for p in _NOT_ALNUM.split(loose) if p]
    if len(parts) < 2:
        return None
    return PLACEHOLDER if all(_placeholder(p, p, words, single=False) for p in parts) else None


def _without_legal_form(loose: str) -> str:
    """Cut legal forms and generic words off the end: 测试科技有限公司 -> 测试, ABC Co. -> abc."""
    text = loose.rstrip(_SUFFIX_PUNCTUATION)
    while text:
        shorter = _cut_suffix(text).rstrip(_SUFFIX_PUNCTUATION)
        if shorter == text:
            break
        text = shorter
    return text


def _cut_suffix(text: str) -> str:
    for suffix in _HAN_SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    head, _, last = text.rpartition(" ")
    return head if _compact(last) in _LATIN_SUFFIXES else text
