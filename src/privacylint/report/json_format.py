"""`--format json`: the stable schema of DESIGN.md. Others parse this; change it only additively."""

from __future__ import annotations

import json
from typing import Optional

from privacylint.model import Flow, Location, Report


def render_json(report: Report, show_trace: bool = False) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"


def as_dict(report: Report) -> dict:
    return {
        "version": report.version,
        "manifest": report.manifest,
        "findings": [finding_dict(f) for f in report.findings],
        "flows": [flow_dict(flow, report.flow_codes.get(index, [])) for index, flow in enumerate(report.flows)],
        "errors": [{"code": e.code, "path": e.path, "line": e.line, "column": e.column, "message": e.message}
                   for e in report.errors],
        "stats": {"files": report.stats.files, "lines": report.stats.lines, "seconds": report.stats.seconds,
                  "cached_files": report.stats.cached_files,
                  "unresolved_calls": len(report.stats.unresolved_call_sites),
                  "unresolved_call_sites": [{"path": u.path, "line": u.line, "reason": u.reason}
                                            for u in report.stats.unresolved_call_sites]},
    }


def finding_dict(finding) -> dict:
    location = finding.location
    recipient = finding.recipient
    flow = finding.flow
    return {
        "code": finding.code, "name": finding.name, "severity": finding.severity, "message": finding.message,
        "path": location.path, "line": location.line, "column": location.column,
        "end_line": location.end_line or location.line, "end_column": location.end_column or location.column,
        "category": finding.category,
        "recipient": recipient.id if recipient and finding.code not in ("PL205", "PL402", "PL403") else None,
        "recipient_kind": recipient.kind if recipient else None,
        "country": recipient.country if recipient else None,
        "purpose": finding.purpose,
        "source": place(flow.source) if flow else None,
        "trace": [place(step) for step in flow.trace] if flow else [],
        "claim": {"quote": finding.claim_quote, "where": finding.claim_where} if finding.claim_where else None,
        "fingerprint": finding.fingerprint,
    }


def flow_dict(flow: Flow, codes: list[str]) -> dict:
    recipient = flow.sink.recipient
    return {
        "category": flow.category, "sink_kind": flow.sink.kind,
        "recipient": recipient.id if recipient else None,
        "recipient_kind": recipient.kind if recipient else None,
        "country": recipient.country if recipient else None,
        "purpose": flow.sink.purpose,
        "source": place(flow.source), "sink": place(flow.sink.location),
        "trace": [place(step) for step in flow.trace], "findings": codes,
    }


def place(location: Optional[Location]) -> Optional[dict]:
    if location is None:
        return None
    return {"path": location.path, "line": location.line, "column": location.column, "label": location.label}
