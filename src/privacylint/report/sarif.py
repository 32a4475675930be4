"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Rules carry each check's docs; results carry the line-independent fingerprint, the manifest claim as a
related location (linked from the message, which is how GitHub shows it) and the path from source to
sink as a code flow. PL901 file errors are not results but tool execution notifications: errors are
not findings.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Optional
from urllib.parse import quote

from privacylint.checks import CHECKS, UNPARSABLE
from privacylint.model import FileError, Finding, Location, Report

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
ROOT_ID = "%SRCROOT%"                # the directory privacylint ran in: the repository root in CI
FINGERPRINT_KEY = "privacylint/v1"


def render_sarif(report: Report, show_trace: bool = False, project_dir: str = "") -> str:
    """`project_dir`: the project root relative to the working directory ("" when they are the same)."""
    return json.dumps(sarif_log(report, project_dir), indent=2, ensure_ascii=False) + "\n"


def sarif_log(report: Report, project_dir: str = "") -> dict:
    rules = [descriptor(check.code, check.name, check.severity, check.summary, check.why, check.example, check.fix,
                        family=check.__module__.rsplit(".", 1)[-1]) for check in CHECKS]
    rule_index = {rule["id"]: index for index, rule in enumerate(rules)}
    place = Places(project_dir)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "privacylint",
                "version": report.version,
                "semanticVersion": report.version,
                "rules": rules,
                "notifications": [descriptor(**UNPARSABLE)],
            }},
            "invocations": [{
                "executionSuccessful": True,
                "toolExecutionNotifications": [notification(error, place) for error in report.errors],
            }],
            "columnKind": "unicodeCodePoints",
            "results": [result(finding, rule_index[finding.code], place) for finding in report.findings],
        }],
    }


def descriptor(code: str, name: str, severity: str, summary: str, why: str, example: str, fix: str,
               family: Optional[str] = None) -> dict:
    """A reportingDescriptor: the same four parts `privacylint explain` prints."""
    text = f"What it does: {summary}\n\nWhy it matters: {why}\n\nExample:\n    {example}\n\nFix: {fix}"
    markdown = (f"## What it does\n{summary}\n\n## Why it matters\n{why}\n\n## Example\n```\n{example}\n```\n\n"
                f"## Fix\n{fix}")
    rule = {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": f"{summary} {why}"},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[severity]},
    }
    if family is not None:
        rule["properties"] = {"tags": ["privacy", family]}
    return rule


def result(finding: Finding, rule_index: int, place: "Places") -> dict:
    entry: dict = {
        "ruleId": finding.code, "ruleIndex": rule_index, "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": place.physical_at(finding.location)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    if finding.claim_where:
        path, _, line = finding.claim_where.rpartition(":")
        claim = f'claim: "{finding.claim_quote}"' if finding.claim_quote else "the manifest's claim"
        entry["message"]["text"] += f" (the [claim](1) in {place.name(finding.claim_where)})"
        entry["relatedLocations"] = [{"id": 1, "physicalLocation": place.physical(path, int(line)),
                                      "message": {"text": claim}}]
    if finding.flow is not None:
        flow = finding.flow
        steps = [step_location(flow.source, "source", place)]
        steps += [step_location(step, "step", place) for step in flow.trace]
        steps.append(step_location(flow.sink.location, "sink", place))
        entry["codeFlows"] = [{
            "message": {"text": f"{flow.category} from {flow.source.label} to {flow.sink.location.label}"},
            "threadFlows": [{"locations": steps}],
        }]
    properties = {"category": finding.category, "purpose": finding.purpose}
    if finding.recipient is not None:
        properties.update(recipient=finding.recipient.id, recipientKind=finding.recipient.kind,
                          country=finding.recipient.country)
    properties = {key: value for key, value in properties.items() if value is not None}
    if properties:
        entry["properties"] = properties
    return entry


def step_location(location: Location, role: str, place: "Places") -> dict:
    return {"location": {"physicalLocation": place.physical_at(location),
                         "message": {"text": f"{role}: {location.label}"}}}


def notification(error: FileError, place: "Places") -> dict:
    return {"descriptor": {"id": error.code, "index": 0}, "level": "error",
            "message": {"text": error.message},
            "locations": [{"physicalLocation": place.physical(error.path, error.line, error.column)}]}


class Places:
    """Physical locations, named from the working directory (GitHub resolves them from the repository root)."""

    def __init__(self, project_dir: str):
        self.project_dir = project_dir

    def name(self, path: str) -> str:
        return posixpath.join(self.project_dir, path)

    def artifact(self, path: str) -> dict:
        full = self.name(path)
        if full.startswith("/") or re.match(r"[A-Za-z]:/", full):
            return {"uri": "file://" + ("" if full.startswith("/") else "/") + quote(full, safe="/:")}
        return {"uri": quote(full), "uriBaseId": ROOT_ID}

    def physical(self, path: str, line: int, column: int = 0) -> dict:
        region = {"startLine": line}
        if column:
            region["startColumn"] = column
        return {"artifactLocation": self.artifact(path), "region": region}

    def physical_at(self, location: Location) -> dict:
        physical = self.physical(location.path, location.line, location.column)
        if location.end_line:
            physical["region"]["endLine"] = location.end_line
            if location.end_column:
                physical["region"]["endColumn"] = location.end_column
        return physical
