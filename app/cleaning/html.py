"""The report as one self-contained HTML page: inline CSS and SVG charts, no script, no font.

Read top to bottom it answers, in order: how bad is it (the headline figures), what is
wrong (issues, completeness), how much repeats (group sizes), where it comes from (per
source), and what it looks like (junk values, samples). Every value from the data is
escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

_BAR_HEIGHT = 22
_LABEL_WIDTH = 150
_CHART_WIDTH = 900
_HALF_WIDTH = 460
_COLORS = {"error": "#c0392b", "warning": "#e67e22", "info": "#7f8c8d"}
_BLUE = "#2e86de"
_LIGHT = "#d6e6f7"
_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",
sans-serif;margin:0;background:#f5f6f8;color:#222}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px}
.muted{color:#666}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border-radius:8px;padding:14px 18px;min-width:150px;flex:1;
box-shadow:0 1px 2px #0001}.card b{display:block;font-size:28px}
.card.bad b{color:#c0392b}.card.warn b{color:#d35400}.card.good b{color:#1e8449}
section{background:#fff;border-radius:8px;padding:8px 20px 16px;margin:16px 0;
box-shadow:0 1px 2px #0001}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{background:#fafafa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media(max-width:760px){.grid{grid-template-columns:1fr}}
svg text{font-size:13px;fill:#333}code{font-size:13px}
"""


def _pct(value: float) -> str:
    return f"{value:.1%}"


def _bars(
    items: Sequence[tuple[str, float, str]],
    *,
    color: str | Sequence[str] = _BLUE,
    scale: float | None = None,
    back: Sequence[float] | None = None,
    width: int = _CHART_WIDTH,
) -> str:
    """A horizontal bar chart: (label, value, text shown after the bar) per row.

    Drawn at its own pixel width (shrunk only on a narrow screen), so its text stays
    the size of the page's.
    """
    if not items:
        return '<p class="muted">none</p>'
    top = scale or max((v for _, v, _ in items), default=0) or 1
    room = width - _LABEL_WIDTH - 200
    height = _BAR_HEIGHT * len(items) + 4
    parts = [
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'style="max-width:100%;height:auto" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value, text) in enumerate(items):
        y = i * _BAR_HEIGHT + 2
        fill = color if isinstance(color, str) else color[i]
        parts.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
        )
        if back is not None:
            parts.append(
                f'<rect x="{_LABEL_WIDTH}" y="{y + 2}" width="{room * back[i] / top:.1f}" '
                f'height="16" fill="{_LIGHT}"/>'
            )
        bar = room * value / top
        parts.append(
            f'<rect x="{_LABEL_WIDTH}" y="{y + 2}" width="{bar:.1f}" height="16" rx="2" '
            f'fill="{fill}"><title>{escape(label)}: {escape(text)}</title></rect>'
        )
        parts.append(f'<text x="{_LABEL_WIDTH + bar + 6:.1f}" y="{y + 15}">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _counts(counts: Mapping[str, int], rows: int) -> str:
    items = [(k, float(v), f"{v:,} ({_pct(v / rows if rows else 0)})") for k, v in counts.items()]
    return _bars(items, width=_HALF_WIDTH)


def _card(label: str, value: str, note: str, tone: str = "") -> str:
    return (
        f'<div class="card {tone}"><span class="muted">{escape(label)}</span>'
        f"<b>{escape(value)}</b><span class=muted>{escape(note)}</span></div>"
    )


def _tone(bad_share: float, warn: float, bad: float) -> str:
    return "bad" if bad_share >= bad else "warn" if bad_share >= warn else "good"


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int]) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = []
    for row in rows:
        tds = "".join(
            f'<td class="n">{escape(str(v))}</td>' if i in numeric else f"<td>{escape(str(v))}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{tds}</tr>")
    return f"<table><tr>{cells}</tr>{''.join(body)}</table>"


def _headline(data: Mapping[str, Any]) -> str:
    t = data["totals"]
    invalid = 1 - t["valid_rate"]
    return (
        '<div class="cards">'
        + "".join(
            (
                _card("rows", f"{t['rows']:,}", f"{t['groups']:,} real people and companies"),
                _card(
                    "valid",
                    _pct(t["valid_rate"]),
                    f"{t['rows'] - t['valid']:,} rows with an error",
                    _tone(invalid, 0.05, 0.2),
                ),
                _card(
                    "duplicates",
                    _pct(t["duplicate_rate"]),
                    f"{t['duplicates']:,} rows repeat an earlier one",
                    _tone(t["duplicate_rate"], 0.05, 0.15),
                ),
                _card(
                    "to review",
                    f"{t['possible_duplicates']:,}",
                    "possible duplicates for a person",
                    _tone(t["possible_duplicates"] / (t["rows"] or 1), 0.02, 0.1),
                ),
                _card(
                    "junk",
                    _pct(t["junk_rate"]),
                    f"{t['junk']:,} test or placeholder rows",
                    _tone(t["junk_rate"], 0.01, 0.05),
                ),
            )
        )
        + "</div>"
    )


def _issues(data: Mapping[str, Any]) -> str:
    issues = data["issues"]
    items = [
        (code, float(v["rows"]), f"{v['rows']:,} ({_pct(v['rate'])})") for code, v in issues.items()
    ]
    colors = [_COLORS.get(v["severity"], _BLUE) for v in issues.values()]
    legend = " ".join(f'<span style="color:{c}">■</span> {escape(s)}' for s, c in _COLORS.items())
    return f"<p class=muted>rows with each issue; {legend}</p>" + _bars(items, color=colors)


def _completeness(data: Mapping[str, Any]) -> str:
    rows = data["totals"]["rows"] or 1
    shown = [(f, v) for f, v in data["completeness"].items() if v["filled"]]
    items = [
        (f, float(v["usable"]), f"usable {_pct(v['usable_rate'])}, filled {_pct(v['filled_rate'])}")
        for f, v in shown
    ]
    back = [float(v["filled"]) for _, v in shown]
    return (
        "<p class=muted>light: rows with the field filled in; dark: rows where it is usable "
        "after cleaning</p>" + _bars(items, scale=rows, back=back)
    )


def _sources(data: Mapping[str, Any]) -> str:
    rows = [
        (
            name,
            f"{s['rows']:,}",
            _pct(s["valid_rate"]),
            _pct(s["duplicate_rate"]),
            f"{s['possible_duplicates']:,}",
            _pct(s["junk_rate"]),
            ", ".join(f"{k} {v:,}" for k, v in list(s["issues"].items())[:3]),
        )
        for name, s in data["by_source"].items()
    ]
    table = _table(
        ("source", "rows", "valid", "duplicates", "to review", "junk", "top issues"),
        rows,
        {1, 2, 3, 4, 5},
    )
    items = [
        (name, s["duplicate_rate"] * 100, _pct(s["duplicate_rate"]))
        for name, s in data["by_source"].items()
    ]
    junk = [
        (name, s["junk_rate"] * 100, _pct(s["junk_rate"])) for name, s in data["by_source"].items()
    ]
    return (
        table
        + '<div class="grid"><div><h3>duplicate rate</h3>'
        + _bars(items, color="#8e44ad", width=_HALF_WIDTH)
        + "</div><div><h3>junk rate</h3>"
        + _bars(junk, color="#e67e22", width=_HALF_WIDTH)
        + "</div></div>"
    )


def _junk(data: Mapping[str, Any]) -> str:
    blocks = []
    for code, values in data["top_junk_values"].items():
        rows = [(v["value"] or "(empty)", f"{v['rows']:,}") for v in values]
        blocks.append(f"<div><h3>{escape(code)}</h3>{_table(('value', 'rows'), rows, {1})}</div>")
    return f'<div class="grid">{"".join(blocks)}</div>' if blocks else '<p class="muted">none</p>'


def _samples(data: Mapping[str, Any]) -> str:
    blocks = []
    for kind, samples in data["samples"].items():
        if kind in ("duplicate", "possible_duplicate"):
            rows = [
                (s["row"], s["match_row"] or s["match_id"], s["rule"], s["lead"]) for s in samples
            ]
            table = _table(("row", "matches", "rule", "lead"), rows, {0})
        else:
            rows = [(s["row"], s["field"], s["value"], s["message"]) for s in samples]
            table = _table(("row", "field", "value", "why"), rows, {0})
        blocks.append(f"<h3>{escape(kind)}</h3>{table}")
    return "".join(blocks) or '<p class="muted">none</p>'


def render(data: Mapping[str, Any]) -> str:
    t = data["totals"]
    rows = t["rows"]
    source = data["input"]
    run = data["run"]
    sizes = [
        (f"{k} row{'s' if k != '1' else ''}", float(v), f"{v:,} groups")
        for k, v in data["group_sizes"].items()
    ]
    sections = [
        (
            "What to do with the rows",
            '<div class="grid"><div><h3>pools</h3>'
            + _counts(data["pools"], rows)
            + "</div><div><h3>grades</h3>"
            + _counts(data["grades"], rows)
            + "</div></div>",
        ),
        ("Issues", _issues(data)),
        ("Completeness per field", _completeness(data)),
        ("How often one person or company repeats", _bars(sizes, color="#16a085")),
        ("By source: which channels bring duplicates and junk", _sources(data)),
        ("Top junk values", _junk(data)),
        ("Samples of each problem", _samples(data)),
    ]
    body = "".join(f"<section><h2>{escape(h)}</h2>{content}</section>" for h, content in sections)
    meta = (
        f"{escape(source['file'])} · {escape(source['format'].upper())}"
        f"{' · ' + escape(source['encoding']) if source.get('encoding') else ''}"
        f" · {rows:,} rows · {run['seconds']} s"
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Data quality: {escape(source['file'])}</title><style>{_CSS}</style></head>"
        f'<body><main><h1>Data quality report</h1><p class="muted">{meta}</p>'
        f"{_headline(data)}{body}</main></body></html>\n"
    )
