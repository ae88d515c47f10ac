"""Person names in Chinese and Latin script, reduced to keys that meet across spellings.

The same contact arrives as 张伟, 張偉, 张伟先生, "Zhang Wei", "Wei Zhang", "ZHANG wei" or
"zhangwei", and as "Bob Smith", "Smith, Robert" or "Mr. Robert Smith Jr.". Matching needs
keys on which these meet, and the CRM needs a clean display form and a family/given split.
Word lists (family names, honorifics, titles, nicknames, pinyin syllables) are data files.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Literal

from pypinyin import Style, lazy_pinyin

from app.domain.text import PARSED_KEPT, fold, to_simplified

Script = Literal["han", "latin", "mixed", "other"]
_Role = Literal["first", "last"]


@dataclass(frozen=True, slots=True)
class PersonName:
    """A parsed person name; `first` or `last` is None when the input does not say it."""

    display: str
    script: Script
    first: str | None
    last: str | None
    key: str
    pinyin_key: str | None


def _entries(name: str) -> list[str]:
    text = files("app.domain").joinpath("data", name).read_text(encoding="utf-8")
    return [s for s in (line.strip() for line in text.splitlines()) if s and not _is_comment(s)]


def _is_comment(line: str) -> bool:
    """ "# " starts a comment; "#N/A" is an entry."""
    return line == "#" or line.startswith("# ")


def _pairs(name: str) -> dict[str, str]:
    return dict(line.split(None, 1) for line in _entries(name))


def _nicknames() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _entries("person_nicknames.txt"):
        canonical, _, nicknames = line.partition(":")
        for nickname in nicknames.split(","):
            table[nickname.strip()] = canonical.strip()
    return table


_SURNAMES = frozenset(to_simplified(s) for s in _entries("person_surnames.txt"))
_COMPOUND_SURNAMES = frozenset(to_simplified(s) for s in _entries("person_compound_surnames.txt"))
_SURNAME_PINYIN = {
    to_simplified(k): tuple(v.split()) for k, v in _pairs("person_surname_pinyin.txt").items()
}
_HAN_HONORIFICS = tuple(
    sorted((to_simplified(s) for s in _entries("person_han_honorifics.txt")), key=len, reverse=True)
)
_HAN_HONORIFIC_SET = frozenset(_HAN_HONORIFICS)
_HAN_PREFIXES = frozenset(_entries("person_han_prefixes.txt"))
_TITLES = frozenset(_entries("person_titles.txt"))
_SUFFIXES = frozenset(_entries("person_suffixes.txt"))
_PARTICLES = frozenset(_entries("person_particles.txt"))
_NICKNAMES = _nicknames()
_SYLLABLES = {
    parts[0]: parts[-1] for parts in (s.split() for s in _entries("person_pinyin_syllables.txt"))
}
_VOWEL_START = frozenset("aoe")
_MAX_SYLLABLE = max(map(len, _SYLLABLES))
_MAX_PINYIN_TOKEN = 30
_MAX_HAN_PINYIN = 12
_LATIN_SYLLABLES = range(2, 7)
_MAX_T2S_PASSES = 3

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{_HAN}]")
_DOTS = re.compile(r"[·•・‧∙⋅]")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^“”]*”")
_BRACKETS = {"(": ")", "[": "]", "{": "}", "【": "】", "〔": "〕", "〖": "〗"}
_OPENERS = re.compile("[([{【〔〖]")
_BRACKET_CHARS = re.compile('["“”()\\[\\]{}【】〔〕〖〗]')
_TOKENS = re.compile(rf"([{_HAN}](?:[{_HAN}]|·(?=[{_HAN}]))*)|([^\s,{_HAN}·]+)|(,)")
_EDGE_LEFT = re.compile(r"^[\W_]+")
_EDGE_RIGHT = re.compile(r"[\W_]+$")
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)*[^\W\d_]$")
_WORD_SPLIT = re.compile(r"[\s\-'’.]+")
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_LATIN_LETTER = re.compile(f"[{_LATIN}]")
_OTHER_LETTER = re.compile(rf"(?![{_LATIN}])[^\W\d_]")
_NOT_KEY = re.compile(r"[\W_]+")
_SPECIAL_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th", "ı": "i"}
)
_UMLAUT_U = re.compile("u\u0308")


@lru_cache(maxsize=PARSED_KEPT)
def nickname_root(given: str) -> str:
    """The canonical given name behind a nickname (Bob, Bobby -> robert); else the name folded.

    Kept by name: comparing name parts asks for it up to eight times per candidate pair, and
    the same given names come back on every check."""
    folded = _latin_fold(given)
    return _NICKNAMES.get(folded, folded)


@lru_cache(maxsize=PARSED_KEPT)
def parse_person(
    name: str | None, first_name: str | None = None, last_name: str | None = None
) -> PersonName | None:
    """Parse a person from the full-name field, or from the split fields when it is empty.

    When both are given the full name is the truth and `last_name` only says where the family
    name is. A value with no letters at all, or only an honorific, is no name: None.
    """
    given, family = _clean(first_name), _clean(last_name)
    full = _clean(name)
    if full:
        return _parse(full, family, None)
    if given and family:
        if _has_han(given) and _has_han(family):
            if family[0] not in _SURNAMES and given[0] in _SURNAMES:
                given, family = family, given
            return _parse(family + given, family, None)
        return _parse(f"{given} {family}", family, None)
    if family:
        return _parse(family, None, "last")
    if given:
        return _parse(given, None, "first")
    return None


def _clean(value: str | None) -> str:
    if not value:
        return ""
    text = fold(value)
    if not text:
        return ""
    stripped = _drop_bracketed(_QUOTED.sub(" ", text))
    if stripped != text and any(ch.isalpha() for ch in stripped):
        text = stripped
    text = _BRACKET_CHARS.sub(" ", text)
    text = _DOTS.sub("·", text)
    return _simplified(text) if _has_han(text) else text


def _simplified(text: str) -> str:
    """OpenCC's t2s is not idempotent for a few characters (薴 -> 苧 -> 苎): repeat until stable."""
    for _ in range(_MAX_T2S_PASSES):
        converted = to_simplified(text)
        if converted == text:
            break
        text = converted
    return text


def _drop_bracketed(text: str) -> str:
    """Remove bracketed asides, nested or not: 张伟(销售经理), Robert (Bob) Smith."""
    if not _OPENERS.search(text):
        return text
    out: list[str] = []
    opened: list[tuple[str, int]] = []
    for ch in text:
        if opened and ch == opened[-1][0]:
            del out[opened.pop()[1] :]
            out.append(" ")
        else:
            closer = _BRACKETS.get(ch)
            if closer:
                opened.append((closer, len(out)))
            out.append(ch)
    return "".join(out)


def _has_han(text: str) -> bool:
    return _HAN_CHAR.search(text) is not None


def _parse(text: str, hint: str | None, role: _Role | None) -> PersonName | None:
    han, words, titled = _tokens(text)
    if han:
        han, bare_surname = _strip_han_honorific(han)
    else:
        bare_surname = False
    if not han and not words:
        return None
    script = _script(han, words)
    if script == "han":
        return _han_name(han, hint, role, bare_surname)
    if script == "latin":
        return _latin_name(words, hint, "last" if titled and len(words) == 1 else role)
    return _mixed_name(han, words, script, hint, role=role, bare=bare_surname)


def _tokens(text: str) -> tuple[str, list[str], bool]:
    """Han characters joined into one run, the other words in order, and whether a title was seen.

    Commas split the text into groups. A Han name keeps only its own group (张伟, 经理); a Latin
    "Smith, John" is inverted back to "John Smith"; a trailing ", Jr." or ", PhD" is dropped.
    """
    groups: list[list[str]] = [[]]
    han_parts: list[str] = []
    han_group = -1
    for han_run, word, comma in _TOKENS.findall(text):
        if comma:
            groups.append([])
        elif han_run:
            if han_group < 0:
                han_group = len(groups) - 1
            if han_group == len(groups) - 1:
                han_parts.append(han_run)
        else:
            cleaned = _trim(word)
            if cleaned:
                groups[-1].append(cleaned)
    if han_parts:
        words = groups[han_group]
    else:
        kept = [g for i, g in enumerate(groups) if g and not (i and all(map(_is_suffix, g)))]
        words = _order(kept)
    han = "".join(han_parts)
    words, titled = _strip_titles(words, bool(han))
    return han, words, titled


def _order(groups: list[list[str]]) -> list[str]:
    if not groups:
        return []
    if len(groups) >= 2 and _is_surname_group(groups[0]):
        return groups[1] + groups[0]
    return groups[0]


def _is_surname_group(words: list[str]) -> bool:
    return len(words) == 1 or all(w.casefold() in _PARTICLES for w in words[:-1])


def _trim(word: str) -> str:
    word = _EDGE_LEFT.sub("", word)
    core = _EDGE_RIGHT.sub("", word)
    if not any(ch.isalpha() for ch in core):
        return ""
    if word[len(core) :].startswith(".") and _INITIALS.match(core):
        return core + "."
    return core


def _is_suffix(word: str) -> bool:
    return word.replace(".", "").casefold() in _SUFFIXES


def _strip_titles(words: list[str], has_han: bool) -> tuple[list[str], bool]:
    """Drop Mr./Dr./Prof. in front (also glued on: Mr.Zhang) and Jr./PhD behind.

    A title alone is no name at all.
    """
    titled = False
    while words:
        head, dot, tail = words[0].partition(".")
        tail = _trim(tail) if dot else ""
        if tail and head.casefold() in _TITLES:
            words = [tail, *words[1:]]
        elif _is_title(words[0]) and (len(words) > 1 or has_han or not titled):
            words = words[1:]
        else:
            break
        titled = True
    while len(words) > 1 and _is_suffix(words[-1]):
        words = words[:-1]
    if all(_is_title(w) or _is_suffix(w) for w in words):
        return [], titled
    return words, titled


def _is_title(word: str) -> bool:
    return word.rstrip(".").casefold() in _TITLES


def _strip_han_honorific(han: str) -> tuple[str, bool]:
    """Remove 先生, 经理, 总..., repeatedly (王总经理先生); True when only a family name is left."""
    bare = False
    while han:
        shorter, bare_now = _strip_one_honorific(han)
        if shorter == han:
            break
        han, bare = shorter, bare or bare_now
    return han, bare


def _strip_one_honorific(han: str) -> tuple[str, bool]:
    if _is_honorific(han):
        return "", False
    if len(han) == 2 and han[0] in _HAN_PREFIXES and han[1] in _SURNAMES:
        return han[1], True
    for honorific in _HAN_HONORIFICS:
        if han.endswith(honorific) and len(han) > len(honorific):
            rest = han[: -len(honorific)].rstrip("·")
            if len(honorific) > 1 or _is_surname(rest):
                return rest, len(rest) == 1 or rest in _COMPOUND_SURNAMES
    return han, False


def _is_honorific(han: str) -> bool:
    return han in _HAN_HONORIFIC_SET and not _is_surname(han)


def _is_surname(text: str) -> bool:
    return text in _SURNAMES or text in _COMPOUND_SURNAMES


def _script(han: str, words: list[str]) -> Script:
    if words and _OTHER_LETTER.search(" ".join(words)):
        return "other"
    if han and words:
        return "mixed"
    return "han" if han else "latin"


def _han_split(
    han: str, hint: str | None, role: _Role | None, bare: bool
) -> tuple[str | None, str | None]:
    """(family, given) of a Han name; None where the text does not tell."""
    if bare:
        return han, None
    if "·" in han:
        parts = han.split("·")
        return parts[-1], parts[0]
    if hint and _has_han(hint) and han.startswith(hint) and len(hint) < len(han):
        return hint, han[len(hint) :]
    if len(han) == 1:
        if role == "first":
            return None, han
        return (han, None) if role == "last" or han in _SURNAMES else (None, None)
    if han[:2] in _COMPOUND_SURNAMES:
        return han[:2], han[2:] or None
    if han[0] in _SURNAMES:
        return han[0], han[1:]
    return (None, han) if role == "first" else (None, None)


def _han_name(han: str, hint: str | None, role: _Role | None, bare: bool) -> PersonName:
    last, first = _han_split(han, hint, role, bare)
    key, pinyin_key, _ = _han_keys(han)
    return PersonName(han, "han", first, last, key, pinyin_key)


def _han_keys(han: str) -> tuple[str, str | None, bool]:
    """(key, pinyin key, whether it is a full name), from the characters alone.

    Hints from the split fields are left out on purpose: a record with only a full name and
    one with split fields must get the same keys.
    """
    family, given = _han_split(han, None, None, bare=False)
    key = han.replace("·", "")
    if family and not given:
        return key, None, False
    return key, _han_pinyin_key(key, family), bool(family and given)


def _han_pinyin_key(han: str, surname: str | None) -> str | None:
    if len(han) < 2 or len(han) > _MAX_HAN_PINYIN:
        return None
    syllables = _han_syllables(han, surname if surname and han.startswith(surname) else "")
    return " ".join(sorted(syllables)) if syllables else None


@lru_cache(maxsize=4096)
def _han_syllables(han: str, surname: str) -> tuple[str, ...]:
    """Toneless syllables, with the family name read as a family name (曾 zeng, 单 shan)."""
    head = _SURNAME_PINYIN.get(surname) if surname else None
    syllables = (
        [*head, *lazy_pinyin(han[len(surname) :], style=Style.NORMAL)]
        if head
        else lazy_pinyin(han, style=Style.NORMAL)
    )
    return tuple(syllables) if all(s in _SYLLABLES for s in syllables) else ()


def _latin_name(words: list[str], hint: str | None, role: _Role | None) -> PersonName:
    display_words = _cased(words)
    if len(words) == 1:
        first = display_words[0] if role == "first" else None
        last = display_words[0] if role == "last" else None
    else:
        start, end = _family_start(display_words, hint)
        given = display_words[:start] + display_words[end:]
        first = _title_upper(" ".join(given)) if given else None
        last = _title_upper(" ".join(display_words[start:end]))
    return PersonName(
        " ".join(display_words), "latin", first, last, _latin_key(words), _latin_pinyin_key(words)
    )


def _family_start(words: list[str], hint: str | None) -> tuple[int, int]:
    """The [start, end) slice of the family name among the words."""
    n = len(words)
    if hint:
        hint_words = [w.casefold() for w in hint.replace(",", " ").split()]
        k = len(hint_words)
        folded = [w.casefold() for w in words]
        if 0 < k < n:
            if folded[n - k :] == hint_words:
                return n - k, n
            if folded[:k] == hint_words:
                return 0, k
    upper = [i for i, w in enumerate(words) if w.isupper() and "." not in w and len(w) > 1]
    if len(upper) == 1 and len(words) > 1 and any(not w.isupper() for w in words):
        return upper[0], upper[0] + 1
    start = n - 1
    while start > 1 and words[start - 1].casefold() in _PARTICLES:
        start -= 1
    return start, n


def _cased(words: list[str]) -> list[str]:
    """Title-case words typed all in one case; keep deliberate mixed case (McDonald, ZHANG Wei)."""
    letters = "".join(words)
    uniform = letters.islower() or letters.isupper()
    out = []
    for i, word in enumerate(words):
        if i and word.casefold() in _PARTICLES and (uniform or word.islower()):
            out.append(word.lower())
        elif word.islower() or (uniform and word.isupper()):
            out.append(_title(word))
        else:
            out.append(word)
    return [_title(w) for w in out] if "".join(out).isupper() else out


def _title(word: str) -> str:
    """str.title, unless it would turn a mark into a letter (U+0345 becomes a capital iota)."""
    titled = word.title()
    if len(titled) == len(word) and all(
        a.isalpha() == b.isalpha() for a, b in zip(titled, word, strict=True)
    ):
        return titled
    return word


def _title_upper(text: str) -> str:
    return " ".join(_title(w) if len(w) > 1 and w.isupper() else w for w in text.split())


def _latin_fold(word: str) -> str:
    if word.isascii():
        return _NOT_KEY.sub("", word.lower())
    lowered = unicodedata.normalize("NFKD", word).casefold().translate(_SPECIAL_LETTERS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_KEY.sub("", bare)


def _latin_key(words: list[str]) -> str:
    """Every word but initials, nicknames folded, sorted: the split and the order do not matter."""
    folded = [f for f in map(_latin_fold, words) if f]
    spelled = [f for f in folded if len(f) > 1] or folded
    return " ".join(sorted(_NICKNAMES.get(f, f) for f in spelled))


def _latin_pinyin_key(words: list[str]) -> str | None:
    syllables: list[str] = []
    for word in words:
        for part in _WORD_SPLIT.split(word):
            if not part:
                continue
            split = _pinyin_split(_pinyin_fold(part))
            if split is None:
                return None
            syllables.extend(split)
            if len(syllables) >= _LATIN_SYLLABLES.stop:
                return None
    return " ".join(sorted(syllables)) if len(syllables) in _LATIN_SYLLABLES else None


def _pinyin_fold(word: str) -> str:
    if word.isascii():
        return word.lower()
    decomposed = _UMLAUT_U.sub("v", unicodedata.normalize("NFD", word.casefold()))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _pinyin_split(word: str) -> list[str] | None:
    """Split run-together pinyin (zhangwei, xiaoming) into syllables, or None if it is not pinyin.

    Among all splits, prefer the one a pinyin writer means: no inner syllable starting with
    a, o or e (those take an apostrophe: xi'an), then the fewest syllables, so xian is one
    syllable and fangan is fan-gan, then the longer syllables first, so chunyu is chun-yu.
    """
    whole = _SYLLABLES.get(word)
    if whole is not None:
        return [whole]
    n = len(word)
    if not n or n > _MAX_PINYIN_TOKEN or not word.isascii() or not word.isalpha():
        return None
    best: list[tuple[int, int, list[str]] | None] = [None] * (n + 1)
    best[0] = (0, 0, [])
    for start in range(n):
        here = best[start]
        if here is None:
            continue
        for end in range(start + 1, min(n, start + _MAX_SYLLABLE) + 1):
            syllable = _SYLLABLES.get(word[start:end])
            if syllable is None:
                continue
            cost = (here[0] + (start > 0 and word[start] in _VOWEL_START), here[1] + 1)
            current = best[end]
            candidate = [*here[2], syllable]
            if current is None or (cost, _longest_first(candidate)) < (
                current[:2],
                _longest_first(current[2]),
            ):
                best[end] = (*cost, candidate)
    final = best[n]
    return final[2] if final else None


def _longest_first(syllables: list[str]) -> list[int]:
    """Between equal splits, the one whose earlier syllables are longer: chun-yu, not chu-nyu."""
    return [-len(s) for s in syllables]


def _mixed_name(
    han: str, words: list[str], script: Script, hint: str | None, *, role: _Role | None, bare: bool
) -> PersonName:
    """A Han name written with Latin words (张伟 David, David 张) or any other script."""
    display_words = _cased(words) if script == "mixed" else words
    display = " ".join([han, *display_words] if han else display_words)
    if han:
        last, first = _han_split(han, hint, role, bare)
        key, pinyin_key, full = _han_keys(han)
        if full:
            return PersonName(display, script, first, last, key, pinyin_key)
        latin_first = display_words[0] if display_words else None
        key = " ".join(sorted([key, *(_other_fold(w) for w in words)]))
        return PersonName(display, script, first or latin_first, last, key, None)
    first = display_words[0] if len(words) > 1 or role == "first" else None
    last = display_words[-1] if len(words) > 1 or role == "last" else None
    key = " ".join(sorted(_other_fold(w) for w in words))
    return PersonName(display, script, first, last, key, None)


def _other_fold(word: str) -> str:
    if _LATIN_LETTER.match(word):
        return nickname_root(word) or word.casefold()
    return word.casefold()
