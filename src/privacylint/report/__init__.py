"""Reporters turn a Report into text; they never analyse."""

from __future__ import annotations

from privacylint.model import Report
from privacylint.report.github import render_github
from privacylint.report.json_format import render_json
from privacylint.report.sarif import render_sarif
from privacylint.report.text import render_concise, render_text

FORMATS = {"text": render_text, "concise": render_concise, "json": render_json, "sarif": render_sarif,
           "github": render_github}
# What CI services read names files from the working directory (the repository root), not the project root.
FROM_WORKING_DIR = {"sarif", "github"}


def render(report: Report, fmt: str, show_trace: bool = False, project_dir: str = "") -> str:
    """`project_dir`: the project root relative to the working directory ("" when they are the same)."""
    if fmt in FROM_WORKING_DIR:
        return FORMATS[fmt](report, show_trace=show_trace, project_dir=project_dir)
    return FORMATS[fmt](report, show_trace=show_trace)
