"""`map --format mermaid`: a `flowchart LR` of categories -> modules -> recipients grouped by country.
Undeclared flows are red, declared ones with findings orange, cross-border hops dashed, and declared
recipients never seen in the code faded."""

from __future__ import annotations

from privacylint.datamap import DataMap, MapNode

COLUMNS = (("categories", "category", "Data categories"), ("modules", "module", "Modules"),
           ("recipients", "recipient", "Recipients by country"))
RED, ORANGE, GREY = "#c62828", "#ef6c00", "#90a4ae"


def render_mermaid(data_map: DataMap) -> str:
    lines = ["flowchart LR"]
    for subgraph_id, column, title in COLUMNS:
        nodes = data_map.column(column)
        if not nodes:
            continue
        lines += [f'  subgraph {subgraph_id}["{text(title)}"]', "    direction TB"]
        if column != "recipient":
            lines += [f"    {node_line(node)}" for node in nodes]
        else:
            by_id = {node.id: node for node in nodes}
            for group in data_map.groups:
                lines += [f'    subgraph g_{group_id(group.id)}["{text(group.label)}"]', "      direction TB"]
                lines += [f"      {node_line(by_id[node_id])}" for node_id in group.nodes]
                lines.append("    end")
        lines.append("  end")
    red_links, orange_links = [], []
    for index, edge in enumerate(data_map.edges):
        arrow = "-.->" if edge.cross_border and edge.target.startswith("r") else "-->"
        label = f'|"{text(" ".join(edge.findings))}"|' if edge.findings and not edge.source.startswith("c") else ""
        lines.append(f"  {edge.source} {arrow}{label} {edge.target}")
        if edge.undeclared:
            red_links.append(str(index))
        elif edge.findings:
            orange_links.append(str(index))
    lines.append(f"  classDef undeclared stroke:{RED},stroke-width:2px,color:{RED}")
    lines.append("  classDef unseen opacity:0.45,stroke-dasharray:4 3")
    lines.append(f"  classDef crossBorder fill:#fff3e0,stroke:{ORANGE}")
    undeclared = [n.id for n in data_map.nodes if n.declared is False]
    unseen = [n.id for n in data_map.nodes if n.faded]
    if undeclared:
        lines.append(f"  class {','.join(undeclared)} undeclared")
    if unseen:
        lines.append(f"  class {','.join(unseen)} unseen")
    crossing = [f"g_{group_id(g.id)}" for g in data_map.groups if g.cross_border]
    if crossing:
        lines.append(f"  class {','.join(crossing)} crossBorder")
    if red_links:
        lines.append(f"  linkStyle {','.join(red_links)} stroke:{RED},stroke-width:2px")
    if orange_links:
        lines.append(f"  linkStyle {','.join(orange_links)} stroke:{ORANGE},stroke-width:1.5px")
    return "\n".join(lines) + "\n"


def node_line(node: MapNode) -> str:
    label = text(node.label) + (f"<br/><small>{text(node.detail)}</small>" if node.detail else "")
    return f'{node.id}["{label}"]'


def group_id(group: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in group)


def text(value: str) -> str:
    """Mermaid quoted labels take entity codes: no raw quotes, brackets or markup from the code."""
    replacements = {"&": "#amp;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "|": "#124;"}
    return "".join(replacements.get(ch, ch) for ch in value)
