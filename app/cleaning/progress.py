"""A progress line on stderr: rows done, rows per second and the time left.

Our own few lines rather than tqdm or rich: neither is a dependency of an installed
leadgate. On a terminal the line redraws in place four times a second; in a log
(stderr not a terminal) a line is written every ten seconds instead.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

_WIDTH = 24


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    def __init__(
        self,
        total: int | None,
        *,
        start: int = 0,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.total = total
        self.start = start
        self.done = start
        self._clock = clock
        self._began = clock()
        self._shown = self._began
        self._every = 0.25 if self.live else 10.0

    @property
    def rate(self) -> float:
        elapsed = self._clock() - self._began
        return (self.done - self.start) / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        rate = self.rate
        parts = [f"{self.done:,} rows"]
        if self.total:
            total = max(self.total, self.done)
            share = self.done / total
            filled = round(share * _WIDTH)
            parts = [
                f"{self.done:,}/{total:,} rows",
                f"{share:4.0%}",
                "[" + "#" * filled + "-" * (_WIDTH - filled) + "]",
            ]
        parts.append(f"{rate:,.0f} rows/s")
        if self.total and rate > 0:
            parts.append(f"ETA {_clock(max(self.total - self.done, 0) / rate)}")
        return "  ".join(parts)

    def update(self, done: int) -> None:
        self.done = done
        now = self._clock()
        if now - self._shown >= self._every:
            self._shown = now
            self._show()

    def _show(self) -> None:
        if self.live:
            self.stream.write("\r" + self.line() + "\x1b[K")
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def close(self) -> None:
        self._show()
        if self.live:
            self.stream.write("\n")
        self.stream.flush()
