"""Survivorship: which values a record keeps when another record is folded into it.

The policy, applied to a record's JSON as received (`raw`) and in canonical
form (`normalized`) alike:

- a non-empty value always beats an empty one (None, "", [], {});
- of two non-empty values the more recent record's wins;
- lists (phone, email and the keys derived from them) are unioned, the more
  recent record's items first, each item once; `phone_kinds` stays parallel to
  `phone`;
- fields derived from one another (a name and its keys, a company and its core
  name, an address and its key) come from the same record, so they never
  disagree;
- `attributes` are merged key by key under the same rule;
- the survivor keeps its own identity (`external_id`, `entity`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

IDENTITY = ("external_id", "entity")
GROUPS: tuple[tuple[str, ...], ...] = (
    ("name", "first_name", "last_name", "name_key", "name_pinyin", "name_script"),
    (
        "company",
        "company_core",
        "company_trade_name",
        "company_legal_form",
        "company_branch",
    ),
    ("uscc", "uscc_region"),
    ("address", "district", "address_key"),
)
LISTS = ("phone", "email", "email_keys", "email_domains")
PARALLEL = {"phone": "phone_kinds"}
MAPS = ("attributes",)
UNKNOWN_KIND = "unknown"

_GROUP_OF = {name: group for group in GROUPS for name in group}


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return False


def survive(
    survivor: Mapping[str, Any], other: Mapping[str, Any], *, other_is_newer: bool
) -> dict[str, Any]:
    """The survivor's record after `other` is folded into it (neither input is changed)."""
    newer, older = (other, survivor) if other_is_newer else (survivor, other)
    result: dict[str, Any] = {}
    done: set[str] = set()
    for name in dict.fromkeys([*survivor, *other]):
        if name in done:
            continue
        if name in IDENTITY:
            if name in survivor:
                result[name] = survivor[name]
            done.add(name)
        elif name in _GROUP_OF:
            group = _GROUP_OF[name]
            source = next(
                (r for r in (newer, older) if any(not is_empty(r.get(g)) for g in group)),
                survivor,
            )
            result.update({g: source[g] for g in group if g in source})
            done.update(group)
        elif name in PARALLEL or name in PARALLEL.values():
            main = name if name in PARALLEL else _main_of(name)
            result.update(_parallel(main, PARALLEL[main], newer, older))
            done.update((main, PARALLEL[main]))
        elif name in LISTS:
            result[name] = _union(_as_list(newer.get(name)), _as_list(older.get(name)))
            done.add(name)
        elif name in MAPS:
            result[name] = _merge_map(newer.get(name), older.get(name))
            done.add(name)
        else:
            result[name] = _pick(name, newer, older)
            done.add(name)
    return result


def _main_of(parallel: str) -> str:
    return next(main for main, side in PARALLEL.items() if side == parallel)


def _pick(name: str, newer: Mapping[str, Any], older: Mapping[str, Any]) -> Any:
    value = newer.get(name)
    if not is_empty(value):
        return value
    return older.get(name, value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _union(*lists: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for items in lists:
        for item in items:
            if not is_empty(item) and item not in seen:
                seen.append(item)
    return seen


def _parallel(
    main: str, side: str, newer: Mapping[str, Any], older: Mapping[str, Any]
) -> dict[str, Any]:
    """Union `main`, keeping `side` (e.g. the kind of each phone) beside its item."""
    pairs: dict[Any, Any] = {}
    has_side = side in newer or side in older
    for record in (newer, older):
        items = _as_list(record.get(main))
        sides = _as_list(record.get(side))
        aligned = len(sides) == len(items)
        for i, item in enumerate(items):
            if not is_empty(item) and item not in pairs:
                pairs[item] = sides[i] if aligned else None
    result: dict[str, Any] = {}
    if main in newer or main in older:
        result[main] = list(pairs)
    if has_side:
        result[side] = [UNKNOWN_KIND if kind is None else kind for kind in pairs.values()]
    return result


def _merge_map(newer: Any, older: Any) -> Any:
    if not isinstance(newer, Mapping) or not isinstance(older, Mapping):
        return older if is_empty(newer) else newer
    merged: dict[str, Any] = {}
    for key in dict.fromkeys([*older, *newer]):
        merged[key] = _pick(key, newer, older)
    return merged
