"""The one coordinate system inside privacylint: 1-based lines and columns (reporters convert)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """1-based line and column of the first character; end_column is 1-based and exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int
