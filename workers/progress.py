"""Progress for long replays, rebuilds and seeding, on stderr: a bar at a terminal, plain lines otherwise.

Piped into a file or a CI log, a bar redrawn with carriage returns is noise; there each stage gets a line when
it starts and one when it ends, with the same totals the bar would show.
"""

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, label: str, total: int, out: TextIO = sys.stderr) -> None:
        self.label, self.total, self.out = label, max(total, 1), out
        self.done = 0
        self.started = self.shown = time.monotonic()
        self.drawing = out.isatty()
        if not self.drawing:
            self._line(f"{label}: {self.total} events to go")

    def __call__(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self.drawing and (now - self.shown >= 0.1 or self.done >= self.total):  # at most ten times a second
            self.shown = now
            self.out.write(f"\r{self.label} [{self._bar()}] {self._figures(now)}")
            self.out.flush()

    def finish(self) -> None:
        now = time.monotonic()
        if self.drawing:
            self.out.write(f"\r{self.label} [{self._bar()}] {self._figures(now)}\n")
            self.out.flush()
        else:
            self._line(f"{self.label}: done, {self._figures(now)} in {now - self.started:.1f}s")

    def _bar(self) -> str:
        filled = min(WIDTH, WIDTH * self.done // self.total)
        return "#" * filled + "." * (WIDTH - filled)

    def _figures(self, now: float) -> str:
        return f"{self.done}/{self.total} events  {self.done / max(now - self.started, 1e-6):,.0f} events/s"

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()
