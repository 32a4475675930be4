"""A process forked as the command starts, that imports LibCST while this one loads the rest.

LibCST's import (0.25 s) is half of an editor check in a new process. Forked before privacylint's
own imports, the child has LibCST loaded by the time the run knows which files changed; it then
parses those few files (the parse pool takes over when there are many) or is stopped unused.
Kept free of heavy imports: forking must come first.
"""

from __future__ import annotations

import importlib
import os
import pickle
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Iterator, NoReturn, Optional

PIPE_BYTES = 1 << 20   # asked of Linux for the pipe to the child, so that a send rarely has to wait


class ForkedParser:
    """The child and the two pipes to it: files and the catalog in, what each file gave out."""

    @staticmethod
    def available(jobs: Optional[int]) -> bool:
        """Only where forking is cheap and safe: Linux, a second core, no thread yet (the language
        server has some), and LibCST not loaded yet (else parsing in this process costs little)."""
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        return (workers > 1 and sys.platform == "linux" and "libcst" not in sys.modules
                and threading.active_count() == 1)

    def __init__(self) -> None:
        tasks_end, self._tasks = os.pipe()
        self._answers, answers_end = os.pipe()
        self._unsent = b""
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self._tasks)
            os.close(self._answers)
            _parse_when_asked(tasks_end, answers_end)
        os.close(tasks_end)
        os.close(answers_end)
        try:
            import fcntl

            fcntl.fcntl(self._tasks, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except (ImportError, AttributeError, OSError):   # a smaller pipe: `results` writes the rest
            pass

    def send(self, items: list, catalog, cache) -> None:
        """Hand over (file, content, cache key) items without waiting for the child's import to end:
        what the pipe does not take now, `results` writes."""
        data = pickle.dumps((items, catalog, cache), protocol=pickle.HIGHEST_PROTOCOL)
        os.set_blocking(self._tasks, False)
        try:
            written = os.write(self._tasks, data)
        except OSError:   # full (BlockingIOError), or the child is gone: `results` finds out
            written = 0
        self._unsent = data[written:]

    def results(self) -> list:
        """What each item sent gave (facts, None once stored in the cache, or a PL901 error), in
        order; ChildProcessError if the child died."""
        try:
            os.set_blocking(self._tasks, True)
            with os.fdopen(self._tasks, "wb") as tasks:   # closed: the child reads to the end
                self._tasks = -1
                tasks.write(self._unsent)
            with os.fdopen(self._answers, "rb") as answers:
                self._answers = -1
                return pickle.load(answers)
        except (OSError, EOFError, pickle.UnpicklingError) as error:
            raise ChildProcessError("the forked parser died") from error
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child if it still runs (unused, or the run failed), and reap it."""
        for fd in (self._tasks, self._answers):
            if fd >= 0:
                os.close(fd)
        self._tasks = self._answers = -1
        if self.pid > 0:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0


def _parse_when_asked(tasks: int, answers: int) -> NoReturn:
    """The child: LibCST's import, then the files it is sent, then a hard exit (nothing of the
    parent's, buffered output or exit handlers, may run twice). Any failure is an early exit, which
    the parent reads as a death: it parses the files itself."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle; it stops us
        importlib.import_module("privacylint.extract")   # LibCST: the import this process is here for
        api = importlib.import_module("privacylint.api")
        with os.fdopen(tasks, "rb") as stream:
            items, catalog, cache = pickle.load(stream)
        outcomes = [api.facts_stored(*item, catalog, cache, keep=False) for item in items]
        with os.fdopen(answers, "wb") as stream:
            pickle.dump(outcomes, stream, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)


@contextmanager
def standby_parser(jobs: Optional[int]) -> Iterator[Optional[ForkedParser]]:
    """A ForkedParser where one is available, stopped and reaped at the end whatever happens."""
    parser = ForkedParser() if ForkedParser.available(jobs) else None
    try:
        yield parser
    finally:
        if parser is not None:
            parser.close()
