"""`map --format json`: the inventory, the flows with their traces, and the diagram, for other tools."""

from __future__ import annotations

import json

from privacylint.datamap import DataMap, InventoryRow
from privacylint.report.json_format import flow_dict


def render_map_json(data_map: DataMap) -> str:
    return json.dumps(map_dict(data_map), indent=2, ensure_ascii=False) + "\n"


def map_dict(data_map: DataMap) -> dict:
    return {
        "version": data_map.version,
        "manifest": data_map.manifest,
        "organization": data_map.organization,
        "home_countries": list(data_map.home),
        "inventory": [row_dict(row) for row in data_map.rows],
        "flows": [{"id": index, **flow_dict(flow, list(data_map.flow_codes.get(index, ())))}
                  for index, flow in enumerate(data_map.flows)],
        "diagram": {
            "groups": [{"id": g.id, "label": g.label, "cross_border": g.cross_border, "nodes": list(g.nodes)}
                       for g in data_map.groups],
            "nodes": [{"id": n.id, "column": n.column, "label": n.label, "detail": n.detail, "group": n.group or None,
                       "faded": n.faded, "declared": n.declared, "undeclared": n.undeclared,
                       "cross_border": n.cross_border, "findings": list(n.findings), "flows": list(n.flows)}
                      for n in data_map.nodes],
            "edges": [{"source": e.source, "target": e.target, "undeclared": e.undeclared,
                       "cross_border": e.cross_border, "findings": list(e.findings), "flows": list(e.flows)}
                      for e in data_map.edges],
        },
    }


def row_dict(row: InventoryRow) -> dict:
    return {
        "category": row.category, "sink_kind": row.sink_kind, "recipient": row.recipient,
        "recipient_name": row.recipient_name, "recipient_kind": row.recipient_kind, "country": row.country,
        "cross_border": row.cross_border, "purposes": list(row.purposes), "declared": row.declared,
        "where": list(row.where), "seen": row.seen, "findings": list(row.findings),
        "locations": list(row.locations), "flows": list(row.flows),
    }
