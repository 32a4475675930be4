"""Baselines: record today's findings by fingerprint, so that only new findings fail the build.

Fingerprints ignore line numbers, so a baseline survives edits around the findings it records.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from privacylint import __version__
from privacylint.errors import PrivacylintError
from privacylint.model import Report

BASELINE_VERSION = 1


def write_baseline(report: Report, path: Path) -> None:
    """Every finding of the report; code, path and message are there for the humans reviewing the file."""
    entries = [{"fingerprint": f.fingerprint, "code": f.code, "path": f.location.path, "message": f.message}
               for f in report.findings]
    content = {"version": BASELINE_VERSION, "tool": f"privacylint {__version__}", "findings": entries}
    try:
        path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise PrivacylintError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None


def load_baseline(path: Path) -> frozenset[str]:
    """The fingerprints a baseline file records; a file that is not one stops the run."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PrivacylintError(f"{path}: baseline not found (write one with --write-baseline {path})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PrivacylintError(f"{path}: cannot read the baseline: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        content = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PrivacylintError(f"{path}:{exc.lineno}:{exc.colno}: not a privacylint baseline: {exc.msg}") from None
    if not isinstance(content, dict) or "findings" not in content:
        raise PrivacylintError(f"{path}: not a privacylint baseline (expected an object with 'version' and "
                               "'findings'; write one with --write-baseline)")
    if content.get("version") != BASELINE_VERSION:
        raise PrivacylintError(f"{path}: unsupported baseline version {content.get('version')!r} "
                               f"(this privacylint reads version {BASELINE_VERSION})")
    findings = content["findings"]
    if not isinstance(findings, list):
        raise PrivacylintError(f"{path}: 'findings' must be a list")
    for index, entry in enumerate(findings):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise PrivacylintError(f"{path}: findings[{index}] has no 'fingerprint' string")
    return frozenset(entry["fingerprint"] for entry in findings)


def without_baselined(report: Report, fingerprints: frozenset[str]) -> Report:
    """The report less the findings the baseline knows. File errors (PL901) are never baselined."""
    return replace(report, findings=[f for f in report.findings if f.fingerprint not in fingerprints])
