"""Human output: `path:line:col: CODE message`, with the claim broken and, on request, the trace."""

from __future__ import annotations

from privacylint.model import Finding, Location, Report


def render_text(report: Report, show_trace: bool = False) -> str:
    lines: list[str] = []
    for error in report.errors:
        lines.append(f"{error.path}:{error.line}:{error.column}: {error.code} {error.message}")
    for finding in report.findings:
        lines.append(headline(finding))
        if finding.claim_quote or finding.claim_where:
            quote = f'"{finding.claim_quote}" ' if finding.claim_quote else ""
            lines.append(f"    claim: {quote}({finding.claim_where})")
        if finding.flow is not None:
            flow = finding.flow
            lines.append(f"    source: {where(flow.source)} {flow.source.label}")
            if show_trace:
                for step in flow.trace:
                    lines.append(f"    step:   {where(step)} {step.label}")
                lines.append(f"    sink:   {where(flow.sink.location)} {flow.sink.location.label}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def render_concise(report: Report, show_trace: bool = False) -> str:
    lines = [f"{e.path}:{e.line}:{e.column}: {e.code} {e.message}" for e in report.errors]
    lines += [headline(f) for f in report.findings]
    return "\n".join(lines) + ("\n" if lines else "")


def headline(finding: Finding) -> str:
    return f"{where(finding.location)}: {finding.code} {finding.message}"


def where(location: Location) -> str:
    return f"{location.path}:{location.line}:{location.column}"


def summary(report: Report) -> str:
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in report.findings:
        counts[finding.severity] += 1
    total = len(report.findings)
    if total == 0 and not report.errors:
        text = f"No findings in {report.stats.files} files."
    else:
        parts = [f"{n} {name}{'s' if n != 1 else ''}" for name, n in counts.items() if n]
        text = f"Found {total} finding{'s' if total != 1 else ''}"
        text += f" ({', '.join(parts)})" if parts else ""
        text += f" in {report.stats.files} files."
    if report.errors:
        text += f" {len(report.errors)} file{'s' if len(report.errors) != 1 else ''} could not be analysed (PL901)."
    return text
