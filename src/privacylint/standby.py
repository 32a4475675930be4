"""A process started with the command, that imports LibCST while this one loads the rest.

LibCST's import (0.25 s) is half of an editor check in a new process. Started before privacylint's
own imports, the child has LibCST loaded by the time the run knows which files changed; it then
parses those few files (the parse pool takes over when there are many) or is stopped unused.
On Linux it is forked (`ForkedParser`); elsewhere it is a new interpreter (`SpawnedParser`), which
costs that interpreter's start too but still runs beside this one. `PRIVACYLINT_STANDBY` (fork,
spawn or off) overrides the choice. Kept free of heavy imports: starting the child must come first.
"""

from __future__ import annotations

import importlib
import os
import pickle
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Iterator, NoReturn, Optional, Union

PIPE_BYTES = 1 << 20   # asked of Linux for the pipe to the child, so that a send rarely has to wait
STANDBY_MODES = ("fork", "spawn", "off")


class ForkedParser:
    """The child and the two pipes to it: files and the catalog in, what each file gave out."""

    @staticmethod
    def available() -> bool:
        """Only where forking is safe: no thread yet (the language server has some)."""
        return hasattr(os, "fork") and threading.active_count() == 1

    def __init__(self) -> None:
        tasks_end, self._tasks = os.pipe()
        self._answers, answers_end = os.pipe()
        self._unsent = b""
        try:
            self.pid = os.fork()
        except OSError:
            for fd in (tasks_end, self._tasks, self._answers, answers_end):
                os.close(fd)
            raise
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

    def send(self, sources: list, catalog, cache) -> None:
        """Hand over the files to parse (api.SourceFile) without waiting for the child's import to
        end: what the pipe does not take now, `results` writes."""
        data = pickle.dumps((sources, catalog, cache), protocol=pickle.HIGHEST_PROTOCOL)
        os.set_blocking(self._tasks, False)
        try:
            written = os.write(self._tasks, data)
        except OSError:   # full (BlockingIOError), or the child is gone: `results` finds out
            written = 0
        self._unsent = data[written:]

    def results(self) -> list:
        """What each file sent gave (facts, None once stored in the cache, or a PL901 error), in
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
    """The forked child: LibCST's import, then the files it is sent, then a hard exit (nothing of the
    parent's, buffered output or exit handlers, may run twice). Any failure is an early exit, which
    the parent reads as a death: it parses the files itself."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle; it stops us
        api = _import_parser()
        with os.fdopen(tasks, "rb") as stream:
            sources, catalog, cache = pickle.load(stream)
        outcomes = api.facts_of(sources, catalog, cache)
        with os.fdopen(answers, "wb") as stream:
            pickle.dump(outcomes, stream, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)


def _import_parser():
    importlib.import_module("privacylint.extract")   # LibCST: the import this process is here for
    return importlib.import_module("privacylint.api")


class SpawnedParser:
    """The same child as a new interpreter (`python -c`), where forking is not the way (macOS,
    Windows). It reads what it is sent while it imports LibCST, so a send never waits for it."""

    def __init__(self) -> None:
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, "-c", "from privacylint.standby import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))   # no console window on Windows
        self.pid = self.process.pid
        self._writer: Optional[threading.Thread] = None

    @staticmethod
    def available() -> bool:
        """Where sys.executable is a Python that takes -c (not a frozen application)."""
        return bool(sys.executable) and not getattr(sys, "frozen", False)

    def send(self, sources: list, catalog, cache) -> None:
        """Hand over the files to parse; a thread writes them, as the child may not be reading yet."""
        from privacylint import __file__ as origin

        data = pickle.dumps((origin, sources, catalog, cache), protocol=pickle.HIGHEST_PROTOCOL)
        self._writer = threading.Thread(target=self._write, args=(data,), daemon=True)
        self._writer.start()

    def _write(self, data: bytes) -> None:
        try:
            self.process.stdin.write(data)
            self.process.stdin.close()
        except (OSError, ValueError):   # the child is gone: `results` finds out
            pass

    def results(self) -> list:
        """As ForkedParser.results."""
        try:
            if self._writer is not None:
                self._writer.join()
            return pickle.load(self.process.stdout)
        except (OSError, EOFError, pickle.UnpicklingError) as error:
            raise ChildProcessError("the spawned parser died") from error
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child if it still runs, and reap it."""
        if self.pid:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            if self._writer is not None:
                self._writer.join()   # it stops: the pipe has no reader now
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            self.pid = 0


def serve() -> NoReturn:
    """The spawned child: a thread reads the task while LibCST loads; files from another copy of
    privacylint than the parent's are refused (an early exit: the parent parses them)."""
    from privacylint import __file__ as origin

    received: list = []
    reader = threading.Thread(target=lambda: received.append(pickle.load(sys.stdin.buffer)), daemon=True)
    reader.start()
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        api = _import_parser()
        reader.join()
        sender, sources, catalog, cache = received[0]
        if sender == origin:
            outcomes = api.facts_of(sources, catalog, cache)
            sys.stdout.buffer.write(pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL))
            sys.stdout.buffer.flush()
            status = 0
    finally:
        os._exit(status)


StandbyParser = Union[ForkedParser, SpawnedParser]


def standby_mode(jobs: Optional[int], requested: Optional[str]) -> str:
    """fork, spawn or off: off with one job, or when LibCST is loaded already (parsing here costs
    little then); else what was requested (PRIVACYLINT_STANDBY), by default fork on Linux and spawn
    elsewhere, if the platform allows it."""
    if requested is not None and requested not in STANDBY_MODES:
        raise ValueError(f"PRIVACYLINT_STANDBY must be one of {', '.join(STANDBY_MODES)}, not {requested!r}")
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers < 2 or "libcst" in sys.modules:
        return "off"
    mode = requested or ("fork" if sys.platform == "linux" else "spawn")
    if mode == "fork" and not ForkedParser.available() or mode == "spawn" and not SpawnedParser.available():
        return "off"
    return mode


@contextmanager
def standby_parser(mode: str) -> Iterator[Optional[StandbyParser]]:
    """A standby parser started in that mode (none if off, or if it cannot be started), stopped and
    reaped at the end whatever happens."""
    parser: Optional[StandbyParser]
    try:
        parser = ForkedParser() if mode == "fork" else SpawnedParser() if mode == "spawn" else None
    except OSError:   # no process could be started: the few files are parsed here
        parser = None
    try:
        yield parser
    finally:
        if parser is not None:
            parser.close()
