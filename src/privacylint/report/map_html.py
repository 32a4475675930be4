"""`map --format html`: one self-contained page (no network: styles, script and data inline) with the
diagram as SVG laid out here, the inventory table (sorts, filters by category, recipient and country),
and each flow's trace on click."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from privacylint.datamap import DataMap, MapEdge, MapNode
from privacylint.report.map_formats import destination
from privacylint.report.map_json import map_dict
from privacylint.report.map_markdown import summary

CHAR = 6.5                           # average width of a 12px sans-serif character
SMALL_CHAR = 5.6                     # and of a 10.5px one
NODE_HEIGHT, DETAILED_HEIGHT, NODE_GAP = 26, 38, 8
GROUP_HEADER, GROUP_PAD, GROUP_GAP = 22, 8, 14
COLUMN_GAP, MARGIN, TOP = 150, 16, 40
WIDTHS = {"category": (140, 440), "module": (140, 280), "recipient": (150, 300)}


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


@dataclass
class Layout:
    width: float
    height: float
    nodes: dict[str, Box]
    groups: dict[str, Box]
    columns: dict[str, float]        # column -> x of its left edge


def render_html(data_map: DataMap, title: str = "", link_base: str = "") -> str:
    layout = lay_out(data_map)
    data = map_dict(data_map)
    data["link_base"] = link_base
    page_title = f"Data map: {title}" if title else "Data map"
    replacements = {
        "__TITLE__": escape(page_title),
        "__SUMMARY__": escape(summary(data_map)).replace("`", ""),
        "__SVG__": draw_svg(data_map, layout),
        "__TABLE__": inventory_table(data_map, link_base),
        "__DATA__": json.dumps(data, ensure_ascii=False).replace("<", "\\u003c"),
        "__VERSION__": escape(data_map.version),
    }
    page = PAGE
    for marker, value in replacements.items():
        page = page.replace(marker, value)
    return page


# ----- layout -----------------------------------------------------------------------------------

def lay_out(data_map: DataMap) -> Layout:
    """Three columns; modules and recipients ordered by the mean position of what feeds them."""
    order: dict[str, float] = {}
    for index, node in enumerate(data_map.column("category")):
        order[node.id] = index
    feeders: dict[str, list[str]] = {}
    for edge in data_map.edges:
        feeders.setdefault(edge.target, []).append(edge.source)

    def barycentre(node: MapNode) -> tuple:
        sources = [order[s] for s in feeders.get(node.id, []) if s in order]
        return (sum(sources) / len(sources) if sources else float("inf"), node.label)

    modules = sorted(data_map.column("module"), key=barycentre)
    order.update({node.id: index for index, node in enumerate(modules)})
    recipients = {node.id: node for node in data_map.column("recipient")}
    widths = {column: column_width(data_map.column(column), column) for column in WIDTHS}
    columns = {"category": MARGIN}
    columns["module"] = columns["category"] + widths["category"] + COLUMN_GAP
    columns["recipient"] = columns["module"] + widths["module"] + COLUMN_GAP

    nodes: dict[str, Box] = {}
    y = TOP
    for node in data_map.column("category"):
        nodes[node.id] = Box(columns["category"], y, widths["category"], node_height(node))
        y += node_height(node) + NODE_GAP
    heights = {"category": y - NODE_GAP - TOP}
    y = TOP
    for node in modules:
        nodes[node.id] = Box(columns["module"], y, widths["module"], node_height(node))
        y += node_height(node) + NODE_GAP
    heights["module"] = y - NODE_GAP - TOP
    groups: dict[str, Box] = {}
    y = TOP
    for group in data_map.groups:
        members = sorted((recipients[n] for n in group.nodes), key=barycentre)
        top = y
        y += GROUP_HEADER
        for node in members:
            nodes[node.id] = Box(columns["recipient"] + GROUP_PAD, y, widths["recipient"] - 2 * GROUP_PAD,
                                 node_height(node))
            y += node_height(node) + NODE_GAP
        y += GROUP_PAD - NODE_GAP
        groups[group.id] = Box(columns["recipient"], top, widths["recipient"], y - top)
        y += GROUP_GAP
    heights["recipient"] = max(y - GROUP_GAP - TOP, 0)
    tallest = max(heights.values()) if heights else 0
    for column in ("category", "module"):
        shift = (tallest - heights[column]) / 2
        for node in data_map.column(column):
            box = nodes[node.id]
            nodes[node.id] = Box(box.x, box.y + shift, box.width, box.height)
    width = columns["recipient"] + widths["recipient"] + MARGIN
    return Layout(width, TOP + tallest + MARGIN, nodes, groups, columns)


def column_width(nodes: list[MapNode], column: str) -> float:
    smallest, largest = WIDTHS[column]
    inset = 2 * GROUP_PAD if column == "recipient" else 0
    needed = max([max(len(n.label) * CHAR, len(n.detail) * SMALL_CHAR) + 20 + inset for n in nodes] + [smallest])
    return min(needed, largest)


def node_height(node: MapNode) -> int:
    return DETAILED_HEIGHT if node.detail else NODE_HEIGHT


def fit(text: str, width: float, char: float) -> str:
    room = int((width - 16) / char)
    return text if len(text) <= room else text[:max(room - 1, 1)] + "…"


# ----- drawing ----------------------------------------------------------------------------------

def draw_svg(data_map: DataMap, layout: Layout) -> str:
    parts = [f'<svg id="diagram" viewBox="0 0 {layout.width:.0f} {layout.height:.0f}" '
             f'width="{layout.width:.0f}" height="{layout.height:.0f}" role="img" '
             f'aria-label="Data map: categories, modules and recipients by country" '
             f'xmlns="http://www.w3.org/2000/svg">', MARKERS]
    if not data_map.nodes:
        parts.append(f'<text x="{MARGIN}" y="{TOP}" class="empty">No personal data flows were found.</text>')
    headings = (("category", "Data categories"), ("module", "Modules (where data leaves)"),
                ("recipient", "Recipients by country"))
    for column, text in headings:
        if data_map.column(column):
            parts.append(f'<text class="heading" x="{layout.columns[column]:.0f}" y="{TOP - 16}">{text}</text>')
    for group in data_map.groups:
        box = layout.groups[group.id]
        kind = "cross" if group.cross_border else ("home" if group.cross_border is False else "other")
        note = " · cross-border" if group.cross_border else ""
        parts.append(f'<g class="group {kind}" data-country="{escape(group.id)}" tabindex="0">'
                     f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.width:.0f}" height="{box.height:.0f}" rx="8"/>'
                     f'<text x="{box.x + 10:.0f}" y="{box.y + 15:.0f}">{escape(group.label + note)}</text></g>')
    parts.append('<g class="edges">')
    parts += [draw_edge(index, edge, layout) for index, edge in enumerate(data_map.edges)]
    parts.append("</g>")
    parts += [draw_node(node, layout.nodes[node.id]) for node in data_map.nodes]
    parts.append("</svg>")
    return "\n".join(parts)


MARKERS = "<defs>" + "".join(
    f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
    f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
    for name, colour in (("plain", "#90a4ae"), ("findings", "#ef6c00"), ("undeclared", "#c62828"))) + "</defs>"


def draw_edge(index: int, edge: MapEdge, layout: Layout) -> str:
    start, end = layout.nodes[edge.source], layout.nodes[edge.target]
    x1, y1, x2, y2 = start.x + start.width, start.middle, end.x, end.middle
    bend = (x2 - x1) / 2
    tone = "undeclared" if edge.undeclared else "findings" if edge.findings else "plain"
    crossing = edge.cross_border and not edge.target.startswith("m")
    stroke = 1.5 + min(len(edge.flows) - 1, 5) * 0.7
    tip = f"{len(edge.flows)} flow{'s' if len(edge.flows) != 1 else ''}"
    tip += ", some undeclared" if edge.undeclared else ""
    tip += ", cross-border" if crossing else ""
    tip += f"; findings {' '.join(edge.findings)}" if edge.findings else ""
    return (f'<path class="edge {tone}{" cross" if crossing else ""}" data-edge="{index}" '
            f'data-flows="{flow_list(edge.flows)}" '
            f'd="M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2 - 1:.1f},{y2:.1f}" '
            f'stroke-width="{stroke:.1f}" marker-end="url(#arrow-{tone})"><title>{escape(tip)}</title></path>')


def draw_node(node: MapNode, box: Box) -> str:
    classes = ["node", node.column]
    if node.declared is False:
        classes.append("undeclared")
    if node.faded:
        classes.append("unseen")
    label_y = box.y + (16 if node.detail else 17)
    parts = [f'<g class="{" ".join(classes)}" data-node="{node.id}" data-flows="{flow_list(node.flows)}" '
             f'data-label="{escape(node.label)}" data-country="{escape(node.group)}" tabindex="0">',
             f"<title>{escape(node.label + (chr(10) + node.detail if node.detail else ''))}"
             + (f"{chr(10)}findings: {' '.join(node.findings)}" if node.findings else "") + "</title>",
             f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.width:.0f}" height="{box.height:.0f}" rx="6"/>',
             f'<text x="{box.x + 8:.0f}" y="{label_y:.0f}">{escape(fit(node.label, box.width, CHAR))}</text>']
    if node.detail:
        parts.append(f'<text class="detail" x="{box.x + 8:.0f}" y="{box.y + 30:.0f}">'
                     f"{escape(fit(node.detail, box.width, SMALL_CHAR))}</text>")
    if node.findings:
        badge = str(len(node.findings))
        parts.append(f'<circle class="badge" cx="{box.x + box.width - 2:.0f}" cy="{box.y + 2:.0f}" r="8"/>'
                     f'<text class="badge" x="{box.x + box.width - 2:.0f}" y="{box.y + 6:.0f}">{badge}</text>')
    parts.append("</g>")
    return "".join(parts)


def flow_list(flows: tuple[int, ...]) -> str:
    return " ".join(str(i) for i in flows)


# ----- the inventory table ----------------------------------------------------------------------

HTML_HEADER = ("Category", "Recipient · kind", "Country", "Purposes", "Declared", "Findings", "Code")


def inventory_table(data_map: DataMap, link_base: str) -> str:
    head = "".join(f'<th scope="col" data-column="{i}" tabindex="0" aria-sort="none">{escape(h)}</th>'
                   for i, h in enumerate(HTML_HEADER))
    rows = []
    for row in data_map.rows:
        classes = [c for c, on in (("undeclared", row.declared is False), ("unseen", not row.seen),
                                   ("cross", row.cross_border)) if on]
        country = row.country or ("" if row.sink_kind in ("log", "storage") else "unknown")
        name = escape(destination(row)) if row.recipient else f"<em>{escape(destination(row))}</em>"
        declared = "n/a" if row.declared is None else "yes" if row.declared else "no"
        where = ", ".join(row.where) + ("; not seen in the code" if not row.seen else "")
        cells = [breakable(row.category),
                 f'{name}<small>{escape(row.recipient_kind or "")}</small>',
                 escape(country) + ('<small class="cross">cross-border</small>' if row.cross_border else ""),
                 breakable(", ".join(row.purposes)),
                 f'<span class="declared-{declared.replace("/", "")}">{declared}</span>'
                 + (f"<small>{escape(where)}</small>" if where else ""),
                 " ".join(f'<span class="code">{code}</span>' for code in row.findings),
                 " ".join(code_link(location, link_base) for location in row.locations)]
        rows.append(f'<tr class="{" ".join(classes)}" tabindex="0" data-flows="{flow_list(row.flows)}" '
                    f'data-category="{escape(row.category)}" data-recipient="{escape(destination(row))}" '
                    f'data-country="{escape(country)}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f'<table id="inventory"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def breakable(text: str) -> str:
    """Dotted keys may wrap after a dot."""
    return escape(text).replace(".", ".<wbr>")


def code_link(location: str, link_base: str) -> str:
    path, _, line = location.rpartition(":")
    return (f'<a href="{escape(link_base + path)}#L{escape(line)}">'
            f"{escape(location)}</a>")


PAGE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="privacylint __VERSION__">
<title>__TITLE__</title>
<style>
:root { --red: #c62828; --orange: #ef6c00; --grey: #90a4ae; --ink: #1f2933; --muted: #607d8b; --blue: #1565c0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #f7f9fa; }
header, main { max-width: 1600px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
p.summary { margin: 0 0 10px; color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 18px; margin: 6px 0 10px; font-size: 13px; color: var(--muted); }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.legend svg { overflow: visible; }
.panel { background: #fff; border: 1px solid #dfe5e8; border-radius: 10px; padding: 12px; }
#diagram-panel { overflow-x: auto; }
#diagram { display: block; font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
#diagram .heading { font-size: 13px; font-weight: 600; fill: var(--muted); }
#diagram .empty { fill: var(--muted); }
.node rect { fill: #fff; stroke: #b0bec5; stroke-width: 1; }
.node.category rect { fill: #e3f2fd; stroke: #90caf9; }
.node.module rect { fill: #eceff1; stroke: #b0bec5; }
.node text { fill: var(--ink); }
.node text.detail { font-size: 10.5px; fill: var(--muted); }
.node.undeclared rect { stroke: var(--red); stroke-width: 2; }
.node.undeclared text:not(.detail):not(.badge) { fill: var(--red); font-weight: 600; }
.node.unseen { opacity: 0.45; }
.node.unseen rect { stroke-dasharray: 4 3; }
.node { cursor: pointer; }
.node:focus { outline: none; }
.node:focus rect, .node.selected rect { stroke: var(--blue); stroke-width: 2.5; }
circle.badge { fill: var(--orange); }
text.badge { fill: #fff; font-size: 10px; font-weight: 700; text-anchor: middle; }
.group rect { fill: #fafbfc; stroke: #cfd8dc; }
.group.home rect { fill: #f1f8e9; stroke: #aed581; }
.group.cross rect { fill: #fff3e0; stroke: var(--orange); }
.group text { font-size: 11.5px; font-weight: 600; fill: var(--muted); }
.group.cross text { fill: var(--orange); }
.group { cursor: pointer; }
.edge { fill: none; stroke: var(--grey); opacity: 0.85; cursor: pointer; }
.edge.findings { stroke: var(--orange); }
.edge.undeclared { stroke: var(--red); }
.edge.cross { stroke-dasharray: 7 4; }
.edge:hover { opacity: 1; stroke-width: 4; }
svg.focus .edge:not(.lit), svg.focus .node:not(.lit) { opacity: 0.12; }
svg.focus .edge.lit { opacity: 1; }
.table-wrap { overflow-x: auto; }
.controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 10px; }
.controls label { font-size: 13px; color: var(--muted); }
.controls select { font: inherit; padding: 3px 6px; margin-left: 4px; max-width: 340px; }
button { font: inherit; padding: 3px 10px; border: 1px solid #b0bec5; border-radius: 6px; background: #fff; cursor: pointer; }
#count { color: var(--muted); font-size: 13px; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 380px; gap: 16px; align-items: start; }
@media (max-width: 1200px) { .layout { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; font-size: 13px; background: #fff; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eceff1; vertical-align: top; }
th { position: sticky; top: 0; background: #eef2f4; cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " \25B2"; font-size: 9px; }
th[aria-sort="descending"]::after { content: " \25BC"; font-size: 9px; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: #f5f9ff; }
tbody tr.selected { background: #e3f2fd; }
tr.undeclared td:first-child { box-shadow: inset 3px 0 0 var(--red); }
tr.unseen { color: #90a4ae; }
td em { color: var(--muted); }
.declared-no { color: var(--red); font-weight: 600; }
.declared-yes { color: #2e7d32; }
.declared-na { color: var(--muted); }
td small { display: block; color: var(--muted); font-size: 11.5px; }
td:nth-child(3) { white-space: nowrap; }
td small.cross { color: var(--orange); font-weight: 600; }
tr.cross td:nth-child(3) { color: var(--orange); font-weight: 600; }
td a { display: block; }
span.code { display: inline-block; background: #fff3e0; color: #bf360c; border-radius: 4px; padding: 0 4px;
            margin: 0 2px 2px 0; font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: var(--muted); }
a { color: var(--blue); text-decoration: none; }
a:hover { text-decoration: underline; }
#trace { position: sticky; top: 10px; max-height: calc(100vh - 20px); overflow: auto; }
#trace h3 { font-size: 14px; margin: 0 0 8px; }
#trace .flow { border-top: 1px solid #eceff1; padding: 8px 0; }
#trace .flow h4 { margin: 0 0 4px; font-size: 13px; }
#trace ol { margin: 4px 0 0; padding-left: 20px; font-size: 12.5px; }
#trace li { margin: 2px 0; }
#trace .step-kind { color: var(--muted); display: inline-block; min-width: 44px; }
#trace code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
footer { max-width: 1600px; margin: 18px auto; padding: 0 20px; color: var(--muted); font-size: 12px; }
</style>
</head>
<body>
<header>
<h1>__TITLE__</h1>
<p class="summary">__SUMMARY__</p>
<div class="legend" aria-label="Legend">
<span><svg width="34" height="10"><path d="M0,5 H34" stroke="#90a4ae" stroke-width="2"/></svg>declared</span>
<span><svg width="34" height="10"><path d="M0,5 H34" stroke="#c62828" stroke-width="2"/></svg>undeclared flow</span>
<span><svg width="26" height="14"><rect x="1" y="1" width="24" height="12" rx="3" fill="#fff" stroke="#c62828" stroke-width="2"/></svg>undeclared recipient</span>
<span><svg width="34" height="10"><path d="M0,5 H34" stroke="#ef6c00" stroke-width="2"/></svg>declared, with findings</span>
<span><svg width="34" height="10"><path d="M0,5 H34" stroke="#90a4ae" stroke-width="2" stroke-dasharray="7 4"/></svg>cross-border</span>
<span><svg width="26" height="14"><rect x="1" y="1" width="24" height="12" rx="3" fill="#fff" stroke="#b0bec5" stroke-dasharray="4 3" opacity="0.5"/></svg>declared, not seen in the code</span>
<span><svg width="16" height="16"><circle cx="8" cy="8" r="7" fill="#ef6c00"/></svg>number of finding codes</span>
</div>
</header>
<main>
<section class="panel" id="diagram-panel" aria-label="Diagram">
__SVG__
</section>
<div class="layout">
<section aria-label="Inventory">
<h2>Inventory</h2>
<div class="controls">
<label>Category <select id="filter-category" data-key="category"><option value="">all</option></select></label>
<label>Recipient <select id="filter-recipient" data-key="recipient"><option value="">all</option></select></label>
<label>Country <select id="filter-country" data-key="country"><option value="">all</option></select></label>
<button type="button" id="reset">Show all</button>
<span id="count"></span>
</div>
<div class="table-wrap">__TABLE__</div>
</section>
<aside class="panel" id="trace" aria-live="polite">
<h3>Flows</h3>
<p class="muted">Click a table row, a box or an arrow to see each flow's path from the source to the call where
the data leaves. Escape shows everything again.</p>
<noscript><p>The table and the diagram need no script; sorting, filtering and traces do.</p></noscript>
</aside>
</div>
</main>
<footer>privacylint __VERSION__ · this file is self-contained: it loads nothing from the network.</footer>
<script type="application/json" id="map-data">__DATA__</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var svg = document.getElementById("diagram");
  var table = document.getElementById("inventory");
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var filters = Array.prototype.slice.call(document.querySelectorAll(".controls select"));
  var trace = document.getElementById("trace");
  var intro = trace.innerHTML;

  function flowsOf(element) {
    var text = element.getAttribute("data-flows") || "";
    return text ? text.split(" ").map(Number) : [];
  }

  function fill(select) {
    var key = select.getAttribute("data-key");
    var seen = {};
    rows.forEach(function (row) { seen[row.getAttribute("data-" + key)] = true; });
    Object.keys(seen).filter(Boolean).sort().forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    });
  }

  function applyFilters() {
    var shown = 0;
    var lit = [];
    var active = filters.some(function (s) { return s.value; });
    rows.forEach(function (row) {
      var visible = filters.every(function (select) {
        return !select.value || row.getAttribute("data-" + select.getAttribute("data-key")) === select.value;
      });
      row.hidden = !visible;
      if (visible) { shown += 1; lit = lit.concat(flowsOf(row)); }
    });
    document.getElementById("count").textContent = shown + " of " + rows.length + " rows";
    highlight(active ? lit : null);
  }

  function highlight(flowIds) {
    var items = svg.querySelectorAll(".edge, .node");
    if (!flowIds) {
      svg.classList.remove("focus");
      items.forEach(function (item) { item.classList.remove("lit"); });
      return;
    }
    var wanted = {};
    flowIds.forEach(function (id) { wanted[id] = true; });
    svg.classList.add("focus");
    items.forEach(function (item) {
      var hit = flowsOf(item).some(function (id) { return wanted[id]; });
      item.classList.toggle("lit", hit);
    });
  }

  function link(place) {
    var a = document.createElement("a");
    a.href = data.link_base + place.path + "#L" + place.line;
    a.textContent = place.path + ":" + place.line + ":" + place.column;
    return a;
  }

  function step(list, kind, place) {
    var item = document.createElement("li");
    var label = document.createElement("span");
    label.className = "step-kind";
    label.textContent = kind;
    var code = document.createElement("code");
    code.textContent = place.label;
    item.appendChild(label);
    item.appendChild(link(place));
    item.appendChild(document.createTextNode(" "));
    item.appendChild(code);
    list.appendChild(item);
  }

  function showFlows(heading, flowIds) {
    trace.innerHTML = "";
    var title = document.createElement("h3");
    title.textContent = heading + " (" + flowIds.length + " flow" + (flowIds.length === 1 ? "" : "s") + ")";
    trace.appendChild(title);
    if (!flowIds.length) {
      var none = document.createElement("p");
      none.className = "muted";
      none.textContent = "Declared in the manifest, but the code shows no flow of it.";
      trace.appendChild(none);
    }
    flowIds.forEach(function (id) {
      var flow = data.flows[id];
      var box = document.createElement("div");
      box.className = "flow";
      var name = document.createElement("h4");
      var target = flow.recipient ? flow.recipient + " (" + (flow.country || "country unknown") + ")" : flow.sink_kind;
      name.textContent = flow.category + " \u2192 " + target + (flow.purpose ? " \u00b7 " + flow.purpose : "");
      box.appendChild(name);
      flow.findings.forEach(function (code) {
        var badge = document.createElement("span");
        badge.className = "code";
        badge.textContent = code;
        box.appendChild(badge);
      });
      var list = document.createElement("ol");
      step(list, "source", flow.source);
      flow.trace.forEach(function (place) { step(list, "step", place); });
      step(list, "sink", flow.sink);
      box.appendChild(list);
      trace.appendChild(box);
    });
    highlight(flowIds.length ? flowIds : null);
  }

  function select(element) {
    document.querySelectorAll(".selected").forEach(function (e) { e.classList.remove("selected"); });
    if (element) { element.classList.add("selected"); }
  }

  function setFilters(values) {
    filters.forEach(function (s) { s.value = values[s.getAttribute("data-key")] || ""; });
    applyFilters();
  }

  function activate(handler) {
    return function (event) {
      if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") { return; }
      if (event.target.closest("a")) { return; }
      event.preventDefault();
      handler(event.currentTarget);
    };
  }

  rows.forEach(function (row) {
    var onRow = activate(function (target) {
      select(target);
      var cells = target.cells;
      showFlows(target.getAttribute("data-category") + " \u2192 " + target.getAttribute("data-recipient"),
                flowsOf(target));
    });
    row.addEventListener("click", onRow);
    row.addEventListener("keydown", onRow);
  });

  svg.querySelectorAll(".node").forEach(function (node) {
    var onNode = activate(function (target) {
      select(target);
      var label = target.getAttribute("data-label");
      if (target.classList.contains("category")) {
        setFilters({category: label});
      } else if (target.classList.contains("recipient")) {
        var country = target.getAttribute("data-country");
        setFilters({recipient: label, country: country === "app" ? "" : country});
      }
      showFlows(label, flowsOf(target));
    });
    node.addEventListener("click", onNode);
    node.addEventListener("keydown", onNode);
  });

  svg.querySelectorAll(".edge").forEach(function (edge) {
    edge.addEventListener("click", function () {
      select(null);
      showFlows(edge.querySelector("title").textContent, flowsOf(edge));
    });
  });

  svg.querySelectorAll(".group").forEach(function (group) {
    var onGroup = activate(function (target) {
      var country = target.getAttribute("data-country");
      if (country !== "app") { setFilters({country: country}); }
    });
    group.addEventListener("click", onGroup);
    group.addEventListener("keydown", onGroup);
  });

  table.querySelectorAll("th").forEach(function (th) {
    var onSort = activate(function (target) {
      var column = Number(target.getAttribute("data-column"));
      var ascending = target.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (other) { other.setAttribute("aria-sort", "none"); });
      target.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.cells[column].textContent, y = b.cells[column].textContent;
        var order = x.localeCompare(y, undefined, {numeric: true});
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { tbody.appendChild(row); });
    });
    th.addEventListener("click", onSort);
    th.addEventListener("keydown", onSort);
  });

  filters.forEach(function (s) { fill(s); s.addEventListener("change", applyFilters); });
  document.getElementById("reset").addEventListener("click", function () {
    select(null);
    trace.innerHTML = intro;
    setFilters({});
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { document.getElementById("reset").click(); }
  });
  applyFilters();

  // A link can carry a selection: #category=...&recipient=...&country=...&row=N (the Nth shown row, from 0).
  var wanted = new URLSearchParams(location.hash.slice(1));
  if (wanted.has("category") || wanted.has("recipient") || wanted.has("country")) {
    setFilters({category: wanted.get("category"), recipient: wanted.get("recipient"), country: wanted.get("country")});
  }
  var chosen = rows.filter(function (row) { return !row.hidden; })[Number(wanted.get("row"))];
  if (wanted.has("row") && chosen) { chosen.click(); }
}());
</script>
</body>
</html>
"""
