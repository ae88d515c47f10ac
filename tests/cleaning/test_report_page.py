"""report.html in a real headless Chromium (Debian's): it renders, self-contained, with its figures.

The page is loaded from disk with the network off, so anything it needed from outside
would be missing. The screenshot lands in artifacts/clean-report.png (gitignored) for a
person to look at. Without /usr/bin/chromium (`make browser` installs it) this skips,
except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
from pathlib import Path

import pytest

from tests.cleaning.helpers import as_row, clean, generated, write_csv
from tests.cleaning.test_clean import small_rows

CHROMIUM = Path(os.environ.get("LEADGATE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

if not CHROMIUM.exists() and os.environ.get("CI") != "true":
    pytest.skip(f"no Chromium at {CHROMIUM} (make browser installs it)", allow_module_level=True)


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--proxy-server=127.0.0.1:9",  # no network: a page needing one shows it
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_report_page_is_self_contained() -> None:
    from app.cleaning.html import render  # noqa: PLC0415

    page = render(
        {
            "input": {"file": "<x>.csv", "format": "csv", "encoding": "utf-8"},
            "run": {"seconds": 1},
            "totals": {
                "rows": 0, "valid": 0, "valid_rate": 0, "duplicates": 0, "duplicate_rate": 0,
                "possible_duplicates": 0, "junk": 0, "junk_rate": 0, "groups": 0,
            },
            "pools": {}, "grades": {}, "issues": {}, "completeness": {}, "group_sizes": {},
            "by_source": {}, "top_junk_values": {}, "samples": {},
        }
    )  # fmt: skip
    assert "&lt;x&gt;.csv" in page and "<x>" not in page
    assert not re.search(r"<script|<link|@import|url\(|src=", page)


async def test_report_renders_in_chromium(tmp_path: Path) -> None:
    rows = small_rows() + [as_row(lead) for lead in generated(120, seed=4)]
    outputs = await clean(write_csv(tmp_path / "leads.csv", rows), tmp_path / "out")
    url = outputs.report_html.as_uri()

    dom = _chromium("--dump-dom", url).stdout
    totals = outputs.report["totals"]
    assert "Data quality report" in dom
    assert f"{totals['rows']:,}" in dom
    assert f"{totals['valid_rate']:.1%}" in dom
    for heading in ("Issues", "Completeness per field", "By source", "Samples of each problem"):
        assert heading in dom
    assert dom.count("<svg") == 7

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "clean-report.png"
    shot.unlink(missing_ok=True)
    _chromium("--window-size=1280,3000", f"--screenshot={shot}", url)
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 3000)
    assert shot.stat().st_size > 50_000  # a blank page of that size compresses far smaller
