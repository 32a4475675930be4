"""Fides interoperability (`pip install 'privacylint[fides]'`, the fideslang package): the data map as a
Fides system manifest, and a Fides system manifest as a starting privacy.yaml. Neither direction can
carry everything; each output says what it leaves out."""

from __future__ import annotations

import re
from typing import Optional

import yaml

from privacylint.catalog import Catalog, covers
from privacylint.datamap import DataMap, InventoryRow
from privacylint.errors import PrivacylintError
from privacylint.starting_manifest import scalar

try:
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY
    from fideslang.models import System
    from pydantic import ValidationError
except ModuleNotFoundError as error:                 # pragma: no cover - depends on the installed extras
    raise PrivacylintError("Fides export and import need fideslang: pip install 'privacylint[fides]'") from error

FIDES_CATEGORIES = frozenset(c.fides_key for c in DEFAULT_TAXONOMY.data_category)
FIDES_USES = frozenset(u.fides_key for u in DEFAULT_TAXONOMY.data_use)
UNKNOWN_USE = "third_party_sharing"                  # a call whose purpose privacylint cannot tell
NOT_CARRIED_OUT = ("privacylint's finer categories (exported as their nearest Fides ancestor), recipients' "
                   "countries and kinds (kept under meta.privacylint only), prohibitions, residency rules, "
                   "security rules, and the application's own logs and storage")
NOT_CARRIED_IN = ("countries (Fides has no field for where a system processes data), prohibitions, "
                  "residency rules (`transfers`), security rules, and how to recognise a recipient the "
                  "catalog does not know (`hosts`, `modules`, `calls`)")


def nearest(key: str, known: frozenset) -> Optional[str]:
    """The key itself or its closest ancestor in `known`: `user.device.device_id.imei` -> `user.device.device_id`."""
    while key:
        if key in known:
            return key
        key = key.rpartition(".")[0]
    return None


def fides_key(text: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_.<>-]+", "_", text).strip("_") or "application"


# ----- export -----------------------------------------------------------------------------------

def render_fides(data_map: DataMap, title: str = "") -> str:
    systems = export_systems(data_map, title)
    header = [f"Fides system manifest exported by privacylint {data_map.version} from the code and "
              f"{data_map.manifest or 'no manifest'}.",
              f"Not carried: {NOT_CARRIED_OUT}.", "Data subjects are left empty: privacylint does not know them."]
    body = yaml.safe_dump({"system": systems}, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(wrap_comment(header)) + "\n" + body


def export_systems(data_map: DataMap, title: str = "") -> list[dict]:
    """The application and every recipient as Fides systems, each validated with fideslang's models."""
    app = fides_key(title or data_map.organization.get("name") or "application")
    rows = [row for row in data_map.rows if row.recipient is not None]
    recipients: dict[str, list[InventoryRow]] = {}
    for row in rows:
        recipients.setdefault(row.recipient, []).append(row)
    vendors = [vendor_system(rid, vendor_rows, app) for rid, vendor_rows in recipients.items()]
    by_use: dict[str, list[InventoryRow]] = {}
    for row in rows:
        for use in row_uses(row):
            by_use.setdefault(use, []).append(row)
    declarations = [{
        "name": f"shared for {use}",
        "data_categories": categories(use_rows),
        "data_use": use,
        "data_subjects": [],
        "egress": sorted({fides_key(r.recipient) for r in use_rows}),
        "data_shared_with_third_parties": True,
        "third_parties": ", ".join(sorted({r.recipient_name or r.recipient for r in use_rows})),
        "shared_categories": categories(use_rows),
    } for use, use_rows in sorted(by_use.items())]
    application = {
        "fides_key": app,
        "name": data_map.organization.get("name") or title or app,
        "description": f"Personal data flows privacylint found in the code of {title or app}, beside what "
                       f"{data_map.manifest or 'its manifest'} declares.",
        "system_type": "Service",
        "egress": [{"fides_key": fides_key(rid), "type": "system", "data_categories": categories(vendor_rows)}
                   for rid, vendor_rows in recipients.items()],
        "privacy_declarations": declarations,
        "does_international_transfers": any(row.cross_border for row in rows),
        "meta": {"privacylint": {"version": data_map.version, "manifest": data_map.manifest,
                                 "home_countries": list(data_map.home)}},
    }
    systems = [application, *vendors]
    for system in systems:
        try:
            System.model_validate(system)
        except ValidationError as error:
            raise PrivacylintError(f"internal error: Fides rejects system {system['fides_key']}: {error}") from None
    return systems


def vendor_system(rid: str, rows: list[InventoryRow], app: str) -> dict:
    first = rows[0]
    countries = sorted({row.country for row in rows if row.country})
    where = f"processes data in {', '.join(countries)}" if countries else "country unknown"
    if countries and any(row.country is None for row in rows):
        where += ", and where the code does not say"
    seen = any(row.seen for row in rows)
    uses: dict[str, list[InventoryRow]] = {}
    for row in rows:
        for use in row_uses(row):
            uses.setdefault(use, []).append(row)
    meta = {"id": rid, "kind": first.recipient_kind, "countries": countries, "seen_in_code": seen,
            "declared": all(row.declared for row in rows)}
    if first.recipient_kind == "third_party" and first.recipient_name == rid and "." in rid:
        meta["hosts"] = [rid]                                  # a host the catalog does not know
    return {
        "fides_key": fides_key(rid),
        "name": first.recipient_name or rid,
        "description": f"{first.recipient_kind}; {where}" + ("" if seen else "; declared, not seen in the code"),
        "system_type": "Service",
        "ingress": [{"fides_key": app, "type": "system", "data_categories": categories(rows)}],
        "privacy_declarations": [{"name": f"{use} for {app}", "data_categories": categories(use_rows),
                                  "data_use": use, "data_subjects": []} for use, use_rows in sorted(uses.items())],
        "meta": {"privacylint": meta},
    }


def row_uses(row: InventoryRow) -> list[str]:
    return sorted({nearest(p, FIDES_USES) or UNKNOWN_USE for p in row.purposes}) or [UNKNOWN_USE]


def categories(rows: list[InventoryRow]) -> list[str]:
    keys = {nearest(row.category, FIDES_CATEGORIES) for row in rows}
    return sorted(key for key in keys if key)


# ----- import -----------------------------------------------------------------------------------

def import_manifest(text: str, path: str, catalog: Catalog, system_key: Optional[str] = None) -> str:
    """A Fides system manifest -> the text of a privacy.yaml describing one system's sharing."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PrivacylintError(f"{path}: invalid YAML: {error}") from None
    raw = document.get("system") if isinstance(document, dict) else None
    if not isinstance(raw, list) or not raw:
        raise PrivacylintError(f"{path}: not a Fides system manifest (expected a top-level `system:` list)")
    systems: dict[str, System] = {}
    for item in raw:
        try:
            system = System.model_validate(item)
        except ValidationError as error:
            key = item.get("fides_key", "?") if isinstance(item, dict) else "?"
            raise PrivacylintError(f"{path}: system {key}: {error}") from None
        systems[system.fides_key] = system
    app = choose_system(systems, system_key, path)
    lines = wrap_comment([f"privacy.yaml imported by privacylint from the Fides system `{app.fides_key}` in {path}.",
                          f"Not carried: {NOT_CARRIED_IN}."]) + ["version: 1"]
    if app.name:
        lines.append(f"organization: {{name: {scalar(app.name)}}}")
    dropped: list[str] = []
    collected = sorted({key for d in app.privacy_declarations for key in ours(d.data_categories, catalog, dropped)})
    lines += ["", "collects:" if collected else "collects: []"] + [f"  - {key}" for key in collected]
    entries, skipped = [], []
    for flow in app.egress or []:
        if flow.type != "system":
            continue
        entry = recipient_entry(flow, systems.get(flow.fides_key), app, catalog, dropped)
        (entries if entry[0] else skipped).append(entry[1])
    lines += ["", "recipients:" if entries else "recipients: {}"] + [line for entry in entries for line in entry]
    if skipped:
        lines += ["", "# Not imported: recipients the catalog does not know, with nothing to recognise them by."]
        lines += ["# Declare each with `hosts:`, `modules:` or `calls:` (see the README):"]
        lines += [f"#   {line}" for entry in skipped for line in entry]
    if dropped:
        lines += ["", f"# Dropped (not in privacylint's taxonomy): {', '.join(sorted(set(dropped)))}"]
    return "\n".join(lines) + "\n"


def choose_system(systems: dict[str, System], key: Optional[str], path: str) -> System:
    """The named system, else the only one, else the only one that sends data to other systems."""
    if key is not None:
        if key not in systems:
            raise PrivacylintError(f"{path}: no system `{key}`; it has {', '.join(systems)}")
        return systems[key]
    senders = [s for s in systems.values() if any(f.type == "system" for f in s.egress or [])]
    if len(systems) == 1:
        return next(iter(systems.values()))
    if len(senders) == 1:
        return senders[0]
    raise PrivacylintError(f"{path}: several systems ({', '.join(systems)}); name the application's "
                           "with --fides-system KEY")


def recipient_entry(flow, target: Optional[System], app: System, catalog: Catalog,
                    dropped: list[str]) -> tuple[bool, list[str]]:
    """(importable, the entry's lines). Data from the flow, else the target's declarations; purposes from
    the target's declarations, else the application's declarations that name it in `egress`."""
    meta = ((target.meta or {}).get("privacylint") or {}) if target is not None else {}
    rid = meta.get("id") or flow.fides_key
    declarations = list(target.privacy_declarations) if target is not None else []
    naming = [d for d in app.privacy_declarations if flow.fides_key in (d.egress or [])]
    data = flow.data_categories or [c for d in declarations or naming for c in d.data_categories]
    purposes = [d.data_use for d in declarations or naming if d.data_use != UNKNOWN_USE]
    data = sorted(set(ours(data, catalog, dropped)))
    purposes = sorted({p for p in purposes if p in catalog.purposes})
    lines = [f"  {scalar(rid)}:"]
    known = rid in catalog.recipients
    hosts = [h for h in meta.get("hosts") or [] if isinstance(h, str)]
    countries = [c for c in meta.get("countries") or [] if c in catalog.countries]
    if not known and hosts:
        lines.append(f"    hosts: [{', '.join(scalar(h) for h in hosts)}]")
        if len(countries) == 1:
            lines.append(f"    country: {scalar(countries[0])}")
    elif known and countries:
        lines[0] += f"   # countries in the export: {', '.join(countries)}"
    lines.append(f"    data: [{', '.join(data)}]")
    if purposes:
        lines.append(f"    purposes: [{', '.join(reduce_keys(purposes))}]")
    return known or bool(hosts), lines


def ours(keys, catalog: Catalog, dropped: list[str]) -> list[str]:
    """Fides categories as privacylint's: the key, else its nearest ancestor privacylint knows."""
    found = []
    for key in keys:
        mine = nearest(key, frozenset(catalog.categories))
        if mine is None:
            dropped.append(key)
        else:
            found.append(mine)
    return found


def reduce_keys(keys: list[str]) -> list[str]:
    """Drop a key that another in the list already covers."""
    return [k for k in keys if not any(other != k and covers(other, k) for other in keys)]


def wrap_comment(sentences: list[str], width: int = 100) -> list[str]:
    lines = []
    for sentence in sentences:
        line = "#"
        for word in sentence.split():
            if len(line) + 1 + len(word) > width and line != "#":
                lines.append(line)
                line = "#  "
            line += " " + word
        lines.append(line)
    return lines
