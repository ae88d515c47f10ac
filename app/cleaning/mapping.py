"""Which column holds which lead field, from headers in Chinese or English, and a row as a lead.

A header is compared in a folded form (NFKC, case-folded, separators and remarks in
brackets dropped: "手机号码(必填)" and "Mobile_Phone" fold to "手机号码" and "mobilephone").
Exact names come first, then a few unambiguous word parts ("联系邮箱" holds "邮箱").
Phone and email take every column that names them (手机 and 座机 both); any other field
its first column, later ones being kept under `attributes` like every unmapped column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from app.cleaning.errors import CleanError
from app.domain.types import Entity, RawLead

LIST_FIELDS = ("phone", "email")
FIELDS = (
    "external_id",
    "entity",
    "name",
    "first_name",
    "last_name",
    "company",
    "uscc",
    "phone",
    "email",
    "website",
    "title",
    "address",
    "city",
    "region",
    "postcode",
    "country",
    "source",
)
ENTITIES = ("lead", "contact", "account")
MAX_LIST_ITEMS = 20
"""As many phones or emails as `/v1/check` takes in one lead."""

SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": (
        "id", "external_id", "crm id", "record id", "lead id", "contact id",
        "编号", "客户编号", "线索编号", "线索id", "客户id", "记录id",
    ),
    "entity": ("entity", "record type", "记录类型"),
    "name": (
        "姓名", "联系人", "联系人姓名", "客户姓名", "名字", "name", "full name", "contact",
        "contact name", "contact person", "lead name",
    ),
    "first_name": ("名", "first name", "given name"),
    "last_name": ("姓", "last name", "surname", "family name"),
    "company": (
        "公司", "公司名称", "公司名", "单位", "单位名称", "工作单位", "企业", "企业名称",
        "客户名称", "所在公司", "company", "company name", "organization", "organisation",
        "account", "account name", "employer",
    ),
    "uscc": (
        "统一社会信用代码", "信用代码", "社会信用代码", "纳税人识别号", "税号", "uscc",
        "credit code", "unified social credit code",
    ),
    "phone": (
        "手机", "手机号", "手机号码", "电话", "电话号码", "座机", "固话", "固定电话", "联系电话",
        "联系方式", "办公电话", "mobile", "mobile phone", "cell", "cell phone", "phone",
        "phone number", "telephone", "tel", "work phone", "office phone", "business phone",
    ),
    "email": (
        "邮箱", "电子邮件", "电子邮箱", "邮件", "邮箱地址", "email", "e-mail", "email address",
        "mail",
    ),
    "website": (
        "网址", "官网", "网站", "公司网址", "公司官网", "website", "web", "url", "homepage",
        "web site",
    ),
    "title": ("职位", "职务", "岗位", "头衔", "title", "job title", "position", "role"),
    "address": (
        "地址", "详细地址", "公司地址", "办公地址", "通讯地址", "联系地址", "address",
        "street", "street address",
    ),
    "city": ("城市", "所在城市", "市", "city", "town"),
    "region": ("省份", "省", "所在省份", "省/直辖市", "地区", "state", "province", "region"),
    "postcode": (
        "邮编", "邮政编码", "postcode", "post code", "postal code", "zip", "zip code",
    ),
    "country": ("国家", "国家/地区", "country"),
    "source": (
        "来源", "线索来源", "客户来源", "渠道", "来源渠道", "source", "lead source", "channel",
    ),
}  # fmt: skip
# Word parts that name one field whatever surrounds them, tried in this order.
PARTS = (
    ("email", ("邮箱", "email", "e-mail")),
    ("uscc", ("信用代码",)),
    ("website", ("网址", "官网", "website")),
    ("phone", ("手机", "电话", "phone", "mobile")),
    ("address", ("地址", "address")),
)

_SEPARATORS = re.compile(r"[\s_\-./:*·、]+")
_REMARK = re.compile(r"\([^)]*\)")


def fold(header: str) -> str:
    """The form headers are compared in."""
    text = unicodedata.normalize("NFKC", header).casefold()
    return _SEPARATORS.sub("", _REMARK.sub("", text)) or _SEPARATORS.sub("", text)


_EXACT = {fold(name): field for field, names in SYNONYMS.items() for name in names}
_PARTS = tuple((field, tuple(fold(p) for p in parts)) for field, parts in PARTS)


def guess(header: str) -> str | None:
    """The lead field a header names, or None."""
    folded = fold(header)
    if folded in _EXACT:
        return _EXACT[folded]
    return next((field for field, parts in _PARTS if any(p in folded for p in parts)), None)


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Field → its columns (several for phone and email), and the columns kept as attributes."""

    fields: dict[str, tuple[str, ...]]
    attributes: tuple[str, ...]

    def describe(self) -> list[str]:
        """One line per column: where it goes (aligned on a terminal, where 汉字 are two wide)."""
        pairs = [(c, field) for field, cols in self.fields.items() for c in cols]
        pairs += [(c, f"attributes.{c}") for c in self.attributes]
        width = max((_display_width(c) for c, _ in pairs), default=0)
        return [f"  {c}{' ' * (width - _display_width(c))}  → {target}" for c, target in pairs]

    def as_json(self) -> dict[str, str]:
        found = {column: field for field, cols in self.fields.items() for column in cols}
        found.update({column: f"attributes.{column}" for column in self.attributes})
        return found

    def lead(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The row as the contract's Lead JSON: what `/v1/check` would have been sent."""
        lead: dict[str, Any] = {}
        for field, columns in self.fields.items():
            values = [v for c in columns for v in _values(row.get(c))]
            if not values:
                continue
            if field in LIST_FIELDS:
                values = values[:MAX_LIST_ITEMS]
                lead[field] = values[0] if len(values) == 1 else values
            elif field == "entity" and values[0] not in ENTITIES:
                continue
            else:
                lead[field] = values[0]
        attributes = {c: row[c] for c in self.attributes if row.get(c) not in (None, "", [], {})}
        nested = attributes.pop("attributes", None)
        if isinstance(nested, dict):
            attributes = {**nested, **attributes}
        elif nested is not None:
            attributes["attributes"] = nested
        if attributes:
            lead["attributes"] = attributes
        return lead


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for item in value for v in _values(item)]
    text = str(value).strip()
    return [text] if text else []


_NOT_SCALAR = frozenset((*LIST_FIELDS, "attributes", "entity"))


def raw_lead(lead: Mapping[str, Any]) -> RawLead:
    """The domain value of a Lead JSON made by `ColumnMap.lead`."""
    data = {k: v for k, v in lead.items() if k not in _NOT_SCALAR}
    return RawLead(
        **data,
        entity=cast(Entity, lead.get("entity", "lead")),
        phone=_as_tuple(lead.get("phone")),
        email=_as_tuple(lead.get("email")),
        attributes=lead.get("attributes", {}),
    )


def _as_tuple(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def parse_overrides(items: Iterable[str]) -> dict[str, str]:
    """`--map FIELD=COLUMN` arguments as field → column."""
    found: dict[str, str] = {}
    for item in items:
        field, sep, column = item.partition("=")
        field = field.strip()
        if not sep or not column.strip():
            raise CleanError(f"--map {item!r}: write it as FIELD=COLUMN, e.g. phone=手机号码")
        if field not in FIELDS:
            raise CleanError(
                f"--map {item!r}: no lead field {field!r}; fields: {', '.join(FIELDS)}"
            )
        found[field] = column.strip()
    return found


def choose(columns: Sequence[str], overrides: Mapping[str, str] | None = None) -> ColumnMap:
    """Map the columns by their headers, then apply `--map` overrides."""
    overrides = dict(overrides or {})
    missing = [c for c in overrides.values() if c not in columns]
    if missing:
        raise CleanError(
            f"--map names no column {missing[0]!r}; the columns are: {', '.join(columns)}"
        )
    forced = set(overrides.values())
    fields: dict[str, list[str]] = {}
    for field, column in overrides.items():
        fields.setdefault(field, []).append(column)
    for column in columns:
        guessed = None if column in forced else guess(column)
        if guessed is None or (guessed in fields and guessed not in LIST_FIELDS):
            continue
        fields.setdefault(guessed, []).append(column)
    taken = {c for cols in fields.values() for c in cols}
    ordered = {f: tuple(fields[f]) for f in FIELDS if f in fields}
    return ColumnMap(ordered, tuple(c for c in columns if c not in taken))
