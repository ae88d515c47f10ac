"""Splink's figures on the records leadgate's evaluation uses: a baseline to read ours against.

    pip install -e '.[splink]'   # then `make eval` reports both

Splink (https://github.com/moj-analytical-services/splink) is a Fellegi-Sunter matcher that
trains without labels. It runs here as its documentation recommends for a batch
deduplication, on DuckDB: the records standardised the generic way a Splink user would
(trimmed, NFKC, lowercased; phones reduced to the last nine digits of the first number), one
comparison per field from Splink's comparison library, u estimated by random sampling, the
prior from deterministic rules, m by expectation-maximisation over two blocking rules,
predictions over a few blocking rules, and records clustered (connected components) at match
probability >= THRESHOLD.

It is scored as leadgate's `groups` figure is: records that share a cluster are predicted
pairs (metrics.evaluate_groups). The links before clustering are scored as well
(metrics.evaluate_pairs), because connected components can chain what no link joined.

Nothing here uses leadgate's normalisers or rules, so the figures compare the matchers, not
the same matcher twice. Splink is optional: `available()` says whether it imports, and only
the functions that build and run the model import it, so the conversion and scoring here
run (and are tested) without it.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.evaluation.metrics import evaluate_groups, evaluate_pairs

Record = dict[str, Any]
Row = dict[str, str | None]

MISSING = "splink not installed: pip install -e '.[splink]'"
THRESHOLD = 0.9  # match probability at which two records join one cluster
U_PAIRS = 1e7  # random pairs for u, at most: most of the 12.5 million pairs of 5,000 records
PRIOR_RECALL = 0.7  # the share of true pairs the deterministic rules are assumed to find
PHONE_DIGITS = 9  # the last nine digits drop the country code and trunk 0 however written
_PHONE_SPLIT = re.compile(r"[/,;，；]|转|分机|ext\.?|x(?=\s*\d)|#", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")


def available() -> bool:
    """Whether Splink and its DuckDB backend import, without importing them."""
    return all(importlib.util.find_spec(name) is not None for name in ("splink", "duckdb"))


# --- records → Splink's rows ------------------------------------------------------------------


def clean(value: Any) -> str | None:
    """Text standardised as Splink's docs assume it is: NFKC, lowercased, spaces collapsed;
    None when blank."""
    if not isinstance(value, str):
        return None
    text = " ".join(unicodedata.normalize("NFKC", value).lower().split())
    return text or None


def phone_key(value: Any) -> str | None:
    """The last digits of the first number written: `021-79186712 转380` → `179186712`."""
    text = clean(value)
    if text is None:
        return None
    digits = re.sub(r"\D", "", _PHONE_SPLIT.split(text)[0])
    return digits[-PHONE_DIGITS:] if len(digits) >= 7 else None


def full_name(lead: Mapping[str, Any]) -> str | None:
    """`name`, or the split name joined in its own order: 廖 + 强霞 → 廖强霞, Ann Lee."""
    if lead.get("name"):
        return clean(lead["name"])
    first, last = clean(lead.get("first_name")), clean(lead.get("last_name"))
    if first and last:
        return f"{last}{first}" if _CJK.search(last + first) else f"{first} {last}"
    return first or last


def person_row(lead: Mapping[str, Any]) -> Row:
    """A FEBRL lead (read by app.evaluation.febrl) as FEBRL's own person columns."""
    attributes = lead.get("attributes") or {}
    return {
        "first_name": clean(lead.get("first_name")),
        "surname": clean(lead.get("last_name")),
        "dob": clean(attributes.get("dob")),
        "soc_sec_id": clean(attributes.get("soc_sec_id")),
        "address": clean(lead.get("address")),
        "suburb": clean(lead.get("city")),
        "postcode": clean(lead.get("postcode")),
        "state": clean(lead.get("region")),
    }


def lead_row(lead: Mapping[str, Any]) -> Row:
    """A CRM lead as the fields of the person model (see lead_model for those left out)."""
    email = clean(lead.get("email"))
    return {
        "name": full_name(lead),
        "company": clean(lead.get("company")),
        "email": email.replace(" ", "") if email else None,
        "phone": phone_key(lead.get("phone")),
        "city": clean(lead.get("city")),
    }


def key(i: int) -> str:
    """The record's id in Splink's tables: its place in the set, as the evaluation numbers it."""
    return f"{i:06d}"


def to_rows(records: Sequence[Record], *, people: bool) -> list[Row]:
    """Every record as one row with `unique_id`: FEBRL's columns for people, else a lead's."""
    convert = person_row if people else lead_row
    return [{"unique_id": key(i), **convert(r["lead"])} for i, r in enumerate(records)]


def truth_of(records: Sequence[Record]) -> dict[str, str]:
    return {key(i): str(r["cluster"]) for i, r in enumerate(records)}


def clusters_of(rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Splink's clustered table as record → cluster (every record is a row, singletons too)."""
    return {str(row["unique_id"]): str(row["cluster_id"]) for row in rows}


def links_of(rows: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Splink's predicted pairs (already cut at the threshold) as pairs of record ids."""
    return [(str(row["unique_id_l"]), str(row["unique_id_r"])) for row in rows]


# --- the Splink model -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Model:
    """What Splink is told about one kind of record."""

    comparisons: list[Any]
    prediction_rules: list[Any]
    training_rules: list[Any]  # EM sessions: each estimates m for the fields it does not block on
    deterministic_rules: list[Any]  # near-certain matches, for the prior


def person_model() -> Model:
    """FEBRL people: names fuzzy, date of birth as a date, the identity number exact."""
    import splink.comparison_library as cl  # noqa: PLC0415 - optional extra
    from splink import block_on  # noqa: PLC0415

    return Model(
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y%m%d"),
            cl.ExactMatch("soc_sec_id"),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.LevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("state"),
        ],
        prediction_rules=[
            block_on("soc_sec_id"),
            block_on("dob"),
            block_on("first_name", "surname"),
            block_on("postcode", "first_name"),
            block_on("address"),
        ],
        training_rules=[block_on("first_name", "surname"), block_on("dob")],
        deterministic_rules=[block_on("soc_sec_id"), block_on("first_name", "surname", "dob")],
    )


def lead_model() -> Model:
    """CRM leads: the name and company fuzzy, the email by Splink's email comparison, the rest
    exact. The company's own fields (website, address, postcode, registration number) are left
    out: with them EM learned m = 1.0 for the domain and postcode and matched colleagues (it
    modelled the company, not the person; Splink's docs warn against correlated columns), and
    precision on the generated set was 0.44 against 0.70 without them."""
    import splink.comparison_library as cl  # noqa: PLC0415 - optional extra
    from splink import block_on  # noqa: PLC0415

    return Model(
        comparisons=[
            cl.NameComparison("name"),
            cl.JaroWinklerAtThresholds("company", [0.9, 0.7]),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("city"),
        ],
        prediction_rules=[
            block_on("email"),
            block_on("phone"),
            block_on("name"),
            block_on("company"),
        ],
        training_rules=[block_on("email"), block_on("name")],
        deterministic_rules=[block_on("email"), block_on("name", "company")],
    )


@dataclass(frozen=True, slots=True)
class Output:
    clusters: dict[str, str]
    links: list[tuple[str, str]]
    seconds: float


def run_splink(rows: list[Row], model: Model, *, seed: int) -> Output:
    """Train Splink on the rows without labels, predict, and cluster at THRESHOLD."""
    from splink import DuckDBAPI, Linker, SettingsCreator  # noqa: PLC0415 - optional extra

    start = time.perf_counter()
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=model.comparisons,
        blocking_rules_to_generate_predictions=model.prediction_rules,
        retain_matching_columns=False,
    )
    linker = Linker(db_api.register(rows), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        model.deterministic_rules, recall=PRIOR_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=seed)
    for rule in model.training_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    clusters = clusters_of(clustered.as_record_list())
    links = links_of(predictions.as_record_list())
    return Output(clusters, links, time.perf_counter() - start)


def version() -> str:
    from splink import __version__  # noqa: PLC0415 - optional extra

    return str(__version__)


def evaluate(records: Sequence[Record], *, people: bool, seed: int) -> Record:
    """Splink's clusters and links on these records, scored as leadgate's groups are."""
    output = run_splink(
        to_rows(records, people=people), person_model() if people else lead_model(), seed=seed
    )
    truth = truth_of(records)
    return {
        "version": version(),
        "threshold": THRESHOLD,
        "seconds": round(output.seconds, 2),
        "clusters": evaluate_groups(truth, output.clusters, examples=0).as_dict(),
        "links": evaluate_pairs(truth, output.links, examples=0).as_dict(),
    }
