"""Field-by-field comparison of two normalized leads, as labelled levels.

Each comparator names the level two values reach (as Splink does): `exact`,
`cross_script`, `similar`, `different` ... with a similarity for display. A field
missing on either side is left out: the model gives it no weight and a rule
can ask for it as the level `missing`. rapidfuzz does all string similarity.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler, Levenshtein
from rapidfuzz.fuzz import token_set_ratio

from app.domain import junk
from app.domain.person import nickname_root
from app.domain.text import PARSED_KEPT
from app.domain.types import NormalizedLead
from app.domain.website import domain_of_email

MISSING = "missing"
NAME_SIMILAR = 0.92
COMPANY_SIMILAR = 0.9
ADDRESS_SIMILAR = 0.85
CITY_SIMILAR = 0.9
_MOBILE_KINDS = frozenset({"mobile", "fixed_line_or_mobile"})
_IDENTITY_ORDER = {"exact": 2, "one_edit": 1, "different": 0}
KEPT = PARSED_KEPT
"""Values each cache of a comparing step keeps (a number's junk test, a mailbox's kind):
the values a check or a file meets again are recent ones, and each cleaning worker fills
every cache on a big file, so more entries are memory the million-row run does not have."""


@dataclass(frozen=True, slots=True)
class Level:
    """The level two values reached and how alike they are, 0.0 to 1.0."""

    level: str
    similarity: float


Comparison = Mapping[str, Level]

# The levels whose similarity is fixed, made once: a check compares up to 50 candidates
# field by field, and building a frozen dataclass costs more than the test that picks it.
_BRANCH_OF = Level("branch_of", 0.8)
_CORE_EQUAL = Level("core_equal", 1.0)
_CROSS_SCRIPT = Level("cross_script", 0.95)
_DIFFERENT = Level("different", 0.0)
_DIFFERENT_KIND = Level("different_kind", 0.0)
_EQUAL = Level("equal", 1.0)
_EXACT = Level("exact", 1.0)
_EXACT_FIXED = Level("exact_fixed", 1.0)
_EXACT_MOBILE = Level("exact_mobile", 1.0)
_NICKNAME = Level("nickname", 0.95)
_SAME_KEY = Level("same_key", 0.95)
_SAME_LOCAL = Level("same_local", 0.6)
_USCC_DIFFERENT = Level("uscc_different", 0.0)
_USCC_EQUAL = Level("uscc_equal", 1.0)

AttributeTypes = Mapping[str, str]


def compare(
    a: NormalizedLead,
    b: NormalizedLead,
    attributes: AttributeTypes | None = None,
    identities: Collection[str] = (),
    *,
    known: Mapping[str, Level | None] | None = None,
) -> dict[str, Level]:
    """Levels of every field present on both sides.

    `attributes` names the typed custom fields; `identities` those among them that
    identify a person outright, whose best level is also reported as `identity`. The best
    level of the date attributes is also reported as `date`, so the default rules can ask
    for one without knowing the tenant's field names. `known` holds fields already
    compared (`compare_field`), which are taken as they are.
    """
    found: dict[str, Level] = {}
    comparators: Iterable[tuple[str, Comparator]] = _COMPARATORS.items()
    if known:
        found = {name: level for name, level in known.items() if level is not None}
        comparators = [(n, c) for n, c in _COMPARATORS.items() if n not in known]
    for name, comparator in comparators:
        level = comparator(a, b)
        if level is not None:
            found[name] = level
    for name, kind in (attributes or {}).items():
        level = _attribute(a.attributes.get(name), b.attributes.get(name), kind)
        if level is not None:
            found[f"attributes.{name}"] = level
    dates = [n for n, kind in (attributes or {}).items() if kind == "date"]
    for field, names in (("identity", identities), ("date", dates)):
        levels = [found[f"attributes.{n}"] for n in names if f"attributes.{n}" in found]
        if levels:
            found[field] = max(levels, key=lambda lv: _IDENTITY_ORDER[lv.level])
    return found


def compare_field(name: str, a: NormalizedLead, b: NormalizedLead) -> Level | None:
    """One of the lead's own fields (`FIELDS`); None when either side lacks it."""
    return _COMPARATORS[name](a, b)


def _phone(a: NormalizedLead, b: NormalizedLead) -> Level | None:
    if not a.phone or not b.phone:
        return None
    shared = {p for p in set(a.phone) & set(b.phone) if not _junk_phone(p)}
    if not shared:
        return _DIFFERENT_KIND if _other_kinds(a, b) else _DIFFERENT
    if any(_mobile_on_both(p, a, b) for p in shared):
        return _EXACT_MOBILE
    return _EXACT_FIXED


def _other_kinds(a: NormalizedLead, b: NormalizedLead) -> bool:
    """One side gives only mobiles, the other only fixed lines: a person's own mobile and
    the company's switchboard (or desk line) are two numbers of one person as often as of
    two, so they do not disagree the way two mobiles do."""
    kinds = {_mobile_kinds(lead.phone_kinds, len(lead.phone)) for lead in (a, b)}
    return kinds == _ONE_KIND_EACH


_ONE_KIND_EACH = {frozenset({True}), frozenset({False})}


@lru_cache(maxsize=4096)
def _mobile_kinds(phone_kinds: tuple[str, ...], numbers: int) -> frozenset[bool]:
    """Which of mobile (True) and fixed (False) the lead's numbers are; empty when a number's
    kind is unknown. Kept by kinds: a handful of combinations cover every lead."""
    if len(phone_kinds) != numbers:
        return frozenset()
    return frozenset(kind in _MOBILE_KINDS for kind in phone_kinds)


def _mobile_on_both(phone: str, a: NormalizedLead, b: NormalizedLead) -> bool:
    """A mobile only when neither record knows it as anything else: one record writing it
    with an extension makes it a switchboard. A side that records no kind takes the other's."""
    kind_a = dict(zip(a.phone, a.phone_kinds, strict=False)).get(phone)
    kind_b = dict(zip(b.phone, b.phone_kinds, strict=False)).get(phone, kind_a)
    return (kind_a or kind_b) in _MOBILE_KINDS and kind_b in _MOBILE_KINDS


def _email(a: NormalizedLead, b: NormalizedLead) -> Level | None:
    if not a.email or not b.email:
        return None
    shared = {e for e in set(a.email) & set(b.email) if not _junk_email(e)}
    if shared:
        return _EXACT
    if {k for k in set(a.email_keys) & set(b.email_keys) if not _junk_email(k)}:
        return _SAME_KEY
    locals_a = {e.partition("@")[0] for e in a.email}
    if locals_a & {e.partition("@")[0] for e in b.email}:
        return _SAME_LOCAL
    return _DIFFERENT_KIND if _work_and_personal(a, b) else _DIFFERENT


def _work_and_personal(a: NormalizedLead, b: NormalizedLead) -> bool:
    """One side gives only company mailboxes, the other only free-mail ones: a person's work
    and personal addresses, as often one person's as two people's, so they do not disagree
    the way two work addresses do."""
    kinds = {_mailbox_kinds(lead.email, lead.email_domains) for lead in (a, b)}
    return kinds == _ONE_KIND_EACH


@lru_cache(maxsize=KEPT)
def _mailbox_kinds(emails: tuple[str, ...], domains: tuple[str, ...]) -> frozenset[bool]:
    """Which of company (True) and free or throwaway (False) mailboxes the lead gives (its
    `email_domains` leave free and throwaway mail out). Kept by the lead's addresses: a
    check compares its lead with every candidate, and a candidate comes back check after
    check."""
    return frozenset(_registrable(e.rpartition("@")[2]) in domains for e in emails)


@lru_cache(maxsize=KEPT)
def _registrable(domain: str) -> str | None:
    return domain_of_email(domain)


def _company(a: NormalizedLead, b: NormalizedLead) -> Level | None:
    if a.uscc and b.uscc:
        return _USCC_EQUAL if a.uscc == b.uscc else _USCC_DIFFERENT
    if not a.company_core or not b.company_core:
        return None
    if a.company_core == b.company_core:
        return _CORE_EQUAL
    same_trade = bool(a.company_trade_name) and a.company_trade_name == b.company_trade_name
    if same_trade and a.company_branch != b.company_branch:
        return _BRANCH_OF
    if same_trade and a.company_trade_name in (a.company_core, b.company_core):
        # One side left the industry words out (字节跳动 / 字节跳动科技); two different
        # industry words (Fulton Solutions / Fulton Logistics) are two companies.
        return _CORE_EQUAL
    similarity = _ratio(a.company_core, b.company_core)
    if similarity >= COMPANY_SIMILAR and a.company_branch == b.company_branch:
        return Level("core_similar", similarity)
    return Level("different", similarity)


def _name(a: NormalizedLead, b: NormalizedLead) -> Level | None:
    if not a.name_key or not b.name_key or _junk_name(a) or _junk_name(b):
        return None
    if a.name_key == b.name_key:
        nick = (a.first_name or "").casefold() != (b.first_name or "").casefold()
        latin = a.name_script == b.name_script == "latin"
        return _NICKNAME if nick and latin else _EXACT
    if a.name_pinyin and a.name_pinyin == b.name_pinyin:
        return _CROSS_SCRIPT
    parts = _name_parts(a, b)
    scores = _part_scores(parts)
    similarity = max(
        JaroWinkler.normalized_similarity(a.name_key, b.name_key), _parts_similarity(scores)
    )
    if a.name_pinyin and b.name_pinyin:
        similarity = max(
            similarity, JaroWinkler.normalized_similarity(a.name_pinyin, b.name_pinyin)
        )
    if similarity >= NAME_SIMILAR:
        return Level("similar", similarity)
    if _initials_agree(parts):
        return Level("initials", similarity)
    if _half_agrees(a.name_key, b.name_key):
        return Level("partial", similarity)
    return Level(_one_part(a, b, parts, scores) or "different", similarity)


_Parts = tuple[str, str, str, str]
_Scores = tuple[float, float, float, float]
"""Jaro-Winkler of given with given, family with family, given with family, family with
given: both the similarity and the one-part levels read them, so each is computed once."""


def _part_scores(parts: _Parts | None) -> _Scores | None:
    if parts is None:
        return None
    first_a, last_a, first_b, last_b = parts
    return _jw(first_a, first_b), _jw(last_a, last_b), _jw(first_a, last_b), _jw(last_a, first_b)


def _parts_similarity(scores: _Scores | None) -> float:
    """Given and family names compared one to one, in the better of the two orders.

    A typo in one part of `Lydia Mccarthy` moves a whole-string score more than it
    should, and forms filled in reverse put the family name first.
    """
    if scores is None:
        return 0.0
    firsts, lasts, first_last, last_first = scores
    return max(firsts + lasts, first_last + last_first) / 2


def _one_part(
    a: NormalizedLead, b: NormalizedLead, parts: _Parts | None, scores: _Scores | None
) -> str | None:
    """One name part agrees and the other does not: `given_only` (Olivia Wheatley / Olivia
    Winfield: a family name changed) or `family_only` (Tate / Jack Broadby: relatives, or a
    given name replaced), None when neither part agrees.

    Agreeing given names count only when both records' order is known; a Latin name that
    reads as pinyin (Zhang Wei) may be written family name first, so there, and when the
    agreeing parts sit crossed, the agreement is read as the weaker `family_only`.
    """
    if parts is None or scores is None:
        return None
    first_a, last_a, first_b, last_b = parts
    firsts, lasts, first_last, last_first = scores
    if _part_agrees(last_a, last_b, lasts):
        return "family_only"
    if _part_agrees(first_a, first_b, firsts):
        return "given_only" if _order_known(a) and _order_known(b) else "family_only"
    if _part_agrees(first_a, last_b, first_last) or _part_agrees(last_a, first_b, last_first):
        return "family_only"
    return None


def _name_parts(a: NormalizedLead, b: NormalizedLead) -> _Parts | None:
    """Both records' given and family names, casefolded; None unless both have both."""
    if not (a.first_name and a.last_name and b.first_name and b.last_name):
        return None
    return (
        a.first_name.casefold(),
        a.last_name.casefold(),
        b.first_name.casefold(),
        b.last_name.casefold(),
    )


def _part_agrees(a: str, b: str, similarity: float) -> bool:
    """Equal, alike (`similarity`: their Jaro-Winkler) or one a nickname of the other."""
    return a == b or similarity >= NAME_SIMILAR or nickname_root(a) == nickname_root(b)


def _order_known(lead: NormalizedLead) -> bool:
    """Which part is the family name: in Han script always, in Latin unless it reads as pinyin."""
    return lead.name_script == "han" or (lead.name_script == "latin" and not lead.name_pinyin)


def _jw(a: str, b: str) -> float:
    return JaroWinkler.normalized_similarity(a, b)


def _junk_email(address: str) -> bool:
    """A placeholder mailbox (123@123.com, test@test.com) says nothing about who typed it.

    `junk.junk_email` keeps its answers per mailbox, as `junk.junk_name` does per name: a
    check compares one lead with up to 50 candidates, and the same few values come back.
    """
    local, _, domain = address.rpartition("@")
    return junk.junk_email(local, domain) is not None


def _junk_name(lead: NormalizedLead) -> bool:
    return bool(lead.name and junk.junk_name(lead.name) is not None)


@lru_cache(maxsize=KEPT)
def _junk_phone(e164: str) -> bool:
    return junk.junk_phone(e164) is not None


def _half_agrees(a: str, b: str) -> bool:
    """One name part agrees, the other is missing on one side: `Donaldson` / `Matt Donaldson`."""
    words_a, words_b = set(a.split()), set(b.split())
    return bool(words_a & words_b) and (words_a <= words_b or words_b <= words_a)


def _initials_agree(parts: _Parts | None) -> bool:
    """`J. Smith` and `John Smith`: family names equal, one given name an initial of the other."""
    if parts is None:
        return False
    first_a, last_a, first_b, last_b = parts
    if last_a != last_b:
        return False
    short, long = sorted(
        (nickname_root(first_a.rstrip(".")), nickname_root(first_b.rstrip("."))), key=len
    )
    return len(short) == 1 and long.startswith(short)


def _website(a: NormalizedLead, b: NormalizedLead) -> Level | None:
    domains_a = {d for d in (a.website, *a.email_domains) if d}
    domains_b = {d for d in (b.website, *b.email_domains) if d}
    if not domains_a or not domains_b:
        return None
    return _EQUAL if domains_a & domains_b else _DIFFERENT


def _address(a: NormalizedLead, b: NormalizedLead) -> Level | None:
    if not a.address_key or not b.address_key:
        return None
    if a.address_key == b.address_key:
        return _EXACT
    similarity = token_set_ratio(a.address or "", b.address or "") / 100
    similarity = max(similarity, _ratio(a.address_key, b.address_key))
    return Level("similar" if similarity >= ADDRESS_SIMILAR else "different", similarity)


def _city(a: NormalizedLead, b: NormalizedLead) -> Level | None:
    """A city typed with a slip (`leeton` / `leetoh`, `brown hill` / `brownhill`) is `similar`,
    not a disagreement; two towns' names (`上海` / `上饶`, `Newark` / `Newport`) stay apart."""
    if not a.city or not b.city:
        return None
    left, right = a.city.casefold(), b.city.casefold()
    if left == right:
        return _EQUAL
    similarity = _jw(left, right)
    return Level("similar" if similarity >= CITY_SIMILAR else "different", similarity)


def _postcode(a: NormalizedLead, b: NormalizedLead) -> Level | None:
    """One digit wrong or two swapped (2612 / 2621) is `one_edit`: a typing slip, or the
    next district's code, so it weighs little either way where `different` weighs against."""
    if not a.postcode or not b.postcode:
        return None
    left, right = (_compact(p) for p in (a.postcode, b.postcode))
    if left == right:
        return _EQUAL
    similarity = _ratio(left, right)
    near = Levenshtein.distance(left, right) <= 1 or _transposed(left, right)
    return Level("one_edit" if near else "different", similarity)


def _compact(text: str) -> str:
    return "".join(text.split()).casefold()


def _attribute(left: object, right: object, kind: str) -> Level | None:
    if left is None or right is None or left == "" or right == "":
        return None
    if kind == "number":
        return _number(left, right)
    a, b = str(left).strip().casefold(), str(right).strip().casefold()
    if kind == "date":
        a, b = "".join(c for c in a if c.isdigit()), "".join(c for c in b if c.isdigit())
    if a == b:
        return _EXACT
    if kind in ("date", "id"):
        near = Levenshtein.distance(a, b) <= 1 or _transposed(a, b)
        return Level("one_edit" if near else "different", _ratio(a, b))
    similarity = JaroWinkler.normalized_similarity(a, b)
    return Level("similar" if similarity >= NAME_SIMILAR else "different", similarity)


def _transposed(a: str, b: str) -> bool:
    """Two characters swapped (19560409 / 19560490), the commonest slip in dates and ids."""
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 2 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _number(left: object, right: object) -> Level | None:
    try:
        x, y = float(str(left)), float(str(right))
    except ValueError:
        return None
    if x == y:
        return _EXACT
    close = abs(x - y) <= 0.01 * max(abs(x), abs(y))
    return Level("close" if close else "different", 0.0)


def _ratio(a: str, b: str) -> float:
    return Levenshtein.normalized_similarity(a, b)


Comparator = Callable[[NormalizedLead, NormalizedLead], Level | None]
_COMPARATORS: dict[str, Comparator] = {
    "phone": _phone,
    "email": _email,
    "company": _company,
    "name": _name,
    "website": _website,
    "address": _address,
    "city": _city,
    "postcode": _postcode,
}
FIELDS = tuple(_COMPARATORS)
"""The lead's own fields compared, before any custom attribute."""
