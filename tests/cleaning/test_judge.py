"""Judging a row: the same decision as `match` over the earlier leads, read from the lead file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from app.cleaning import leads as leads_module
from app.cleaning.judge import Job, judge
from app.cleaning.leads import LeadFile, LeadReader
from app.domain.batch_index import BatchIndex
from app.domain.keys import blocking_keys
from app.domain.match import Stored, match
from app.domain.model import Frequencies
from app.domain.normalize import normalize_lead
from app.domain.policy import DEFAULT_POLICY
from app.domain.types import NormalizedLead, RawLead, normalized_to_dict

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def lead(**fields: Any) -> NormalizedLead:
    normalized, _ = normalize_lead(RawLead(**fields), "CN")
    return normalized


def filed(tmp_path: Path, leads: list[NormalizedLead]) -> tuple[LeadFile, BatchIndex, LeadReader]:
    """The leads in a lead file and a batch index, as the cleaner holds its earlier rows."""
    file = LeadFile(tmp_path / "leads.jsonb")
    index = BatchIndex.for_policy(DEFAULT_POLICY)
    for position, earlier in enumerate(leads):
        index.add(position, blocking_keys(earlier))
        file.append(orjson.dumps(normalized_to_dict(earlier)))
    file.flush()
    return file, index, LeadReader(file.path)


def job(index: BatchIndex, position: int, new: NormalizedLead, **more: Any) -> Job:
    return Job.of(position, (), index.search(blocking_keys(new)), **more)


def test_a_row_is_decided_as_match_decides_over_the_earlier_rows(tmp_path: Path) -> None:
    leads = [
        lead(name="张伟", phone=("13971824503",), company="北京字节跳动科技有限公司"),
        lead(name="李娜", phone=("13760582914",)),
        lead(name="张伟", phone=("+86 139 7182 4503",)),
    ]
    file, index, reader = filed(tmp_path, leads[:2])
    file.append(orjson.dumps(normalized_to_dict(leads[2])))
    file.flush()
    outcome = judge(job(index, 2, leads[2]), reader, DEFAULT_POLICY, NOW)
    keys = blocking_keys(leads[2])
    counts = {k: sum(k in blocking_keys(e) for e in leads[:2]) for k in keys}
    frequencies = Frequencies(counts, records=2)
    direct = match(leads[2], [Stored("0", "lead", leads[0])], DEFAULT_POLICY, frequencies)
    assert (outcome.decision, outcome.rule) == (direct.decision, direct.matches[0].rule)
    assert outcome.probability == round(direct.matches[0].score, 4)
    assert outcome.decision == "duplicate"
    assert (outcome.match_row, outcome.dups) == (1, (0,))


def test_a_stored_candidate_is_weighed_but_is_no_row(tmp_path: Path) -> None:
    new = lead(name="王芳", email=("wang.fang@acme-widgets.com",))
    stored = Stored("5d0c-stored", "lead", lead(name="王芳", email=("Wang.Fang@acme-widgets.com",)))
    _, index, reader = filed(tmp_path, [new])
    outcome = judge(
        job(index, 0, new, stored=(stored,), stored_groups={"5d0c-stored": "g-1"}),
        reader,
        DEFAULT_POLICY,
        NOW,
    )
    assert outcome.decision == "duplicate"
    assert (outcome.match_id, outcome.stored_group) == ("5d0c-stored", "g-1")
    assert (outcome.match_row, outcome.dups) == (None, ())


def test_the_stored_index_s_counts_add_to_the_earlier_rows_own(tmp_path: Path) -> None:
    earlier = lead(name="张伟", phone=("13971824503",))
    new = lead(name="张伟", phone=("13971824503",))
    _, index, reader = filed(tmp_path, [earlier, new])
    index = BatchIndex.for_policy(DEFAULT_POLICY)
    index.add(0, blocking_keys(earlier))
    common = Frequencies({"name:wei zhang": 5000}, records=100_000)
    alone = judge(job(index, 1, new), reader, DEFAULT_POLICY, NOW)
    together = judge(job(index, 1, new, stored_frequencies=common), reader, DEFAULT_POLICY, NOW)
    assert alone.probability is not None and together.probability is not None
    assert together.probability < alone.probability, "a name 5,000 stored records carry"


def test_leads_read_back_from_the_file_are_the_leads_written(tmp_path: Path) -> None:
    leads = [lead(name=f"Lead {n}", phone=(f"1397182450{n}",)) for n in range(5)]
    file, _, _ = filed(tmp_path, leads)
    reader = LeadReader(file.path, kept=2)
    for _ in range(2):  # the second pass reads most of them from the file again
        assert [reader.lead(p) for p in range(5)] == leads


def test_a_reader_opened_early_reads_the_leads_appended_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers open their reader before the first row: every later flush must reach them,
    read a few ends at a time (20 bytes: an end split between two reads) as well as all at once."""
    monkeypatch.setattr(leads_module, "ENDS_READ", 20)
    leads = [lead(name=f"Lead {n}", phone=(f"1397182450{n}",)) for n in range(7)]
    file = LeadFile(tmp_path / "leads.jsonb")
    reader = LeadReader(file.path)
    for position, one in enumerate(leads):
        file.append(orjson.dumps(normalized_to_dict(one)))
        if position % 3 == 2:
            file.flush()
            assert [reader.lead(p) for p in range(position + 1)] == leads[: position + 1]
    with pytest.raises(IndexError):
        reader.lead(6)  # appended, not yet flushed
    file.flush()
    assert reader.lead(6) == leads[6]
