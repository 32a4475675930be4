"""Errors that stop a run (exit 2). Problems with scanned files are not errors here: they are PL901."""

from __future__ import annotations


class PrivacylintError(Exception):
    """A failure of the run itself: bad configuration, manifest, rules or usage."""


class LocatedError(PrivacylintError):
    """An error in a file we read (manifest, rules, pyproject), with a 1-based line and column."""

    def __init__(self, path: str, line: int, column: int, message: str, hint: str = ""):
        self.path, self.line, self.column, self.message, self.hint = path, line, column, message, hint
        super().__init__(str(self))

    def __str__(self) -> str:
        hint = f"; {self.hint}" if self.hint else ""
        return f"{self.path}:{self.line}:{self.column}: {self.message}{hint}"
