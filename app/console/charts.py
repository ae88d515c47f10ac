"""The data-quality page's charts as geometry: the templates draw it as inline SVG.

No chart library and no script: each function turns figures into rectangles
and labels in a fixed view box, which the browser scales to the screen. Pure,
so the arithmetic is tested without a browser.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

SERIES = 6
"""Sources drawn in their own colour; the rest are summed as `other`."""


@dataclass(frozen=True, slots=True)
class Ring:
    """A share drawn as a ring: the arc's length out of the circle's."""

    fraction: float | None
    radius: float
    circumference: float
    arc: float


def ring(fraction: float | None, radius: float = 42.0) -> Ring:
    circumference = 2 * math.pi * radius
    share = 0.0 if fraction is None else min(1.0, max(0.0, fraction))
    return Ring(fraction, radius, round(circumference, 2), round(share * circumference, 2))


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: str
    y: float
    width: float
    css: str


@dataclass(frozen=True, slots=True)
class Bars:
    """Horizontal bars, one row each: label, track, bar, value."""

    bars: list[Bar]
    width: float
    height: float
    label_width: float
    track_width: float
    row: float


def bars(
    items: Sequence[tuple[str, float, str, str]],
    *,
    scale: float,
    width: float = 440.0,
    label_width: float = 130.0,
    value_width: float = 50.0,
    row: float = 22.0,
) -> Bars:
    """Rows of (label, value, value shown, css class), each bar `value / scale` of the track."""
    track = width - label_width - value_width
    drawn = [
        Bar(
            label=label,
            value=shown,
            y=i * row,
            width=round(track * min(1.0, max(0.0, value / scale)) if scale > 0 else 0.0, 2),
            css=css,
        )
        for i, (label, value, shown, css) in enumerate(items)
    ]
    return Bars(drawn, width, max(row, len(drawn) * row), label_width, track, row)


@dataclass(frozen=True, slots=True)
class Segment:
    series: int
    """Index into the legend: the colour."""
    y: float
    height: float
    count: int


@dataclass(frozen=True, slots=True)
class Column:
    day: date
    x: float
    total: int
    segments: list[Segment]


@dataclass(frozen=True, slots=True)
class Columns:
    """Stacked columns per day, one colour per source, with a y axis and some day labels."""

    columns: list[Column]
    legend: list[str]
    ticks: list[tuple[float, int]]
    day_labels: list[tuple[float, str]]
    width: float
    height: float
    left: float
    bottom: float
    bar_width: float


def _nice_ceiling(value: int) -> int:
    """The axis top: 1, 2 or 5 times a power of ten, at least `value`."""
    if value <= 1:
        return 1
    power = int(10 ** (len(str(value)) - 1))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _legend(per_source: dict[str | None, int], unnamed: str, other: str) -> list[str | None]:
    ranked = sorted(per_source, key=lambda s: (-per_source[s], s is None, s or ""))
    kept: list[str | None] = list(ranked[:SERIES])
    if len(ranked) > SERIES:
        kept[-1] = other
    return [unnamed if s is None else s for s in kept] if kept else []


def columns(
    counts: Sequence[tuple[date, str | None, int]],
    first: date,
    last: date,
    *,
    unnamed: str = "(none)",
    other: str = "other",
    width: float = 480.0,
    height: float = 200.0,
    left: float = 36.0,
    bottom: float = 24.0,
    top: float = 12.0,
) -> Columns:
    """Records per day and source, every day from `first` to `last` drawn (empty ones too)."""
    days = [first + timedelta(days=i) for i in range(max(0, (last - first).days) + 1)]
    per_source: dict[str | None, int] = {}
    for _, source, n in counts:
        per_source[source] = per_source.get(source, 0) + n
    legend = _legend(per_source, unnamed, other)
    index = {name: i for i, name in enumerate(legend)}
    grid: dict[date, dict[int, int]] = {d: {} for d in days}
    for day, source, n in counts:
        if day not in grid:
            continue
        name = unnamed if source is None else source
        series = index.get(name, index.get(other, len(legend) - 1))
        grid[day][series] = grid[day].get(series, 0) + n
    ceiling = _nice_ceiling(max((sum(v.values()) for v in grid.values()), default=0))
    plot_height = height - bottom - top
    slot = (width - left) / max(1, len(days))
    drawn = []
    for i, day in enumerate(days):
        y = top + plot_height
        segments = []
        for series in sorted(grid[day]):
            h = plot_height * grid[day][series] / ceiling
            y -= h
            segments.append(Segment(series, round(y, 2), round(h, 2), grid[day][series]))
        drawn.append(Column(day, round(left + i * slot, 2), sum(grid[day].values()), segments))
    every = max(1, math.ceil(len(days) / 6))
    return Columns(
        columns=drawn,
        legend=[str(name) for name in legend],
        ticks=[
            (round(top + plot_height * (1 - f), 2), int(ceiling * f))
            for f in ((0, 0.5, 1) if ceiling % 2 == 0 else (0, 1))
        ],
        day_labels=[
            (round(left + i * slot + slot / 2, 2), d.strftime("%m-%d"))
            for i, d in enumerate(days)
            if i % every == 0
        ],
        width=width,
        height=height,
        left=left,
        bottom=bottom,
        bar_width=round(max(1.0, slot * 0.8), 2),
    )
