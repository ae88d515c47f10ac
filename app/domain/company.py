"""Company names: a display form, a core for matching, and the parts the core leaves out.

A Chinese company name is region + trade name (字号) + industry + legal form, with a branch
after it when the unit is a branch office: 北京 字节跳动 科技 有限公司, 招商银行股份有限公司
上海分行. The same company also arrives as 字节跳动科技有限公司, without the legal form, in
traditional characters, or with the region in brackets (腾讯科技(深圳)有限公司). English
names carry the same parts: "Acme Technology (Beijing) Co., Ltd.".

`core` drops only what does not tell companies apart (region, legal form, punctuation) and
keeps the industry and the branch, since 字节跳动科技 and 字节跳动网络技术 are different legal
entities and a branch is another unit than its head office. `trade_name` also drops the
industry words, so that a lead matcher can see two companies of one group as close.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from app.domain.address import (
    is_major_region,
    latin_region_prefix,
    region_prefixes,
    region_short_name,
)
from app.domain.text import PARSED_KEPT, fold, to_simplified

# A registered Chinese trade name (字号) has at least two characters.
_MIN_HAN_NAME = 2
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{_HAN}]")


@dataclass(frozen=True, slots=True)
class CompanyName:
    """A parsed company name; `core` is never empty."""

    display: str
    core: str
    legal_form: str | None
    region: str | None
    branch: str | None
    trade_name: str


def _lines(name: str) -> list[str]:
    text = files("app.domain").joinpath("data", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True, slots=True)
class _WordList:
    """Chinese entries, matched as suffixes; Latin entries, matched as whole trailing words."""

    han: frozenset[str]
    latin: frozenset[tuple[str, ...]]
    han_sizes: tuple[int, ...]
    longest_latin: int

    @classmethod
    def of(cls, entries: list[str]) -> _WordList:
        han = frozenset(e for e in entries if not e.isascii())
        latin = frozenset(tuple(e.split()) for e in entries if e.isascii())
        sizes = tuple(sorted({len(e) for e in han}, reverse=True))
        return cls(han, latin, sizes, max(map(len, latin)))

    def suffix(self, text: str) -> str | None:
        """The longest entry the text ends with: Chinese after Chinese, Latin after Latin."""
        if not text:
            return None
        if not text[-1].isascii():
            return next((text[-n:] for n in self.han_sizes if text[-n:] in self.han), None)
        tokens = text.rsplit(" ", self.longest_latin)
        for size in range(min(self.longest_latin, len(tokens)), 0, -1):
            if tuple(tokens[-size:]) in self.latin:
                return " ".join(tokens[-size:])
        return None

    def last_end(self, text: str) -> int | None:
        """Where the last entry in the text ends (at a word boundary for Latin entries)."""
        for end in range(len(text), 0, -1):
            at_boundary = end == len(text) or text[end] == " " or _HAN_CHAR.match(text[end - 1])
            if at_boundary and self.suffix(text[:end]) is not None:
                return end
        return None


_LEGAL = dict(line.split("\t", 1) for line in _lines("company_legal_forms.tsv"))
_LEGAL_FORMS = _WordList.of(list(_LEGAL))
_BRANCHES = _WordList.of(_lines("company_branch_suffixes.txt"))
_TERMS = _WordList.of(_lines("company_industry_terms.txt"))
_PLACEHOLDERS = frozenset(_lines("company_placeholders.txt"))
_NOTES = frozenset(_lines("company_notes.txt"))

_BRACKETS = str.maketrans("[{【〔〖（《]}】〕〗）》", "((((((()))))))")
_BRACKETED = re.compile(r"\(([^()]*)\)")
_DROPPED = re.compile(r"[.'’‘`/]")
_PUNCTUATION = re.compile(r"[^\w&]+")
_AMPERSAND = re.compile(r"\s*&\s*|\band\b")
_SPACE_IN_HAN = re.compile(rf"(?<=[{_HAN}]) +(?=[{_HAN}])")
_SPACE_BY_HAN = re.compile(rf"(?<=[{_HAN}]) +| +(?=[{_HAN}])")
_DISPLAY_SPACE = re.compile(rf"(?<=[{_HAN}（）]) +(?=[{_HAN}（）])")
_HAN_BRACKETS = str.maketrans({"(": "（", ")": "）"})
_LATIN_BRACKETS = str.maketrans({"（": "(", "）": ")"})
_LEADING_ARTICLE = "the "
# A region followed by these is part of the name: "Hong Kong and Shanghai Banking".
_CONNECTORS = ("&", "of ")


def _cut(text: str, suffix: str) -> str:
    return text[: -len(suffix)].rstrip()


def _matching_text(folded: str) -> tuple[str, str | None]:
    """Simplified, lower-case text with one space between Latin words; bracketed regions removed."""
    text = to_simplified(folded).lower().translate(_BRACKETS)
    regions: list[str] = []

    def bracket(match: re.Match[str]) -> str:
        if match.group(1).strip() in _NOTES:
            return " "
        region = region_short_name(match.group(1))
        if region is not None:
            regions.append(region)
            return " "
        return f" {match.group(1)} "

    text = _BRACKETED.sub(bracket, text)
    text = _PUNCTUATION.sub(" ", _DROPPED.sub("", text))
    text = _AMPERSAND.sub(" & ", text)
    text = _SPACE_IN_HAN.sub("", " ".join(text.split()))
    return text, regions[0] if regions else None


def _split_branch(text: str) -> tuple[str, str | None]:
    """Head office and branch: the branch starts after the head office's legal form or industry.

    招商银行股份有限公司上海分行 → 上海分行; 招商银行深圳车公庙支行 → 深圳车公庙支行.
    """
    suffix = _BRANCHES.suffix(text)
    if suffix is None or len(suffix) == len(text):
        return text, None
    before = _cut(text, suffix)
    for words in (_LEGAL_FORMS, _TERMS):
        end = words.last_end(before)
        if end is not None:
            return before[:end].rstrip(), text[end:].strip()
    return before, suffix


def _strip_legal(text: str) -> tuple[str, str | None]:
    """Cut legal forms from the end (Acme Holdings Co., Ltd.); the outermost is reported."""
    legal_form: str | None = None
    while True:
        suffix = _LEGAL_FORMS.suffix(text)
        rest = _cut(text, suffix) if suffix else ""
        if suffix is None or not rest or rest == "&":
            return text, legal_form
        legal_form = legal_form or _LEGAL[suffix]
        text = rest.removesuffix(" &")


def _strip_terms(text: str, keep: int) -> str:
    """Cut industry words from the end while at least `keep` characters of name remain."""
    while True:
        suffix = _TERMS.suffix(text)
        if suffix is None:
            return text
        rest = _cut(text, suffix).removesuffix(" &").rstrip()
        if len(rest) < keep or (keep and is_major_region(rest.replace(" ", ""))):
            return text
        text = rest


def _has_trade_name(text: str) -> bool:
    """Whether a text is more than region-free industry words (银行, 汽车集团 are not names)."""
    rest = _strip_terms(text, 0)
    return len(rest) >= (_MIN_HAN_NAME if _HAN_CHAR.search(rest) else 1)


def _strip_region(text: str, has_legal_form: bool) -> tuple[str, str | None]:
    """Cut the longest region prefix that leaves a trade name (上海浦东发展银行 → 浦东发展银行).

    Without a legal form the name must still end in an industry word: 北京大学 and "China
    Mobile" are names, not region + trade name.
    """
    if _HAN_CHAR.match(text):
        cuts = region_prefixes(text)
    else:
        words = text.split(" ")
        found = latin_region_prefix(words)
        cuts = [(found[0], len(" ".join(words[: found[1]])))] if found else []
    for region, end in cuts:
        rest = text[end:].lstrip()
        if rest.startswith(_CONNECTORS):
            continue
        if _has_trade_name(rest) and (has_legal_form or _TERMS.suffix(rest) is not None):
            return rest, region
    return text, None


def _display(folded: str) -> str:
    if _HAN_CHAR.search(folded):
        return _DISPLAY_SPACE.sub("", folded.translate(_BRACKETS).translate(_HAN_BRACKETS))
    return folded.translate(_BRACKETS).translate(_LATIN_BRACKETS)


def _compact(text: str) -> str:
    return _SPACE_BY_HAN.sub("", text).strip()


@lru_cache(maxsize=PARSED_KEPT)
def parse_company(value: str | None) -> CompanyName | None:
    """Parse one company name; None when empty or a placeholder such as 无 or N/A."""
    if value is None:
        return None
    folded = fold(value)
    text, bracket_region = _matching_text(folded)
    if not text or text in _PLACEHOLDERS or _compact(text) in _PLACEHOLDERS:
        return None
    head, branch = _split_branch(text)
    head, legal_form = _strip_legal(head)
    if head.startswith(_LEADING_ARTICLE) and len(head) > len(_LEADING_ARTICLE):
        head = head[len(_LEADING_ARTICLE) :]
    head, prefix_region = _strip_region(head, legal_form is not None)
    core = _compact(f"{head} {branch}" if branch else head)
    keep = _MIN_HAN_NAME if _HAN_CHAR.search(head) else 1
    return CompanyName(
        display=_display(folded),
        core=core,
        legal_form=legal_form,
        region=prefix_region or bracket_region,
        branch=_compact(branch) if branch else None,
        trade_name=_compact(_strip_terms(head, keep)),
    )
