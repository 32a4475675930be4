"""Reporters turn a Report into text; they never analyse."""

from __future__ import annotations

from privacylint.model import Report
from privacylint.report.json_format import render_json
from privacylint.report.text import render_concise, render_text

FORMATS = {"text": render_text, "concise": render_concise, "json": render_json}


def render(report: Report, fmt: str, show_trace: bool = False) -> str:
    return FORMATS[fmt](report, show_trace=show_trace)
