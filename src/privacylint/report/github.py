"""`--format github`: GitHub Actions workflow commands, one annotation per finding or file error."""

from __future__ import annotations

import posixpath

from privacylint.checks import UNPARSABLE
from privacylint.model import Finding, Location, Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def render_github(report: Report, show_trace: bool = False, project_dir: str = "") -> str:
    """`project_dir`: the project root relative to the working directory ("" when they are the same)."""
    lines = []
    for error in report.errors:
        location = Location(error.path, error.line, error.column)
        lines.append(annotation("error", project_dir, location, f"{error.code} {UNPARSABLE['name']}",
                                f"{where(location, project_dir)}: {error.code} {error.message}"))
    for finding in report.findings:
        lines.append(annotation(COMMANDS[finding.severity], project_dir, finding.location,
                                f"{finding.code} {finding.name}", body(finding, show_trace, project_dir)))
    return "".join(line + "\n" for line in lines)


def body(finding: Finding, show_trace: bool, project_dir: str) -> str:
    """What the text format prints for the finding, with paths named from the working directory."""
    def at(location: Location) -> str:
        return where(location, project_dir)

    parts = [f"{at(finding.location)}: {finding.code} {finding.message}"]
    if finding.claim_where:
        quote = f'"{finding.claim_quote}" ' if finding.claim_quote else ""
        parts.append(f"claim: {quote}({posixpath.join(project_dir, finding.claim_where)})")
    if finding.flow is not None:
        flow = finding.flow
        parts.append(f"source: {at(flow.source)} {flow.source.label}")
        if show_trace:
            parts += [f"step:   {at(step)} {step.label}" for step in flow.trace]
            parts.append(f"sink:   {at(flow.sink.location)} {flow.sink.location.label}")
    return "\n".join(parts)


def where(location: Location, project_dir: str) -> str:
    return f"{posixpath.join(project_dir, location.path)}:{location.line}:{location.column}"


def annotation(command: str, project_dir: str, location: Location, title: str, message: str) -> str:
    properties = {"file": posixpath.join(project_dir, location.path), "line": location.line}
    if location.end_line and location.end_line != location.line:
        properties["endLine"] = location.end_line       # GitHub takes columns only within one line
    else:
        properties["col"] = location.column
        if location.end_line and location.end_column:
            properties.update(endLine=location.end_line, endColumn=location.end_column)
    properties["title"] = title
    listed = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{command} {listed}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """As @actions/core does: the message may hold any text, new lines included."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
