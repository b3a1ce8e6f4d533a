"""A progress bar on standard error, shown only on a terminal (silent in tests, pipes and CI).

>>> import io
>>> bar = Progress(100, "loading", stream=io.StringIO())
>>> bar.enabled
False
>>> bar.update(50); bar.close()
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """``label [#####.....] 45% 45,000/100,000 records 3.1 s``, redrawn at most ten times a second."""

    def __init__(self, total: int | None, label: str, unit: str = "records", stream: TextIO | None = None,
                 enabled: bool | None = None) -> None:
        self.total, self.label, self.unit = total, label, unit
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)()) and not os.environ.get("CI")
        self.enabled = enabled
        self.start = self._last = time.monotonic()
        self.done = 0
        self._width = 0

    def update(self, done: int) -> None:
        """Record that ``done`` items (in all) are done."""
        self.done = done
        now = time.monotonic()
        if self.enabled and (now - self._last >= 0.1 or (self.total and done >= self.total)):
            self._last = now
            self._draw(now)

    def phase(self, label: str, total: int | None = None, unit: str | None = None) -> None:
        """Start another stage with its own label (and total)."""
        self.finish_line()
        self.label, self.total, self.done = label, total, 0
        self.unit = unit or self.unit
        self.start = time.monotonic()
        if self.enabled:
            self._draw(self.start)

    def _draw(self, now: float) -> None:
        elapsed = now - self.start
        if self.total:
            share = min(1.0, self.done / self.total)
            bar = "#" * int(share * 24)
            text = (f"{self.label} [{bar:<24}] {share:4.0%} {self.done:,}/{self.total:,} {self.unit} "
                    f"{elapsed:.1f} s")
        else:
            text = f"{self.label} ... {elapsed:.1f} s"
        padding = " " * max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + padding)
        self.stream.flush()

    def finish_line(self) -> None:
        if self.enabled and self._width:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0

    def close(self) -> None:
        """End the bar's line (nothing happens when the bar is not shown)."""
        self.finish_line()
