"""`privacylint map --format ...`: one DataMap, drawn as markdown, mermaid, dot, html, json or fides."""

from __future__ import annotations

from privacylint.datamap import NO_RECIPIENT, DataMap, InventoryRow

def render_map(data_map: DataMap, fmt: str, title: str = "", link_base: str = "") -> str:
    """`title` names the project; `link_base` prefixes code paths in HTML links (a folder or a URL)."""
    if fmt == "markdown":
        from privacylint.report.map_markdown import render_markdown
        return render_markdown(data_map, title)
    if fmt == "mermaid":
        from privacylint.report.map_mermaid import render_mermaid
        return render_mermaid(data_map)
    if fmt == "dot":
        from privacylint.report.map_dot import render_dot
        return render_dot(data_map, title)
    if fmt == "html":
        from privacylint.report.map_html import render_html
        return render_html(data_map, title, link_base)
    if fmt == "json":
        from privacylint.report.map_json import render_map_json
        return render_map_json(data_map)
    if fmt == "fides":
        from privacylint.fides import render_fides
        return render_fides(data_map, title)
    raise ValueError(f"unknown map format {fmt!r}")


# ----- words every drawing shares -------------------------------------------------------------

def destination(row: InventoryRow) -> str:
    """`facebook`, or what a flow without a recipient reaches: `logs`, `storage`, `unresolved endpoint`."""
    return row.recipient or NO_RECIPIENT[row.sink_kind][0]


def country_text(row: InventoryRow) -> str:
    if row.recipient is None:
        return ""
    text = row.country or "unknown"
    return text + " (cross-border)" if row.cross_border else text


def declared_text(row: InventoryRow) -> str:
    if row.declared is None:
        return "n/a"
    if not row.declared:
        return "no"
    where = f" ({', '.join(row.where)})" if row.where else ""
    return f"yes{where}" if row.seen else f"yes{where}, not seen in the code"
