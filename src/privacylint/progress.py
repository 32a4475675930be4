"""A progress bar on stderr while files are parsed: only on a terminal, and only once a run is slow."""

from __future__ import annotations

import time
from typing import Callable, TextIO


class ProgressBar:
    """Called with (files parsed, files to parse); drawn after `delay` seconds, at most every `interval`."""

    def __init__(self, stream: TextIO, delay: float = 0.5, interval: float = 0.1, width: int = 30,
                 clock: Callable[[], float] = time.monotonic):
        self.stream, self.delay, self.interval, self.width, self.clock = stream, delay, interval, width, clock
        self.started = clock()
        self.drawn_at = 0.0
        self.shown = ""              # the line on screen now, to be cleared

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < self.delay or (done < total and now - self.drawn_at < self.interval):
            return
        filled = self.width * done // total
        line = f"privacylint: parsing [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} files"
        if done == total:
            line = f"privacylint: parsed {total} files; following the data flows"
        self.stream.write("\r" + line.ljust(len(self.shown)))
        self.stream.flush()
        self.shown, self.drawn_at = line, now

    def close(self) -> None:
        """Erase the bar, so that what is printed next starts on a clean line."""
        if self.shown:
            self.stream.write("\r" + " " * len(self.shown) + "\r")
            self.stream.flush()
            self.shown = ""
