"""`map --format dot`: the diagram for Graphviz (`dot -Tsvg`), one cluster per column and per country."""

from __future__ import annotations

from privacylint.datamap import DataMap, MapNode
from privacylint.report.map_mermaid import COLUMNS, GREY, ORANGE, RED


def render_dot(data_map: DataMap, title: str = "") -> str:
    heading = f"Data map: {title}" if title else "Data map"
    lines = ["digraph data_map {",
             f'  graph [rankdir=LR, ranksep=1.4, nodesep=0.2, fontname="Helvetica", fontsize=12, '
             f'labelloc=t, label={quote(heading)}];',
             '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
             f'  edge [color="{GREY}", arrowsize=0.6, fontname="Helvetica"];']
    for subgraph_id, column, title_text in COLUMNS:
        nodes = data_map.column(column)
        if not nodes:
            continue
        lines += [f"  subgraph cluster_{subgraph_id} {{", f"    label={quote(title_text)};",
                  '    style="rounded"; color="#cfd8dc";']
        if column != "recipient":
            lines += [f"    {node_statement(node)}" for node in nodes]
        else:
            by_id = {node.id: node for node in nodes}
            for index, group in enumerate(data_map.groups):
                colour = f'color="{ORANGE}"; bgcolor="#fff3e0";' if group.cross_border else 'color="#b0bec5";'
                lines += [f"    subgraph cluster_group{index} {{", f"      label={quote(group.label)}; {colour}"]
                lines += [f"      {node_statement(by_id[node_id])}" for node_id in group.nodes]
                lines.append("    }")
        lines.append("  }")
    for edge in data_map.edges:
        attributes = []
        if edge.undeclared:
            attributes += [f'color="{RED}"', "penwidth=2"]
        elif edge.findings:
            attributes.append(f'color="{ORANGE}"')
        if edge.cross_border and edge.target.startswith("r"):
            attributes.append("style=dashed")
        if edge.findings and not edge.source.startswith("c"):
            attributes += [f"label={quote(' '.join(edge.findings))}", "fontsize=9"]
        if len(edge.flows) > 1:
            attributes.append(f"weight={len(edge.flows)}")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {edge.source} -> {edge.target}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def node_statement(node: MapNode) -> str:
    label = node.label + (f"\n{node.detail}" if node.detail else "")
    attributes = [f"label={quote(label)}"]
    if node.column == "category":
        attributes.append('fillcolor="#e3f2fd"')
    elif node.column == "module":
        attributes.append('fillcolor="#eceff1"')
    if node.declared is False:
        attributes += [f'color="{RED}"', f'fontcolor="{RED}"', "penwidth=2"]
    if node.faded:
        attributes += ['style="rounded,dashed"', 'color="#b0bec5"', 'fontcolor="#90a4ae"']
    return f"{node.id} [{', '.join(attributes)}];"


def quote(value: str) -> str:
    """A DOT double-quoted string; a newline becomes a centred line break."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
