"""A progress bar for long replays and rebuilds: events done, of how many, and events per second, on stderr."""

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, label: str, total: int, out: TextIO = sys.stderr) -> None:
        self.label, self.total, self.out = label, max(total, 1), out
        self.done = 0
        self.started = self.shown = time.monotonic()

    def __call__(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.shown >= 0.1 or self.done >= self.total:  # redraw at most ten times a second
            self.shown = now
            self._draw(now)

    def finish(self) -> None:
        self._draw(time.monotonic())
        self.out.write("\n")
        self.out.flush()

    def _draw(self, now: float) -> None:
        filled = min(WIDTH, WIDTH * self.done // self.total)
        rate = self.done / max(now - self.started, 1e-6)
        self.out.write(f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] "
                       f"{self.done}/{self.total} events  {rate:,.0f} events/s")
        self.out.flush()
