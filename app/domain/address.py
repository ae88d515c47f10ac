"""Postal addresses: a clean display form, province, city and district, and a matching key.

Chinese addresses arrive as 北京市海淀区知春路1号, 北京海淀知春路1号 or just 海淀区知春路1号,
often glued together from a form's province/city/district pickers (上海市上海市浦东新区,
北京市市辖区海淀区). The divisions are read from the start of the text with the GB/T 2260
table (full names and short forms, so 广东深圳南山 reads like 广东省深圳市南山区), and the
matching key drops the province and city so that all three writings above meet.

The same table names the region of a credit code (uscc) and the region a company name starts
with (company), which is why those lookups live here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from app.domain.text import PARSED_KEPT, fold, to_simplified

_PROVINCE, _CITY, _DISTRICT = 1, 2, 3


@dataclass(frozen=True, slots=True)
class Address:
    """A parsed address; a division the text does not name (and the context cannot fill) is None."""

    display: str
    province: str | None
    city: str | None
    district: str | None
    key: str


@dataclass(frozen=True, slots=True)
class _Division:
    """One division; `province` and `city` are the keys of the ones it lies in (itself included).

    `prefecture` marks provinces and prefecture-level cities (市), the only places whose short
    form a company name may start with.
    """

    key: str
    name: str
    short: str | None
    level: int
    province: str
    city: str | None
    prefecture: bool


def _lines(name: str) -> list[str]:
    text = files("app.domain").joinpath("data", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _columns(name: str, width: int) -> list[list[str]]:
    rows = [line.split("\t") for line in _lines(name)]
    return [row + [""] * (width - len(row)) for row in rows]


def _is_city_state(name: str) -> bool:
    """Municipalities and SARs are a province and a city at once, with districts right below."""
    return name.endswith(("市", "特别行政区"))


def _division(code: str, name: str, short: str, current: dict[str, str]) -> _Division:
    """Place one current GB/T 2260 code in the province → city → district tree."""
    province = code[:2] + "0000"
    city = code[:4] + "00"
    if code == province:
        return _Division(
            code, name, short or None, _PROVINCE, code, code if _is_city_state(name) else None, True
        )
    if code == city:
        return _Division(code, name, short or None, _CITY, province, code, name.endswith("市"))
    if city in current:
        return _Division(code, name, short or None, _DISTRICT, province, city, False)
    if _is_city_state(current[province]):
        return _Division(code, name, short or None, _DISTRICT, province, province, False)
    # A county-level unit that its province governs directly (仙桃市, 石河子市) acts as a city.
    return _Division(code, name, short or None, _CITY, province, code, False)


def _load_divisions() -> tuple[dict[str, _Division], dict[str, str]]:
    rows = _columns("address_regions.tsv", 4)
    current = {code: name for code, name, _, status in rows if not status}
    table = {
        code: _division(code, name, short, current)
        for code, name, short, status in rows
        if not status
    }
    for parent, name, short in _columns("address_regions_extra.tsv", 3):
        key = f"{parent}:{name}"
        table[key] = _Division(key, name, short or None, _CITY, parent, key, name.endswith("市"))
    former = {code: name for code, name, _, status in rows if status}
    return table, former


_DIVISIONS, _FORMER_NAMES = _load_divisions()
_SHORT_OF = {d.name: d.short for d in _DIVISIONS.values() if d.short}

_Group = tuple[_Division, ...]


def _name_index() -> dict[str, tuple[tuple[_Division, bool], ...]]:
    index: dict[str, list[tuple[_Division, bool]]] = {}
    for division in _DIVISIONS.values():
        index.setdefault(division.name, []).append((division, False))
        if division.short:
            index.setdefault(division.short, []).append((division, True))
    return {name: tuple(hits) for name, hits in index.items()}


def _latin_index() -> dict[str, tuple[_Group, _Division | None]]:
    by_name = {d.name: d for d in _DIVISIONS.values() if d.level <= _CITY}
    found: dict[str, list[_Division]] = {}
    preferred: dict[str, _Division] = {}
    for latin, name, flag in _columns("address_latin_names.tsv", 3):
        found.setdefault(latin, []).append(by_name[name])
        if flag:
            preferred[latin] = by_name[name]
    return {k: (tuple(v), preferred.get(k)) for k, v in found.items()}


_NAMES = _name_index()


def _name_sizes() -> dict[str, tuple[int, ...]]:
    """The name lengths that start with each character, longest first: the scan tries only those."""
    sizes: dict[str, set[int]] = {}
    for name in _NAMES:
        sizes.setdefault(name[0], set()).add(len(name))
    return {first: tuple(sorted(found, reverse=True)) for first, found in sizes.items()}


_NAME_SIZES = _name_sizes()
_LATIN = _latin_index()
_MAX_LATIN_WORDS = max(len(k.split()) for k in _LATIN)
_COUNTRIES = dict(row[:2] for row in _columns("address_countries.tsv", 2))
_HAN_COUNTRIES = tuple(sorted((k for k in _COUNTRIES if not k.isascii()), key=len, reverse=True))
_LATIN_COUNTRIES = {tuple(k.split()): v for k, v in _COUNTRIES.items() if k.isascii()}
_MAX_COUNTRY_WORDS = max(map(len, _LATIN_COUNTRIES))
_FILLERS = tuple(sorted(_lines("address_fillers.txt"), key=len, reverse=True))
_STREET_WORDS = tuple(_lines("address_street_words.txt"))
_LATIN_STREET_WORDS = frozenset(w for w in _STREET_WORDS if w.isascii())
_LATIN_PLACE_WORDS = frozenset(_lines("address_latin_place_words.txt"))
_LATIN_ABBREVIATIONS = dict(row[:2] for row in _columns("address_latin_words.tsv", 2))
_LABELS = _lines("address_labels.txt")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{_HAN}]")
_LABEL = re.compile(rf"^(?:(?:{'|'.join(map(re.escape, _LABELS))})\s*[:：]\s*)+", re.IGNORECASE)
_POSTCODE = re.compile(r"^\d{6}(?!\d)\s*|(?<!\d)\s*(?:邮编|邮政编码)?\s*[:：]?\s*\d{6}$")
_POSTCODE_TOKEN = re.compile(r"\d{6}")
_APOSTROPHES = re.compile("['’‘`]")
_NON_WORD = re.compile(r"[\W_]+")
_LATIN_TOKEN = re.compile(r"[a-z0-9]+")
_DASHES = re.compile(r"[‐‑‒–—―−~～]")
_HAN_PUNCTUATION = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "："})
_AROUND = f"{_HAN}（），；：、。"
_SPACE_AROUND_HAN = re.compile(rf"(?<=[{_AROUND}])\s+(?=[{_AROUND}])")


@dataclass(slots=True)
class _Reading:
    """Divisions read so far from the start of a text, and where each step ended."""

    province: _Division | None = None
    city: _Division | None = None
    district: str | None = None
    prefix_end: int = 0
    end: int = 0
    named: str = ""
    steps: list[tuple[str, int]] = field(default_factory=list)

    @property
    def next_level(self) -> int:
        if self.district:
            return _DISTRICT + 1
        if self.city:
            return _DISTRICT
        return _CITY if self.province else _PROVINCE

    def take(self, group: _Group) -> bool:
        """Record a match; candidates that agree on their province and city still tell those."""
        first = group[0]
        if len({d.name for d in group}) > 1:
            return False
        if all(d.province == first.province for d in group):
            self.province = _DIVISIONS[first.province]
            if first.city is not None and all(d.city == first.city for d in group):
                self.city = _DIVISIONS[first.city]
        if first.level == _DISTRICT:
            self.district = first.name
            return True
        return len(group) == 1


def _accepts(division: _Division, is_short: bool, reading: _Reading, strict: bool) -> bool:
    """Whether a name may be read here as this division.

    Strict reading (company names) takes a short form only for a province or prefecture, or
    for a district after its city: 东方财富 and 长安汽车 are trade names, not 东方市 or 长安区.
    """
    if division.level < reading.next_level:
        return False
    if reading.province is not None and division.province != reading.province.key:
        return False
    if reading.city is not None and division.city != reading.city.key:
        return False
    if strict and is_short and not division.prefecture:
        return division.level == _DISTRICT and reading.city is not None
    return True


def _hits_at(text: str, start: int, reading: _Reading, strict: bool) -> tuple[_Group, int]:
    """The longest name at `start` that fits below what was read; a tie goes to the higher level.

    A short form followed by a street word (南京路, 中山大道) is a street, not the place.
    """
    for size in _NAME_SIZES.get(text[start : start + 1], ()):
        end = start + size
        hits = _NAMES.get(text[start:end]) if end <= len(text) else None
        if not hits:
            continue
        street = text.startswith(_STREET_WORDS, end)
        fits = [
            d for d, short in hits if _accepts(d, short, reading, strict) and not (short and street)
        ]
        if fits:
            top = min(d.level for d in fits)
            return tuple(d for d in fits if d.level == top), end
    return (), start


def _next_hits(text: str, pos: int, reading: _Reading, strict: bool) -> tuple[_Group, int]:
    """A match at `pos`, else after a repeated name (上海市上海市) or a picker filler (市辖区)."""
    group, end = _hits_at(text, pos, reading, strict)
    if group:
        return group, end
    skips = [n for d in (reading.city, reading.province) if d for n in (d.name, d.short) if n]
    for skip in (*skips, *_FILLERS):
        if text.startswith(skip, pos):
            return _hits_at(text, pos + len(skip), reading, strict)
    return (), pos


def _named(reading: _Reading, group: _Group) -> str:
    """The region a prefix names: the province or city written, else the district written.

    广东省深圳市南山区 names 深圳; 浙江省义乌市 names 义乌, not the 金华 it lies in.
    """
    first = group[0]
    if first.level < _DISTRICT:
        return first.short or first.name
    if (
        reading.named
        and reading.city is not None
        and reading.named
        in (
            reading.city.short,
            reading.city.name,
        )
    ):
        return reading.named
    return _SHORT_OF.get(first.name, first.name)


def _read_divisions(
    text: str, start: int = 0, seed: _Reading | None = None, strict: bool = False
) -> _Reading:
    """Province, city and district from the start of a simplified, space-free text."""
    reading = _Reading(prefix_end=start, end=start)
    if seed is not None:
        reading.province, reading.city = seed.province, seed.city
    while reading.next_level <= _DISTRICT:
        group, end = _next_hits(text, reading.end, reading, strict)
        if not group or not reading.take(group):
            break
        reading.named = _named(reading, group)
        reading.end = end
        if group[0].level < _DISTRICT:
            reading.prefix_end = end
        reading.steps.append((reading.named, end))
    return reading


def _strip_country(text: str) -> int:
    """How many leading characters say "China" (中国, 中华人民共和国)."""
    for prefix in _HAN_COUNTRIES:
        if text.startswith(prefix) and len(text) > len(prefix):
            return len(prefix)
    return 0


def _agrees(reading: _Reading, context: _Reading) -> bool:
    if reading.province is None or context.province is None:
        return False
    if reading.province.key != context.province.key:
        return False
    return reading.city is None or context.city is None or reading.city.key == context.city.key


def _han_reading(compact: str, context: _Reading | None) -> tuple[_Reading, str]:
    """Read the divisions, let the lead's city and region settle what is open, build the key."""
    start = _strip_country(compact)
    reading = _read_divisions(compact, start)
    if context is not None and context.province is not None:
        if _agrees(reading, context):
            reading.city = reading.city or context.city
        else:
            seeded = _read_divisions(compact, start, seed=context)
            if seeded.end >= reading.end:
                reading = seeded
    if reading.district:
        district = _SHORT_OF.get(reading.district, reading.district)
        return reading, district + compact[reading.end :]
    return reading, compact[reading.prefix_end :]


def _latin_places(tokens: list[str]) -> tuple[_Division | None, _Division | None, set[int]]:
    """Province and city named in an English address, read from the end where English puts them."""
    province: _Division | None = None
    city: _Division | None = None
    used: set[int] = set()
    i = len(tokens)
    while i > 0:
        size, division = _latin_place_ending_at(tokens, i, province)
        if division is None:
            i -= 1
            continue
        if division.level == _PROVINCE and province is None:
            province = division
        elif division.level == _CITY and city is None:
            city = division
        used.update(range(i - size, i))
        if i < len(tokens) and tokens[i] in _LATIN_PLACE_WORDS:
            used.add(i)
        i -= size
    if city is not None and (province is None or province.key != city.province):
        province = _DIVISIONS[city.province]
    if province is not None and city is None and province.city:
        city = _DIVISIONS[province.city]
    return province, city, used


def _latin_place_ending_at(
    tokens: list[str], end: int, province: _Division | None
) -> tuple[int, _Division | None]:
    if end < len(tokens) and tokens[end] in _LATIN_STREET_WORDS:
        return 0, None
    for size in range(min(_MAX_LATIN_WORDS, end), 0, -1):
        words = tokens[end - size : end]
        found = _LATIN.get(" ".join(words)) or (_LATIN.get("".join(words)) if size > 1 else None)
        if found is not None:
            division = _pick_latin(found, province)
            if division is not None:
                return size, division
    return 0, None


def _pick_latin(
    found: tuple[_Group, _Division | None], province: _Division | None
) -> _Division | None:
    """One spelling, several places (Suzhou): the one in the province said, else the preferred."""
    candidates, preferred = found
    if province is not None:
        inside = [d for d in candidates if d.province == province.key]
        if len(inside) == 1:
            return inside[0]
    if len(candidates) == 1:
        return candidates[0]
    top = [d for d in candidates if d.level == _PROVINCE]
    return preferred or (top[0] if len(top) == 1 else None)


def _latin_reading(folded: str) -> tuple[_Division | None, _Division | None, str]:
    tokens = _LATIN_TOKEN.findall(_APOSTROPHES.sub("", folded.lower()))
    province, city, used = _latin_places(tokens)
    kept = [t for i, t in enumerate(tokens) if i not in used and not _POSTCODE_TOKEN.fullmatch(t)]
    for size in range(min(_MAX_COUNTRY_WORDS, len(kept)), 0, -1):
        if tuple(kept[-size:]) in _LATIN_COUNTRIES:
            kept = kept[:-size]
            break
    return province, city, "".join(_LATIN_ABBREVIATIONS.get(t, t) for t in kept)


def _display(folded: str) -> str:
    folded = _DASHES.sub("-", folded)
    if not _HAN_CHAR.search(folded):
        return folded
    return _SPACE_AROUND_HAN.sub("", folded.translate(_HAN_PUNCTUATION))


def _context(city: str | None, region: str | None) -> _Reading | None:
    """What the lead's own city and region fields say, to settle what the address leaves open."""
    reading = _Reading()
    for value in (city, region):
        place = _place(value)
        if place is None or (reading.province and place.province != reading.province.key):
            continue
        reading.province = _DIVISIONS[place.province]
        if reading.city is None and place.city is not None:
            reading.city = _DIVISIONS[place.city]
    return reading if reading.province else None


def _place(value: str | None) -> _Division | None:
    """The one division a short field value names (北京, 深圳市, 昆山, Shenzhen), if unambiguous."""
    folded = fold(value) if value else ""
    if not folded:
        return None
    if not _HAN_CHAR.search(folded):
        province, city, _ = _latin_reading(folded)
        return city or province
    hits = {d.key: d for d, _ in _NAMES.get(_NON_WORD.sub("", to_simplified(folded)), ())}
    if not hits:
        return None
    top_level = min(d.level for d in hits.values())
    top = [d for d in hits.values() if d.level == top_level]
    return top[0] if len(top) == 1 else None


@lru_cache(maxsize=PARSED_KEPT)
def parse_address(
    address: str | None, city: str | None = None, region: str | None = None
) -> Address | None:
    """Parse one address; `city` and `region` (the lead's own fields) settle what it leaves open."""
    if address is None:
        return None
    folded = _LABEL.sub("", fold(address))
    if not any(ch.isalnum() for ch in folded):
        return None
    display = _display(folded)
    bare = _POSTCODE.sub("", folded)
    context = _context(city, region) if city or region else None
    if _HAN_CHAR.search(bare):
        reading, key = _han_reading(_NON_WORD.sub("", to_simplified(bare).lower()), context)
        province, town, district = reading.province, reading.city, reading.district
    else:
        province, town, key = _latin_reading(bare)
        district = None
        if context is not None and (province is None or province == context.province):
            province, town = province or context.province, town or context.city
    return Address(
        display=display,
        province=province.name if province else None,
        city=town.name if town else None,
        district=district,
        key=key,
    )


def canonical_city(value: str | None) -> str | None:
    """The official name of the city a field names (北京, Beijing → 北京市), else the input."""
    folded = fold(value) if value else ""
    if not folded:
        return None
    place = _place(folded)
    if place is None:
        if _HAN_CHAR.search(folded):
            compact = _NON_WORD.sub("", to_simplified(folded))
            reading = _read_divisions(compact)
            if reading.city is not None and reading.end == len(compact):
                return reading.city.name
        return folded
    if place.level == _DISTRICT:
        return place.name if place.name.endswith("市") else folded
    return _DIVISIONS[place.city].name if place.city else folded


def division_name(code: str) -> str | None:
    """The full name of a GB/T 2260 code (440305 → 广东省深圳市南山区), abolished codes included.

    A code the table does not know still names its city or province when those are known.
    """
    if len(code) != 6 or not code.isdigit():
        return None
    parts: list[str] = []
    for level_code in (code[:2] + "0000", code[:4] + "00", code):
        known = _DIVISIONS.get(level_code)
        name = known.name if known else _FORMER_NAMES.get(level_code)
        if name and name not in parts:
            parts.append(name)
    return "".join(parts) or None


def region_prefixes(text: str) -> list[tuple[str, int]]:
    """Where a region prefix of a simplified, space-free company name may end, longest first.

    Each cut comes with the short name of the region it names: 中国 for the country, else the
    city or province (上海市浦东新区 → 上海). Company names try the longest cut that leaves a
    trade name behind.
    """
    start = _strip_country(text)
    cuts = [(_COUNTRIES[text[:start]], start)] if start else []
    cuts.extend(_read_divisions(text, start, strict=True).steps)
    return cuts[::-1]


def region_short_name(text: str) -> str | None:
    """The short name of the one region a whole text names (北京市, Beijing, 中国, China)."""
    lowered = to_simplified(text).lower()
    compact = _NON_WORD.sub("", lowered)
    words = tuple(_LATIN_TOKEN.findall(lowered))
    if words in _LATIN_COUNTRIES:
        return _LATIN_COUNTRIES[words]
    latin = _LATIN.get(" ".join(words))
    if latin is not None:
        division = _pick_latin(latin, None)
        return (division.short or division.name) if division else None
    return _compact_region(compact, strict=False)


def is_major_region(compact: str) -> bool:
    """Whether a simplified, lower-case, space-free text is a country, province or prefecture city.

    Districts and counties do not count: 平安 and 朝阳 also make trade names.
    """
    return _compact_region(compact, strict=True) is not None


def _compact_region(compact: str, strict: bool) -> str | None:
    if compact in _COUNTRIES:
        return _COUNTRIES[compact]
    latin = _LATIN.get(compact)
    if latin is not None:
        division = _pick_latin(latin, None)
        return (division.short or division.name) if division else None
    names = {d.short or d.name for d, _ in _NAMES.get(compact, ()) if d.prefecture or not strict}
    return names.pop() if len(names) == 1 else None


def latin_region_prefix(words: list[str]) -> tuple[str, int] | None:
    """The region an English company name starts with (Beijing Acme → 北京, one word), if any."""
    for size in range(min(max(_MAX_LATIN_WORDS, _MAX_COUNTRY_WORDS), len(words)), 0, -1):
        head = tuple(words[:size])
        if head in _LATIN_COUNTRIES:
            return _LATIN_COUNTRIES[head], size
        found = _LATIN.get(" ".join(head)) or (_LATIN.get("".join(head)) if size > 1 else None)
        division = _pick_latin(found, None) if found else None
        if division is not None:
            return division.short or division.name, size
    return None
