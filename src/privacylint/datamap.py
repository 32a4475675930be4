"""The data map: every observed flow beside what the manifest declares, as an inventory (one row per
category and destination) and a three-column diagram (categories -> modules -> recipients by country).
Pure: a Report and a Manifest in, plain data out; the renderers in report/map_*.py only draw it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from privacylint.catalog import Catalog, covers
from privacylint.manifest import DeclaredRecipient, Manifest
from privacylint.model import Flow, Report

NO_RECIPIENT = {"log": ("logs", "the application's logs"),
                "storage": ("storage", "the application's own persistence"),
                "endpoint": ("unresolved endpoint", "an HTTP endpoint whose host is not in the code")}
SINK_ORDER = {"third_party": 0, "endpoint": 1, "log": 2, "storage": 3}
APP_GROUP, UNKNOWN_GROUP = "app", "unknown"


@dataclass(frozen=True)
class InventoryRow:
    """One (category, destination) pair: a recipient in a country, or logs, storage, unresolved endpoints."""

    category: str
    sink_kind: str                   # third_party, endpoint, log, storage
    recipient: Optional[str]         # None for logs, storage and unresolved endpoints
    recipient_name: Optional[str]
    recipient_kind: Optional[str]
    country: Optional[str]           # None: no recipient, or cannot be determined statically
    cross_border: Optional[bool]     # outside the home countries; None when either side is unknown
    purposes: tuple[str, ...]
    declared: Optional[bool]         # None: logs, storage and unresolved endpoints cannot be declared
    where: tuple[str, ...]           # the manifest entries that declare this category for this recipient
    seen: bool                       # False: declared in the manifest, never seen in the code
    findings: tuple[str, ...]
    locations: tuple[str, ...]       # sink calls, path:line
    flows: tuple[int, ...]           # indices into DataMap.flows


@dataclass(frozen=True)
class MapNode:
    id: str
    column: str                      # "category", "module", "recipient"
    label: str
    detail: str
    group: str = ""                  # recipients: a country code, "unknown" or "app"
    faded: bool = False              # declared, never seen in the code
    declared: Optional[bool] = None  # recipients: whether the manifest declares them at all
    undeclared: bool = False         # some flow through this node is undeclared
    cross_border: bool = False
    findings: tuple[str, ...] = ()
    flows: tuple[int, ...] = ()


@dataclass(frozen=True)
class MapEdge:
    source: str
    target: str
    flows: tuple[int, ...]
    undeclared: bool
    cross_border: bool
    findings: tuple[str, ...]


@dataclass(frozen=True)
class CountryGroup:
    id: str                          # a country code, "unknown" or "app"
    label: str
    cross_border: Optional[bool]
    nodes: tuple[str, ...]


@dataclass
class DataMap:
    version: str
    manifest: Optional[str]
    organization: dict
    home: tuple[str, ...]            # allowed countries, else the organization's country; empty: unknown
    rows: list[InventoryRow]
    flows: list[Flow]
    flow_codes: dict[int, tuple[str, ...]]
    nodes: list[MapNode] = field(default_factory=list)
    edges: list[MapEdge] = field(default_factory=list)
    groups: list[CountryGroup] = field(default_factory=list)

    def column(self, name: str) -> list[MapNode]:
        return [node for node in self.nodes if node.column == name]


def build_map(report: Report, manifest: Manifest, catalog: Optional[Catalog] = None,
              show_unseen: bool = True) -> DataMap:
    """`catalog` names countries and expands groups (EU); `show_unseen` lists declarations never seen in the
    code (off when the map covers part of a project)."""
    catalog = catalog or Catalog()
    home = home_countries(manifest, catalog)
    judged = [_judge(flow, manifest, home, catalog) for flow in report.flows]
    codes = {index: tuple(report.flow_codes.get(index, ())) for index in range(len(report.flows))}
    data_map = DataMap(report.version, manifest.path, dict(manifest.organization), tuple(sorted(home)), [],
                       list(report.flows), codes)
    data_map.rows = _seen_rows(report.flows, judged, codes)
    if show_unseen:
        data_map.rows += _unseen_rows(report.flows, manifest, home, catalog)
    data_map.rows.sort(key=lambda r: (r.category, SINK_ORDER[r.sink_kind], r.recipient or "", r.country or "", r.seen))
    _draw(data_map, judged, manifest, catalog, show_unseen)
    return data_map


def home_countries(manifest: Manifest, catalog: Catalog) -> frozenset[str]:
    """Where data is at home: the allowed countries, else the organization's country (groups expanded)."""
    if manifest.transfers is not None:
        return manifest.transfers.allowed
    country = manifest.organization.get("country")
    return catalog.expand_countries([country]) if country else frozenset()


def module_of(path: str) -> str:
    """`shop/integrations/ads.py` -> `shop.integrations.ads` (a src/ layout's `src.` dropped)."""
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    if parts and parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


@dataclass(frozen=True)
class _Judged:
    declared: Optional[bool]
    where: tuple[str, ...]
    cross_border: Optional[bool]


def _judge(flow: Flow, manifest: Manifest, home: frozenset[str], catalog: Catalog) -> _Judged:
    recipient = flow.sink.recipient
    if flow.sink.kind != "third_party" or recipient is None:
        return _Judged(None, (), None)
    entries = [e for e in manifest.entries_for_resolved(recipient) if any(covers(d, flow.category) for d in e.data)]
    return _Judged(bool(entries), tuple(e.claim.where for e in entries),
                   _cross_border(recipient.country, home, catalog))


def _cross_border(country: Optional[str], home: frozenset[str], catalog: Catalog) -> Optional[bool]:
    """As PL301 judges it: a group (EU) is at home only when all its members are."""
    if country is None or not home:
        return None
    return not catalog.expand_countries([country]) <= home


def _destination(flow: Flow) -> tuple:
    recipient = flow.sink.recipient
    if flow.sink.kind == "third_party" and recipient is not None:
        return ("third_party", recipient.id, recipient.country)
    return (flow.sink.kind, None, None)


def _seen_rows(flows: list[Flow], judged: list[_Judged], codes: dict[int, tuple[str, ...]]) -> list[InventoryRow]:
    groups: dict[tuple, list[int]] = {}
    for index, flow in enumerate(flows):
        groups.setdefault((flow.category,) + _destination(flow), []).append(index)
    rows = []
    for (category, sink_kind, recipient_id, country), indices in groups.items():
        first = flows[indices[0]].sink.recipient if recipient_id else None
        declared = [judged[i].declared for i in indices]
        rows.append(InventoryRow(
            category=category, sink_kind=sink_kind, recipient=recipient_id,
            recipient_name=first.name if first else None, recipient_kind=first.kind if first else None,
            country=country, cross_border=judged[indices[0]].cross_border,
            purposes=tuple(sorted({flows[i].sink.purpose for i in indices if flows[i].sink.purpose})),
            declared=None if declared[0] is None else all(declared),
            where=tuple(sorted({w for i in indices for w in judged[i].where}, key=_where_order)),
            seen=True,
            findings=tuple(sorted({code for i in indices for code in codes[i]})),
            locations=tuple(f"{path}:{line}" for path, line in
                            sorted({(flows[i].sink.location.path, flows[i].sink.location.line) for i in indices})),
            flows=tuple(indices)))
    return rows


def _where_order(where: str) -> tuple:
    path, _, line = where.rpartition(":")
    return (path, int(line) if line.isdigit() else 0)


def _reached_by(entry: DeclaredRecipient, flows: list[Flow], manifest: Manifest) -> list[Flow]:
    return [f for f in flows if f.sink.kind == "third_party" and f.sink.recipient is not None
            and entry in manifest.entries_for_resolved(f.sink.recipient)]


def _declared_country(entry: DeclaredRecipient) -> Optional[str]:
    return entry.country or (entry.catalog.country if entry.catalog is not None else None)


def _declared_kind(entry: DeclaredRecipient) -> str:
    if entry.catalog is not None:
        return entry.catalog.kind
    return entry.covers_kind or entry.kind or "third_party"


def _unseen_rows(flows: list[Flow], manifest: Manifest, home: frozenset[str],
                 catalog: Catalog) -> list[InventoryRow]:
    """Categories declared for a recipient that no observed flow to it carries."""
    rows = []
    for entry in manifest.recipients:
        reached = _reached_by(entry, flows, manifest)
        for data in entry.data:
            if any(covers(data, flow.category) for flow in reached):
                continue
            country = _declared_country(entry)
            rows.append(InventoryRow(
                category=data, sink_kind="third_party", recipient=entry.id,
                recipient_name=entry.catalog.name if entry.catalog is not None else entry.id,
                recipient_kind=_declared_kind(entry), country=country,
                cross_border=_cross_border(country, home, catalog), purposes=tuple(entry.purposes), declared=True,
                where=(entry.claim.where,), seen=False, findings=(), locations=(), flows=()))
    return rows


# ----- the diagram ------------------------------------------------------------------------------

def _draw(data_map: DataMap, judged: list[_Judged], manifest: Manifest, catalog: Catalog,
          show_unseen: bool) -> None:
    flows = data_map.flows
    categories = sorted({flow.category for flow in flows})
    modules = sorted({module_of(flow.sink.location.path) for flow in flows})
    destinations = sorted({_destination(flow) for flow in flows},
                          key=lambda d: (SINK_ORDER[d[0]], d[1] or "", d[2] or ""))
    category_ids = {name: f"c{i}" for i, name in enumerate(categories)}
    module_ids = {name: f"m{i}" for i, name in enumerate(modules)}
    destination_ids = {dest: f"r{i}" for i, dest in enumerate(destinations)}

    def summary(indices: list[int]) -> dict:
        return {"flows": tuple(indices),
                "undeclared": any(judged[i].declared is False for i in indices),
                "cross_border": any(judged[i].cross_border for i in indices),
                "findings": tuple(sorted({c for i in indices for c in data_map.flow_codes[i]}))}

    by_node: dict[str, list[int]] = {}
    by_edge: dict[tuple[str, str], list[int]] = {}
    for index, flow in enumerate(flows):
        category = category_ids[flow.category]
        module = module_ids[module_of(flow.sink.location.path)]
        destination = destination_ids[_destination(flow)]
        for node in (category, module, destination):
            by_node.setdefault(node, []).append(index)
        by_edge.setdefault((category, module), []).append(index)
        by_edge.setdefault((module, destination), []).append(index)

    nodes = [MapNode(category_ids[name], "category", name, "", **summary(by_node[category_ids[name]]))
             for name in categories]
    paths = {module_of(flow.sink.location.path): flow.sink.location.path for flow in flows}
    nodes += [MapNode(module_ids[name], "module", name, paths[name], **summary(by_node[module_ids[name]]))
              for name in modules]
    for dest in destinations:
        node_id = destination_ids[dest]
        sink_kind, recipient_id, country = dest
        if recipient_id is None:
            label, detail = NO_RECIPIENT[sink_kind]
            group = APP_GROUP if sink_kind in ("log", "storage") else UNKNOWN_GROUP
        else:
            recipient = next(flows[i].sink.recipient for i in by_node[node_id])
            label = recipient.id
            detail = recipient.kind if recipient.name == recipient.id else f"{recipient.name} · {recipient.kind}"
            group = country or UNKNOWN_GROUP
        declared = bool(manifest.entries_for_resolved(recipient)) if recipient_id is not None else None
        nodes.append(MapNode(node_id, "recipient", label, detail, group, declared=declared,
                             **summary(by_node[node_id])))
    if show_unseen:
        for index, entry in enumerate(e for e in manifest.recipients if not _reached_by(e, flows, manifest)):
            kind = _declared_kind(entry)
            detail = f"every {kind}" if entry.covers_kind else kind
            nodes.append(MapNode(f"d{index}", "recipient", entry.id, f"{detail} · not seen in the code",
                                 _declared_country(entry) or UNKNOWN_GROUP, faded=True, declared=True))
    data_map.nodes = nodes
    data_map.edges = [MapEdge(source, target, **summary(indices)) for (source, target), indices in by_edge.items()]
    data_map.edges.sort(key=lambda e: (e.source[0] != "c", int(e.source[1:]), int(e.target[1:])))
    data_map.groups = _groups(nodes, frozenset(data_map.home), catalog)


def _groups(nodes: list[MapNode], home: frozenset[str], catalog: Catalog) -> list[CountryGroup]:
    """Home countries first, then the others by code, then unknown countries, then the application itself."""
    members: dict[str, list[str]] = {}
    for node in nodes:
        if node.column == "recipient":
            members.setdefault(node.group, []).append(node.id)

    def order(group: str) -> tuple:
        if group == APP_GROUP:
            return (3, group)
        if group == UNKNOWN_GROUP:
            return (2, group)
        return (0 if _cross_border(group, home, catalog) is False else 1, group)

    groups = []
    for group in sorted(members, key=order):
        if group == APP_GROUP:
            label, cross = "this application", None
        elif group == UNKNOWN_GROUP:
            label, cross = "country unknown", None
        else:
            name = catalog.countries.get(group)
            label = f"{group} · {name}" if name else group
            cross = _cross_border(group, home, catalog)
            if cross is False:
                label += " (home)"
        groups.append(CountryGroup(group, label, cross, tuple(members[group])))
    return groups
