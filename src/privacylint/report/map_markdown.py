"""`map --format markdown`: the inventory as a table and the diagram as a Mermaid block, for a PR or a wiki."""

from __future__ import annotations

from privacylint.datamap import DataMap
from privacylint.report.map_formats import country_text, declared_text, destination
from privacylint.report.map_mermaid import render_mermaid

HEADER = ("Category", "Recipient", "Kind", "Country", "Purposes", "Declared", "Findings", "Code")


def render_markdown(data_map: DataMap, title: str = "") -> str:
    lines = [f"# Data map{': ' + title if title else ''}", "", summary(data_map), ""]
    if data_map.rows:
        lines += ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    else:
        lines.append("No personal data flows were found, and the manifest declares no recipient.")
    for row in data_map.rows:
        cells = (row.category, destination(row) if row.recipient else f"*{destination(row)}*",
                 row.recipient_kind or row.sink_kind, country_text(row), ", ".join(row.purposes),
                 declared_text(row), " ".join(row.findings), ", ".join(row.locations))
        lines.append("| " + " | ".join(cell(c) for c in cells) + " |")
    lines += ["", "```mermaid", render_mermaid(data_map).rstrip("\n"), "```", ""]
    return "\n".join(lines)


def summary(data_map: DataMap) -> str:
    seen = sum(1 for row in data_map.rows if row.seen)
    parts = [f"{len(data_map.flows)} flow{'s' if len(data_map.flows) != 1 else ''}",
             f"{seen} observed (category, destination) pair{'s' if seen != 1 else ''}"]
    unseen = len(data_map.rows) - seen
    if unseen:
        parts.append(f"{unseen} declared but not seen in the code")
    manifest = f"manifest `{data_map.manifest}`" if data_map.manifest else "no manifest"
    home = f"home countries {', '.join(data_map.home)}" if data_map.home else "home country unknown"
    return f"{'; '.join(parts)}. Against {manifest}; {home}."


def cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
