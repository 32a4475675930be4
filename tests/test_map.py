"""`privacylint map` and `privacylint init`: the inventory of each fixture app row by row, the diagram in
every format (DOT and Mermaid parsed by a grammar here, and by Graphviz, mermaid-cli and a headless
Chromium where they are installed), and a starting manifest that `check` accepts."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import FIXTURES, run_check, write_project
from privacylint.api import Options, check
from privacylint.catalog import load_catalog
from privacylint.cli import main
from privacylint.datamap import build_map, module_of
from privacylint.manifest import load_manifest
from privacylint.report.map_formats import render_map
from privacylint.report.map_json import map_dict
from privacylint.report.map_mermaid import text as mermaid_text

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--window-size=1400,1000"]


@lru_cache(maxsize=None)
def the_catalog():
    return load_catalog()


def shared_catalog(*args, **kwargs):
    """The rules/ catalog, loaded once for this module whatever folder or cache the caller names."""
    return the_catalog()


@pytest.fixture(autouse=True)
def one_catalog(monkeypatch):
    """Loading rules/ takes half a second; the tests here share one load (nothing mutates a Catalog)."""
    monkeypatch.setattr("privacylint.api.load_catalog", shared_catalog)
    monkeypatch.setattr("privacylint.starting_manifest.load_catalog", shared_catalog)


@lru_cache(maxsize=None)
def fixture_map(app: str):
    report, project = check(Options(paths=(FIXTURES / app,), use_cache=False, jobs=1))
    return build_map(report, project.manifest, project.catalog)


def rows(data_map) -> list[tuple]:
    return [(r.category, r.recipient or r.sink_kind, r.recipient_kind, r.country, r.cross_border,
             ", ".join(r.purposes), r.declared, " ".join(r.where), r.seen, " ".join(r.findings), " ".join(r.locations))
            for r in data_map.rows]


# ----- the inventory ----------------------------------------------------------------------------

PAY = "essential.service.payment_processing"
ADS = "marketing.advertising.third_party"
OPS = "essential.service.operations"

INVENTORY = {
    "umegou_shop": [
        ("user.account.username", "mixpanel", "analytics", "US", True, "analytics.reporting", True, "privacy.yaml:35",
         True, "", "shop/integrations/analytics.py:13"),
        ("user.contact.address", "paypal", "payment_processor", "US", True, PAY, True, "privacy.yaml:20", True, "",
         "shop/payments.py:33"),
        ("user.contact.address", "umegou-wms", "third_party", "CN", False, "essential.service", True, "privacy.yaml:43",
         True, "PL401", "shop/fulfilment.py:8"),
        ("user.contact.address", "storage", None, None, None, "", None, "", True, "", "shop/views.py:56"),
        ("user.contact.email", "facebook", "advertiser", "US", True, ADS, False, "", True, "PL202 PL204",
         "shop/integrations/ads.py:26"),
        ("user.contact.email", "mixpanel", "analytics", "US", True, "analytics.reporting", False, "", True, "PL202",
         "shop/integrations/analytics.py:13"),
        ("user.contact.email", "sentry", "error_tracking", "US", True, "essential.service.operations.support", False,
         "", True, "PL201", "shop/views.py:55"),
        ("user.contact.email", "storage", None, None, None, "", None, "", True, "", "shop/views.py:56"),
        ("user.contact.phone_number", "facebook", "advertiser", "US", True, ADS, False, "", True, "PL202",
         "shop/integrations/ads.py:26"),
        ("user.contact.phone_number", "umegou-wms", "third_party", "CN", False, "essential.service", True,
         "privacy.yaml:43", True, "PL401", "shop/fulfilment.py:8"),
        ("user.contact.phone_number", "log", None, None, None, "", None, "", True, "PL402", "shop/views.py:54"),
        ("user.contact.phone_number", "storage", None, None, None, "", None, "", True, "", "shop/views.py:56"),
        ("user.device.cookie_id", "facebook", "advertiser", "US", True, ADS, True, "privacy.yaml:38", True, "",
         "shop/integrations/ads.py:26"),
        ("user.device.ip_address", "sentry", "error_tracking", "US", True, "essential.service.operations.support",
         False, "", True, "PL201", "shop/views.py:55"),
        ("user.financial", "alipay", "payment_processor", "CN", False, PAY, True, "privacy.yaml:25", False, "", ""),
        ("user.financial", "paypal", "payment_processor", "US", True, PAY, True, "privacy.yaml:20", False, "", ""),
        ("user.financial", "wechatpay", "payment_processor", "CN", False, PAY, True, "privacy.yaml:30", False, "", ""),
        ("user.financial.credit_card.number", "storage", None, None, None, "", None, "", True, "", "shop/views.py:56"),
        ("user.financial.credit_card.security_code", "storage", None, None, None, "", None, "", True, "PL403",
         "shop/views.py:56"),
    ],
    "cn_registrar": [
        ("user.contact.email", "aliyun-oss", "cloud", "CN", False, OPS, True, "privacy.yaml:15", True, "",
         "registrar/storage.py:15"),
        ("user.contact.email", "aliyun-oss", "cloud", "US", True, OPS, True, "privacy.yaml:15", True, "PL301 PL401",
         "registrar/storage.py:20"),
        ("user.contact.email", "aws", "cloud", None, None, OPS, False, "", True, "PL201 PL302",
         "registrar/storage.py:30"),
        ("user.contact.email", "aws", "cloud", "SG", True, OPS, False, "", True, "PL201 PL301",
         "registrar/storage.py:25"),
        ("user.contact.phone_number", "aliyun-oss", "cloud", "CN", False, OPS, True, "privacy.yaml:15", True, "",
         "registrar/storage.py:15"),
        ("user.contact.phone_number", "aliyun-oss", "cloud", "US", True, OPS, True, "privacy.yaml:15", True,
         "PL301 PL401", "registrar/storage.py:20"),
        ("user.contact.phone_number", "aws", "cloud", "SG", True, OPS, False, "", True, "PL201 PL301",
         "registrar/storage.py:25"),
        ("user.contact.phone_number", "smsbao", "third_party", "CN", False, "essential.service.authentication", True,
         "privacy.yaml:19", True, "", "registrar/sms.py:13"),
        ("user.contact.phone_number", "storage", None, None, None, "", None, "", True, "", "registrar/views.py:28"),
        ("user.government_id.national_identification_number.id_card_number", "api.anxin-idv.com", "third_party", None,
         None, "", False, "", True, "PL201 PL302", "registrar/verification.py:10"),
        ("user.government_id.national_identification_number.id_card_number", "endpoint", None, None, None, "", None, "",
         True, "PL205", "registrar/verification.py:16"),
        ("user.government_id.national_identification_number.id_card_number", "storage", None, None, None, "", None, "",
         True, "", "registrar/views.py:28"),
        ("user.name", "aliyun-oss", "cloud", "CN", False, OPS, True, "privacy.yaml:15", True, "",
         "registrar/storage.py:15"),
        ("user.name", "aliyun-oss", "cloud", "US", True, OPS, True, "privacy.yaml:15", True, "PL301 PL401",
         "registrar/storage.py:20"),
        ("user.name", "api.anxin-idv.com", "third_party", None, None, "", False, "", True, "PL201 PL302",
         "registrar/verification.py:10"),
        ("user.name", "aws", "cloud", "SG", True, OPS, False, "", True, "PL201 PL301", "registrar/storage.py:25"),
        ("user.name", "storage", None, None, None, "", None, "", True, "", "registrar/views.py:28"),
    ],
    "ad_site": [
        ("user.contact.email", "facebook", "advertiser", "US", True, ADS, False, "", True, "PL202 PL204",
         "adsite/tracking.py:33"),
        ("user.contact.email", "segment", "analytics", "US", True, "analytics.reporting", True, "privacy.yaml:18", True,
         "", "adsite/audience.py:9"),
        ("user.device.cookie_id", "facebook", "advertiser", "US", True, ADS, True, "privacy.yaml:13", True, "",
         "adsite/tracking.py:20 adsite/tracking.py:33"),
        ("user.device.cookie_id", "google-analytics", "analytics", "US", True, "analytics", True, "privacy.yaml:23",
         False, "", ""),
        ("user.device.cookie_id", "segment", "analytics", "US", True, "analytics.reporting", True, "privacy.yaml:18",
         True, "", "adsite/audience.py:9"),
        ("user.name", "segment", "analytics", "US", True, "analytics.reporting", False, "", True, "PL202",
         "adsite/audience.py:9"),
        ("user.unique_id.pseudonymous", "facebook", "advertiser", "US", True, ADS, False, "", True, "PL202",
         "adsite/tracking.py:27"),
    ],
}


@pytest.mark.parametrize("app", sorted(INVENTORY))
def test_inventory_rows_of_each_fixture_app(app):
    assert rows(fixture_map(app)) == INVENTORY[app]


@pytest.mark.parametrize("app", sorted(INVENTORY))
def test_every_flow_is_in_exactly_one_row_and_its_findings_are_the_reports(app):
    data_map = fixture_map(app)
    placed = sorted(i for row in data_map.rows for i in row.flows)
    assert placed == list(range(len(data_map.flows)))
    for row in data_map.rows:
        assert set(row.findings) == {code for i in row.flows for code in data_map.flow_codes[i]}


def test_home_is_the_allowed_countries_else_the_organizations_country():
    assert fixture_map("cn_registrar").home == ("CN",)        # transfers.allowed_countries
    assert fixture_map("ad_site").home == ("HK",)             # organization.country, no transfers rule
    report = run_check(FIXTURES / "ad_site")
    from privacylint.manifest import empty_manifest
    bare = build_map(report, empty_manifest())
    assert bare.home == () and {r.cross_border for r in bare.rows} == {None}
    assert {r.declared for r in bare.rows} == {False} and all(r.seen for r in bare.rows)


def test_a_kind_declaration_declares_its_recipients_and_unseen_kinds_are_listed(project):
    root = project({
        "privacy.yaml": "version: 1\ncollects: [user]\nrecipients:\n  advertisers:\n    kind: advertiser\n"
                        "    data: [user.device.cookie_id]\n  mappers:\n    kind: maps\n    data: [user.location]\n",
        "app.py": "from facebook_business.adobjects.serverside.event import Event\n"
                  "from facebook_business.adobjects.serverside.event_request import EventRequest\n\n"
                  "def view(request):\n"
                  "    EventRequest(events=[Event(fbp=request.COOKIES['_fbp'])], pixel_id='1').execute()\n"})
    report, project_ = check(Options(paths=(root,), use_cache=False, jobs=1))
    data_map = build_map(report, project_.manifest)
    assert rows(data_map) == [
        ("user.device.cookie_id", "facebook", "advertiser", "US", None, ADS, True, "privacy.yaml:4", True, "",
         "app.py:5"),
        ("user.location", "mappers", "maps", None, None, "", True, "privacy.yaml:7", False, "", "")]
    assert [(n.label, n.detail, n.group, n.faded) for n in data_map.column("recipient")] == [
        ("facebook", "Meta (Facebook) Marketing and Conversions APIs · advertiser", "US", False),
        ("mappers", "every maps · not seen in the code", "unknown", True)]


def test_a_country_group_is_at_home_only_where_all_its_members_are(project):
    files = {"app.py": "import requests\n\ndef view(request):\n"
                       "    requests.post('https://api.acme.example/v1', json={'email': request.POST['email']})\n"}
    manifest = ("version: 1\ncollects: [user]\nrecipients:\n  acme:\n    country: EU\n"
                "    hosts: [api.acme.example]\n    data: [user.contact]\ntransfers:\n  allowed_countries: [{}]\n")
    for allowed, expected in (("EU", False), ("DE", True)):
        root = project({**files, "privacy.yaml": manifest.format(allowed)})
        report, project_ = check(Options(paths=(root,), use_cache=False, jobs=1))
        data_map = build_map(report, project_.manifest, shared_catalog())
        assert [(r.recipient, r.country, r.cross_border) for r in data_map.rows] == [("acme", "EU", expected)]
        assert ("PL301" in data_map.rows[0].findings) == expected
        assert [(g.id, g.label, g.cross_border) for g in data_map.groups] == [
            ("EU", "EU" if expected else "EU (home)", expected)]


def test_module_names_come_from_paths():
    assert module_of("shop/integrations/ads.py") == "shop.integrations.ads"
    assert module_of("shop/__init__.py") == "shop"
    assert module_of("src/pkg/mod.py") == "pkg.mod"
    assert module_of("manage.py") == "manage"


# ----- the diagram ------------------------------------------------------------------------------

def test_ad_site_diagram_nodes_groups_and_edges():
    data_map = fixture_map("ad_site")
    assert [(n.id, n.column, n.label, n.group, n.faded, n.declared, n.undeclared) for n in data_map.nodes] == [
        ("c0", "category", "user.contact.email", "", False, None, True),
        ("c1", "category", "user.device.cookie_id", "", False, None, False),
        ("c2", "category", "user.name", "", False, None, True),
        ("c3", "category", "user.unique_id.pseudonymous", "", False, None, True),
        ("m0", "module", "adsite.audience", "", False, None, True),
        ("m1", "module", "adsite.tracking", "", False, None, True),
        ("r0", "recipient", "facebook", "US", False, True, True),
        ("r1", "recipient", "segment", "US", False, True, True),
        ("d0", "recipient", "google-analytics", "US", True, True, False)]
    assert [(g.id, g.label, g.cross_border, g.nodes) for g in data_map.groups] == [
        ("US", "US · United States", True, ("r0", "r1", "d0"))]
    assert [(e.source, e.target, e.flows, e.undeclared, e.cross_border, e.findings) for e in data_map.edges] == [
        ("c0", "m0", (0,), False, True, ()),
        ("c0", "m1", (5,), True, True, ("PL202", "PL204")),
        ("c1", "m0", (1,), False, True, ()),
        ("c1", "m1", (3, 6), False, True, ()),
        ("c2", "m0", (2,), True, True, ("PL202",)),
        ("c3", "m1", (4,), True, True, ("PL202",)),
        ("m0", "r1", (0, 1, 2), True, True, ("PL202",)),
        ("m1", "r0", (3, 4, 5, 6), True, True, ("PL202", "PL204"))]


def test_recipients_are_grouped_home_first_then_by_country_then_unknown_then_the_application():
    groups = fixture_map("cn_registrar").groups
    labels = {n.id: n.label for n in fixture_map("cn_registrar").nodes}
    assert [(g.id, g.label, g.cross_border, [labels[n] for n in g.nodes]) for g in groups] == [
        ("CN", "CN · China (home)", False, ["aliyun-oss", "smsbao"]),
        ("SG", "SG · Singapore", True, ["aws"]),
        ("US", "US · United States", True, ["aliyun-oss"]),
        ("unknown", "country unknown", None, ["api.anxin-idv.com", "aws", "unresolved endpoint"]),
        ("app", "this application", None, ["storage"])]


# ----- DOT --------------------------------------------------------------------------------------

DOT_TOKEN = re.compile(r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<arrow>->)|(?P<punct>[{}\[\];=,])'
                       r'|(?P<id>[A-Za-z_][A-Za-z0-9_]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)))', re.S)


def unquote(string: str) -> str:
    """A DOT quoted string's text, with the label escapes \\n and \\\\ read as Graphviz draws them."""
    return re.sub(r"\\(.)", lambda m: {'"': '"', "n": "\n", "\\": "\\"}.get(m[1], m[0]), string[1:-1])


def parse_dot(source: str) -> dict:
    """A recursive-descent parser for the DOT grammar (graphviz.org/doc/info/lang.html) without ports
    and HTML strings, which the map never writes. Raises on any syntax error."""
    tokens, position = [], 0
    while source[position:].strip():
        match = DOT_TOKEN.match(source, position)
        assert match and match.end() > position, f"bad DOT at {source[position:position + 30]!r}"
        kind = match.lastgroup
        value = match.group(kind)
        tokens.append((kind, unquote(value) if kind == "string" else value))
        position = match.end()
    tokens.append(("end", ""))
    graph = {"nodes": {}, "edges": [], "clusters": {}}
    index = 0

    def peek(offset=0):
        return tokens[index + offset]

    def take(expected=None):
        nonlocal index
        kind, value = tokens[index]
        assert expected is None or value == expected or kind == expected, f"expected {expected}, got {value!r}"
        index += 1
        return value

    def identifier():
        kind, value = peek()
        assert kind in ("id", "string"), f"expected an ID, got {value!r}"
        return take()

    def attributes():
        found = {}
        while peek()[1] == "[":
            take("[")
            while peek()[1] != "]":
                key = identifier()
                take("=")
                found[key] = identifier()
                if peek()[1] in (",", ";"):
                    take()
            take("]")
        return found

    def statements(cluster):
        while peek()[1] != "}":
            kind, value = peek()
            if value in ("graph", "node", "edge") and kind == "id":
                take()
                attributes()
            elif value == "subgraph":
                take()
                name = identifier() if peek()[1] != "{" else ""
                take("{")
                graph["clusters"][name] = {"parent": cluster, "label": None, "nodes": []}
                statements(name)
                take("}")
            elif peek(1)[1] == "=":
                key = identifier()
                take("=")
                value = identifier()
                if key == "label" and cluster:
                    graph["clusters"][cluster]["label"] = value
            else:
                chain = [identifier()]
                while peek()[0] == "arrow":
                    take()
                    chain.append(identifier())
                found = attributes()
                if len(chain) == 1:
                    graph["nodes"][chain[0]] = found
                    if cluster:
                        graph["clusters"][cluster]["nodes"].append(chain[0])
                graph["edges"] += [(a, b, found) for a, b in zip(chain, chain[1:])]
            if peek()[1] == ";":
                take()

    take("digraph")
    if peek()[1] != "{":
        identifier()
    take("{")
    statements("")
    take("}")
    take("end")
    return graph


@pytest.mark.parametrize("app", sorted(INVENTORY))
def test_dot_parses_and_draws_every_node_edge_and_country_cluster(app):
    data_map = fixture_map(app)
    graph = parse_dot(render_map(data_map, "dot", title=app))
    assert set(graph["nodes"]) == {n.id for n in data_map.nodes}
    assert [(a, b) for a, b, _ in graph["edges"]] == [(e.source, e.target) for e in data_map.edges]
    for edge, (_, _, attributes) in zip(data_map.edges, graph["edges"]):
        assert (attributes.get("color") == "#c62828") == edge.undeclared
        assert (attributes.get("style") == "dashed") == (edge.cross_border and edge.source.startswith("m"))
    groups = {c["label"]: c["nodes"] for c in graph["clusters"].values() if c["parent"] == "cluster_recipients"}
    assert groups == {g.label: list(g.nodes) for g in data_map.groups}
    labels = {node: attributes["label"].split("\n")[0] for node, attributes in graph["nodes"].items()}
    assert [labels[n] for n in graph["clusters"]["cluster_categories"]["nodes"]] == \
        [n.label for n in data_map.column("category")]


def test_dot_quotes_labels():
    graph = parse_dot('digraph { a [label="say \\"hi\\"\\nback\\\\slash"]; }')
    assert graph["nodes"]["a"]["label"] == 'say "hi"\nback\\slash'
    with pytest.raises(AssertionError):
        parse_dot("digraph { a -> ; }")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed (apt-get install graphviz)")
@pytest.mark.parametrize("app", sorted(INVENTORY))
def test_graphviz_lays_out_the_dot(app, tmp_path):
    data_map = fixture_map(app)
    result = subprocess.run(["dot", "-Tjson"], input=render_map(data_map, "dot", title=app), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "Error" not in result.stderr
    laid_out = json.loads(result.stdout)
    objects = laid_out["objects"]
    names = {o["name"] for o in objects if "nodes" not in o and "subgraphs" not in o or o["name"][0] in "cmrd"}
    assert {n.id for n in data_map.nodes} <= names
    clusters = {o["label"]: {objects[i]["name"] for i in o.get("nodes", [])} for o in objects
                if o["name"].startswith("cluster_group")}
    assert clusters == {g.label: set(g.nodes) for g in data_map.groups}
    assert len(laid_out["edges"]) == len(data_map.edges)


# ----- Mermaid ----------------------------------------------------------------------------------

MERMAID_ID = r"[A-Za-z_][A-Za-z0-9_]*"
MERMAID_LABEL = r'"(?:[^"#]|#(?:quot|amp|lt|gt|[0-9]+);)*"'
MERMAID_STYLE = r"[a-z-]+:[^,\s]+(?: [^,\s]+)*"          # `stroke-dasharray:4 3`
MERMAID_LINE = {
    "subgraph": re.compile(rf"subgraph ({MERMAID_ID})\[({MERMAID_LABEL})\]$"),
    "node": re.compile(rf"({MERMAID_ID})\[({MERMAID_LABEL})\]$"),
    "edge": re.compile(rf"({MERMAID_ID}) (-->|-\.->)(?:\|({MERMAID_LABEL})\|)? ({MERMAID_ID})$"),
    "classDef": re.compile(rf"classDef ({MERMAID_ID}) ({MERMAID_STYLE}(?:,{MERMAID_STYLE})*)$"),
    "class": re.compile(rf"class ({MERMAID_ID}(?:,{MERMAID_ID})*) ({MERMAID_ID})$"),
    "linkStyle": re.compile(r"linkStyle ([0-9]+(?:,[0-9]+)*) ([a-z-]+:[^,\s]+(?:,[a-z-]+:[^,\s]+)*)$"),
    "direction": re.compile(r"direction (TB|LR|BT|RL)$"),
    "end": re.compile(r"end$"),
}


def parse_mermaid(source: str) -> dict:
    """Mermaid flowchart syntax, for the statements the map writes; raises on anything else, on
    unbalanced subgraphs, on links to undefined nodes and on link styles past the last link."""
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    assert lines[0] == "flowchart LR"
    chart = {"nodes": {}, "subgraphs": {}, "edges": [], "classes": {}, "class_defs": set(), "link_styles": {}}
    stack: list[str] = []
    for line in lines[1:]:
        kind, match = next(((k, p.match(line)) for k, p in MERMAID_LINE.items() if p.match(line)), (None, None))
        assert kind is not None, f"not Mermaid flowchart syntax: {line!r}"
        if kind == "subgraph":
            chart["subgraphs"][match[1]] = {"label": match[2][1:-1], "parent": stack[-1] if stack else None}
            stack.append(match[1])
        elif kind == "end":
            assert stack, "`end` without `subgraph`"
            stack.pop()
        elif kind == "node":
            assert match[1] not in chart["nodes"], f"{match[1]} defined twice"
            chart["nodes"][match[1]] = {"label": match[2][1:-1], "subgraph": stack[-1] if stack else None}
        elif kind == "edge":
            assert match[1] in chart["nodes"] and match[4] in chart["nodes"], f"link to an undefined node: {line}"
            chart["edges"].append((match[1], match[2], match[3][1:-1] if match[3] else None, match[4]))
        elif kind == "classDef":
            chart["class_defs"].add(match[1])
        elif kind == "class":
            for name in match[1].split(","):
                assert name in chart["nodes"] or name in chart["subgraphs"], f"class on an undefined id: {name}"
                chart["classes"][name] = match[2]
        elif kind == "linkStyle":
            for number in match[1].split(","):
                assert int(number) < len(chart["edges"]), f"linkStyle {number} past the last link"
                chart["link_styles"][int(number)] = match[2]
    assert not stack, f"unclosed subgraphs {stack}"
    assert set(chart["classes"].values()) <= chart["class_defs"]
    return chart


@pytest.mark.parametrize("app", sorted(INVENTORY))
def test_mermaid_parses_with_columns_countries_and_styles(app):
    data_map = fixture_map(app)
    chart = parse_mermaid(render_map(data_map, "mermaid"))
    assert set(chart["nodes"]) == {n.id for n in data_map.nodes}
    assert [(a, b) for a, _, _, b in chart["edges"]] == [(e.source, e.target) for e in data_map.edges]
    for node in data_map.nodes:
        where = chart["nodes"][node.id]["subgraph"]
        if node.column == "recipient":
            group = next(g for g in data_map.groups if node.id in g.nodes)
            assert chart["subgraphs"][where] == {"label": mermaid_text(group.label), "parent": "recipients"}
        else:
            assert where == {"category": "categories", "module": "modules"}[node.column]
    red = {i for i, e in enumerate(data_map.edges) if e.undeclared}
    assert {i for i, style in chart["link_styles"].items() if "#c62828" in style} == red
    assert {n for n, c in chart["classes"].items() if c == "unseen"} == {n.id for n in data_map.nodes if n.faded}
    assert {n for n, c in chart["classes"].items() if c == "undeclared"} == \
        {n.id for n in data_map.nodes if n.declared is False}
    assert [arrow == "-.->" for _, arrow, _, _ in chart["edges"]] == \
        [e.cross_border and e.source.startswith("m") for e in data_map.edges]


def test_mermaid_labels_carry_no_raw_markup():
    assert mermaid_text('a"b<c>&d#e|f') == "a#quot;b#lt;c#gt;#amp;d#35;e#124;f"
    with pytest.raises(AssertionError):
        parse_mermaid('flowchart LR\n  a["x"]\n  a --> b\n')
    with pytest.raises(AssertionError):
        parse_mermaid('flowchart LR\n  subgraph s["x"]\n  a["y"]\n')


MMDC = shutil.which("mmdc")


@pytest.mark.skipif(MMDC is None or CHROMIUM is None,
                    reason="@mermaid-js/mermaid-cli (mmdc) and Chromium are not both installed")
def test_mermaid_cli_renders_the_chart(tmp_path):
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": CHROMIUM, "args": ["--no-sandbox", "--disable-gpu"]}))
    source = tmp_path / "map.mmd"
    source.write_text(render_map(fixture_map("cn_registrar"), "mermaid"), encoding="utf-8")
    result = subprocess.run([MMDC, "-p", str(config), "-i", str(source), "-o", str(tmp_path / "map.svg")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    svg = (tmp_path / "map.svg").read_text(encoding="utf-8")
    assert "api.anxin-idv.com" in svg and "SG · Singapore" in svg


# ----- Markdown and JSON ------------------------------------------------------------------------

def test_markdown_table_and_mermaid_block():
    data_map = fixture_map("ad_site")
    lines = render_map(data_map, "markdown", title="ad_site").splitlines()
    assert lines[:12] == [
        "# Data map: ad_site",
        "",
        "7 flows; 6 observed (category, destination) pairs; 1 declared but not seen in the code. "
        "Against manifest `privacy.yaml`; home countries HK.",
        "",
        "| Category | Recipient | Kind | Country | Purposes | Declared | Findings | Code |",
        "|---|---|---|---|---|---|---|---|",
        "| user.contact.email | facebook | advertiser | US (cross-border) | marketing.advertising.third_party | no "
        "| PL202 PL204 | adsite/tracking.py:33 |",
        "| user.contact.email | segment | analytics | US (cross-border) | analytics.reporting "
        "| yes (privacy.yaml:18) |  | adsite/audience.py:9 |",
        "| user.device.cookie_id | facebook | advertiser | US (cross-border) | marketing.advertising.third_party "
        "| yes (privacy.yaml:13) |  | adsite/tracking.py:20, adsite/tracking.py:33 |",
        "| user.device.cookie_id | google-analytics | analytics | US (cross-border) | analytics "
        "| yes (privacy.yaml:23), not seen in the code |  |  |",
        "| user.device.cookie_id | segment | analytics | US (cross-border) | analytics.reporting "
        "| yes (privacy.yaml:18) |  | adsite/audience.py:9 |",
        "| user.name | segment | analytics | US (cross-border) | analytics.reporting | no | PL202 "
        "| adsite/audience.py:9 |",
    ]
    block = lines[lines.index("```mermaid") + 1:len(lines) - 1 - lines[::-1].index("```")]
    assert "\n".join(block) + "\n" == render_map(data_map, "mermaid")


def test_markdown_rows_without_recipient_and_na_declarations():
    lines = render_map(fixture_map("umegou_shop"), "markdown").splitlines()
    assert "| user.contact.phone_number | *logs* | log |  |  | n/a | PL402 | shop/views.py:54 |" in lines
    assert "| user.contact.address | umegou-wms | third_party | CN | essential.service | yes (privacy.yaml:43) " \
           "| PL401 | shop/fulfilment.py:8 |" in lines


@pytest.mark.parametrize("app", sorted(INVENTORY))
def test_json_has_the_inventory_flows_with_traces_and_a_consistent_diagram(app):
    data_map = fixture_map(app)
    document = json.loads(render_map(data_map, "json"))
    assert document == json.loads(json.dumps(map_dict(data_map)))
    assert [(r["category"], r["recipient"] or r["sink_kind"], r["country"], r["declared"], r["seen"])
            for r in document["inventory"]] == [(r[0], r[1], r[3], r[6], r[8]) for r in INVENTORY[app]]
    nodes = {n["id"] for n in document["diagram"]["nodes"]}
    assert all(e["source"] in nodes and e["target"] in nodes for e in document["diagram"]["edges"])
    assert sorted(n for g in document["diagram"]["groups"] for n in g["nodes"]) == \
        sorted(n["id"] for n in document["diagram"]["nodes"] if n["column"] == "recipient")
    for flow in document["flows"]:
        assert set(flow) >= {"id", "category", "sink_kind", "recipient", "source", "sink", "trace", "findings"}


def test_json_flow_trace_of_the_cross_module_mixpanel_flow():
    document = json.loads(render_map(fixture_map("umegou_shop"), "json"))
    [row] = [r for r in document["inventory"] if r["recipient"] == "mixpanel" and r["category"] == "user.contact.email"]
    [flow] = [document["flows"][i] for i in row["flows"]]
    assert [(s["path"], s["line"]) for s in [flow["source"], *flow["trace"], flow["sink"]]] == [
        ("shop/views.py", 33), ("shop/views.py", 33), ("shop/views.py", 36), ("shop/integrations/analytics.py", 18),
        ("shop/integrations/analytics.py", 13)]


# ----- HTML -------------------------------------------------------------------------------------

def test_html_is_self_contained():
    page = render_map(fixture_map("umegou_shop"), "html", title="umegou_shop", link_base="../")
    assert not re.search(r"<(link|iframe|img|object|embed)\b", page)
    assert not re.search(r"<script[^>]*\bsrc=|@import|url\((?!#)", page)
    assert re.findall(r"https?://[^\s\"'<>]+", page) == ["http://www.w3.org/2000/svg"]   # a namespace, not a fetch
    data = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S)[1]
    assert json.loads(data)["link_base"] == "../"
    assert '<a href="../shop/views.py#L55">shop/views.py:55</a>' in page


def test_html_escapes_what_comes_from_code(project):
    root = project({"app.py": "import requests\n\ndef view(request):\n"
                              "    payload = {'email': request.POST['email'], 'note': '</script><b>'}\n"
                              "    requests.post('https://x.example/api', json=payload)\n"})
    report, project_ = check(Options(paths=(root,), use_cache=False, jobs=1))
    assert "</script><b>" in report.flows[0].trace[0].label
    page = render_map(build_map(report, project_.manifest), "html", title="<t>")
    assert "<b>" not in page and "<t>" not in page and "<title>Data map: &lt;t&gt;</title>" in page
    data = re.search(r'id="map-data">(.*?)</script>', page, re.S)[1]
    assert json.loads(data)["flows"][0]["trace"][0]["label"] == report.flows[0].trace[0].label


def chromium(page: Path, tmp_path: Path, *flags: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *flags],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_html_in_headless_chromium_filters_and_shows_a_trace(tmp_path):
    page = tmp_path / "map.html"
    page.write_text(render_map(fixture_map("umegou_shop"), "html", title="umegou_shop"), encoding="utf-8")
    result = chromium(page, tmp_path, "--dump-dom", f"{page.as_uri()}#category=user.contact.email&row=1")
    assert result.returncode == 0, result.stderr
    dom = result.stdout
    assert '<span id="count">4 of 19 rows</span>' in dom
    rows = re.findall(r'<tr class="[^"]*" tabindex="0" data-flows="[^"]*" data-category="([^"]+)"([^>]*)>', dom)
    assert len(rows) == 19
    assert [category for category, rest in rows if "hidden" not in rest] == ["user.contact.email"] * 4
    trace = re.search(r'<aside class="panel" id="trace".*?</aside>', dom, re.S)[0]
    assert "user.contact.email → mixpanel (1 flow)" in trace
    steps = re.findall(r'<span class="step-kind">(\w+)</span><a href="([^"]+)">([^<]+)</a>', trace)
    assert [(kind, place) for kind, _, place in steps] == [
        ("source", "shop/views.py:33:13"), ("step", "shop/views.py:33:5"), ("step", "shop/views.py:36:5"),
        ("step", "shop/integrations/analytics.py:18:5"), ("sink", "shop/integrations/analytics.py:13:9")]
    assert 'class="focus"' in re.search(r'<svg id="diagram"[^>]*>', dom)[0]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_html_screenshot_in_headless_chromium(tmp_path):
    page = tmp_path / "map.html"
    page.write_text(render_map(fixture_map("cn_registrar"), "html", title="cn_registrar"), encoding="utf-8")
    shot = tmp_path / "map.png"
    result = chromium(page, tmp_path, f"--screenshot={shot}", page.as_uri())
    assert result.returncode == 0, result.stderr
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")) == (1400, 1000)
    assert shot.stat().st_size > 50_000           # a drawn page, not a blank one


# ----- the command line -------------------------------------------------------------------------

def run(capsys, *args: str) -> tuple[int, str, str]:
    """The command line in this process (a subprocess per call would cost seconds of imports)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_map_writes_each_format_and_links_relative_to_the_output(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    link_base = Path(os.path.relpath(FIXTURES / "ad_site", out)).as_posix() + "/"
    for fmt in ("markdown", "mermaid", "dot", "html", "json"):
        target = out / f"map.{fmt}"
        code, stdout, stderr = run(capsys, "map", str(FIXTURES / "ad_site"), "--format", fmt, "-o", str(target),
                                   "--no-cache", "--jobs", "1")
        assert (code, stdout, stderr) == (0, "", "")
        assert target.read_text(encoding="utf-8") == render_map(fixture_map("ad_site"), fmt, title="ad_site",
                                                                link_base=link_base)


def test_cli_map_link_base_and_stdout(capsys):
    code, stdout, _ = run(capsys, "map", str(FIXTURES / "ad_site"), "--format", "html", "--no-cache",
                          "--link-base", "https://example.org/repo/blob/main/")
    assert code == 0
    assert '<a href="https://example.org/repo/blob/main/adsite/audience.py#L9">adsite/audience.py:9</a>' in stdout


def test_cli_map_of_a_file_shows_only_its_flows_and_no_unseen_declarations(capsys):
    code, stdout, _ = run(capsys, "map", str(FIXTURES / "ad_site" / "adsite" / "audience.py"), "--format", "json",
                          "--no-cache")
    assert code == 0
    assert [(r["category"], r["recipient"], r["seen"]) for r in json.loads(stdout)["inventory"]] == [
        ("user.contact.email", "segment", True), ("user.device.cookie_id", "segment", True),
        ("user.name", "segment", True)]


def test_cli_map_without_manifest_says_so_and_marks_everything_undeclared(tmp_path, capsys):
    write_project(tmp_path, {"app.py": "import stripe\n\ndef view(request):\n"
                                       "    stripe.Customer.create(email=request.POST['email'])\n"})
    code, stdout, stderr = run(capsys, "map", str(tmp_path), "--no-cache")
    assert code == 0 and "no privacy.yaml found" in stderr
    assert "| user.contact.email | stripe | payment_processor | US | essential.service.payment_processing | no " \
           "| PL201 | app.py:4 |" in stdout.splitlines()


def test_cli_map_usage_errors(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["map", "--format", "svg"])
    assert exit_info.value.code == 2 and "invalid choice: 'svg'" in capsys.readouterr().err
    assert run(capsys, "map", str(tmp_path / "missing"))[0] == 2
    write_project(tmp_path, {"privacy.yaml": "version: 1\ncollects: [user.emial]\n", "app.py": ""})
    code, _, stderr = run(capsys, "map", str(tmp_path), "--no-cache")
    assert code == 2 and "privacy.yaml:2:12: unknown data category 'user.emial'" in stderr


# ----- init -------------------------------------------------------------------------------------

def copy_without_manifest(app: str, tmp_path: Path) -> Path:
    target = tmp_path / app
    shutil.copytree(FIXTURES / app, target, ignore=shutil.ignore_patterns("privacy.yaml", ".privacylint_cache"))
    return target


@pytest.mark.parametrize("app, left", [("umegou_shop", ["PL403"]), ("cn_registrar", ["PL205"]), ("ad_site", [])])
def test_init_writes_a_manifest_that_validates_and_declares_what_the_code_does(app, left, tmp_path, capsys):
    root = copy_without_manifest(app, tmp_path)
    code, _, stderr = run(capsys, "init", str(root), "--no-cache")
    assert code == 0 and stderr.startswith(f"privacylint: wrote {root / 'privacy.yaml'}: ")
    load_manifest((root / "privacy.yaml").read_text(encoding="utf-8"), "privacy.yaml", shared_catalog())
    report = run_check(root)
    # Nothing a manifest can declare is left: PL403 (a stored card security code) and PL205 (a URL from
    # the environment) are about the code itself, and no manifest clears them.
    assert sorted({f.code for f in report.findings}) == left


def test_init_text_for_the_ad_site(tmp_path, capsys):
    root = copy_without_manifest("ad_site", tmp_path)
    code, stdout, _ = run(capsys, "init", str(root), "-o", "-", "--no-cache")
    assert code == 0 and not (root / "privacy.yaml").exists()
    assert stdout == """\
# privacy.yaml: a starting manifest written by `privacylint init` from what the code does.
# It declares today's behaviour, which is not yet a policy: check every entry against your
# privacy policy, add each claim's `quote:` and `line:`, and remove what the policy does not allow.
version: 1
# organization: {name: "...", country: XX}   # your home country, an ISO 3166 alpha-2 code

collects:
  - user.contact.email      # read at adsite/app.py:19
  - user.device.cookie_id   # read at adsite/app.py:12
  - user.name               # read at adsite/app.py:20

recipients:
  # Meta (Facebook) Marketing and Conversions APIs (advertiser): data goes to US (adsite/tracking.py:20)
  facebook:
    data: [user.contact.email, user.device.cookie_id, user.unique_id.pseudonymous]
    purposes: [marketing.advertising.third_party]
  # Segment (Twilio) (analytics): data goes to US (adsite/audience.py:9)
  segment:
    data: [user.contact.email, user.device.cookie_id, user.name]
    purposes: [analytics.reporting]

# Left for you, since the code cannot say what the policy promises:
#   `transfers: {allowed_countries: [...]}` (where personal data may go)
#   `prohibits:` (what the policy promises never to share)
#   `security: {transport: tls, logs: no-personal-data}`
"""


def test_init_declares_unknown_hosts_and_sdks_without_flows(tmp_path, capsys):
    root = copy_without_manifest("cn_registrar", tmp_path)
    text = run(capsys, "init", str(root), "-o", "-", "--no-cache")[1]
    assert "  # a host the catalog does not know, reached at registrar/sms.py:13;\n" \
           "  # add `country:` once you know where it processes the data\n" \
           "  api.smsbao.com:\n    hosts: [api.smsbao.com]\n    data: [user.contact.phone_number]\n" in text
    assert "  # Amazon Web Services (cloud): data goes to SG (registrar/storage.py:25)\n" \
           "  # country unknown at registrar/storage.py:30: the region is not in the code: " \
           "boto3.client(...) has no region_name\n  aws:\n" in text
    shop = run(capsys, "init", str(copy_without_manifest("umegou_shop", tmp_path)), "-o", "-", "--no-cache")[1]
    assert "  # Alipay (payment_processor): imported at shop/payments.py:5; no personal data was seen reaching it\n" \
           "  alipay:\n    data: []\n" in shop


def test_init_never_overwrites_without_force(tmp_path, capsys):
    root = write_project(tmp_path, {"privacy.yaml": "version: 1\n",
                                    "app.py": "def view(request):\n    return request.POST['email']\n"})
    code, _, stderr = run(capsys, "init", str(root), "--no-cache")
    assert code == 2 and "already exists; `--force` replaces it" in stderr
    assert (root / "privacy.yaml").read_text(encoding="utf-8") == "version: 1\n"
    assert run(capsys, "init", str(root), "--force", "--no-cache")[0] == 0
    assert "  - user.contact.email   # read at app.py:2\n" in (root / "privacy.yaml").read_text(encoding="utf-8")


def test_init_writes_where_pyproject_names_the_manifest_and_ignores_its_select(tmp_path, capsys):
    root = write_project(tmp_path, {
        "pyproject.toml": '[tool.privacylint]\nmanifest = "docs/privacy.yaml"\nselect = ["PL4"]\n',
        "docs/.keep": "",
        "app.py": "def view(request):\n    return request.POST['email']\n"})
    assert run(capsys, "init", str(root), "--no-cache")[0] == 0
    text = (root / "docs" / "privacy.yaml").read_text(encoding="utf-8")
    assert "collects:\n  - user.contact.email   # read at app.py:2\n" in text
    assert "recipients: {}" in text


# ----- init --policy: the policy draft, merged with what the code does ---------------------------

def observed_shop():
    from privacylint.starting_manifest import Observed, ObservedRecipient
    return Observed(
        collects={"user.contact.email": "app.py:3", "user.name": "app.py:4"},
        recipients={
            "segment": ObservedRecipient("segment", "Segment (Twilio)", "analytics", None,
                                         {"user.contact.email", "user.name"}, {"analytics.reporting"},
                                         {"US": "app.py:9"}),
            "facebook": ObservedRecipient("facebook", "Meta", "advertiser", None,
                                          {"user.device.cookie_id", "user.contact.email"},
                                          {"marketing.advertising.third_party"}, {"US": "app.py:12"}),
            "stripe": ObservedRecipient("stripe", "Stripe", "payment_processor", None, {"user.contact.email"},
                                        {PAY}, {"US": "app.py:15"})})


def test_merge_keeps_the_draft_and_extends_its_lists_in_their_own_style():
    from privacylint.starting_manifest import merged_with_draft
    draft = """\
# DRAFT privacy.yaml
version: 1
collects:
  - data: user.contact
    quote: "email"
    line: 1
recipients:
  segment:
    data: [user.contact.phone_number]  # review: check this
    purposes: [analytics]
    quote: "analytics partners"
  facebook:
    data:
    - user.device.cookie_id
    purposes:
      - marketing.advertising
prohibits:
  - data: [user.name]
    to: {kind: advertiser}
"""
    assert merged_with_draft(draft, observed_shop(), shared_catalog()) == """\
# Merged by `privacylint init` with what the code does: lines marked `from the code` are what
# the code does that the policy does not say: change one or the other.
# DRAFT privacy.yaml
version: 1
collects:
  - data: user.contact
    quote: "email"
    line: 1
  - user.name   # from the code, not in the policy: read at app.py:4
recipients:
  segment:
    # from the code, not in the policy: data user.contact.email, user.name
    data: [user.contact.phone_number, user.contact.email, user.name]  # review: check this
    purposes: [analytics]
    quote: "analytics partners"
  facebook:
    data:
    - user.device.cookie_id
    # from the code, not in the policy: data user.contact.email
    - user.contact.email
    purposes:
      - marketing.advertising
  # from the code, not in the policy: Stripe (payment_processor): data goes to US (app.py:15)
  stripe:
    data: [user.contact.email]
    purposes: [essential.service.payment_processing]
prohibits:
  - data: [user.name]
    to: {kind: advertiser}
"""


def test_merge_starts_missing_sections_and_respects_kind_declarations():
    from privacylint.starting_manifest import merged_with_draft
    draft = ("version: 1\ncollects: []\n\n# recipients: the policy names no one.\n"
             "recipients:\n  advertisers:\n    kind: advertiser\n    data: [user]\n\nsecurity:\n  transport: tls\n")
    merged = merged_with_draft(draft, observed_shop(), shared_catalog())
    assert merged.split("\n", 2)[2] == """\
version: 1
collects:
  - user.contact.email   # from the code, not in the policy: read at app.py:3
  - user.name            # from the code, not in the policy: read at app.py:4

# recipients: the policy names no one.
recipients:
  advertisers:
    kind: advertiser
    data: [user]
  # from the code, not in the policy: Segment (Twilio) (analytics): data goes to US (app.py:9)
  segment:
    data: [user.contact.email, user.name]
    purposes: [analytics.reporting]
  # from the code, not in the policy: Stripe (payment_processor): data goes to US (app.py:15)
  stripe:
    data: [user.contact.email]
    purposes: [essential.service.payment_processing]

security:
  transport: tls
"""
    load_manifest(merged, "privacy.yaml", shared_catalog())
    bare = merged_with_draft("version: 1\nsecurity: {transport: tls}\n", observed_shop(), shared_catalog())
    assert "\ncollects:\n  - user.contact.email" in bare and "\nrecipients:\n  # from the code" in bare
    assert bare.index("recipients:") < bare.index("security:")
    load_manifest(bare, "privacy.yaml", shared_catalog())


def test_init_with_a_policy_merges_the_policy_draft(tmp_path, capsys):
    root = copy_without_manifest("ad_site", tmp_path)
    code, _, stderr = run(capsys, "init", str(root), "--policy", str(root / "policy.txt"), "--no-cache")
    assert code == 0, stderr
    text = (root / "privacy.yaml").read_text(encoding="utf-8")
    manifest = load_manifest(text, "privacy.yaml", shared_catalog())
    assert manifest.policy == "policy.txt"
    assert "  - user.name   # from the code, not in the policy: read at adsite/app.py:20\n" in text
    assert {r.id for r in manifest.recipients} == {"advertisers", "segment"}   # facebook is an advertiser
    assert [(p.data, p.claim.policy_line) for p in manifest.prohibits] == [(("user.name", "user.contact.email"), 4)]
    report = run_check(root)
    # The policy forbids sharing names and emails, and the code does it: init does not hide that.
    assert sorted({(f.code, f.location.path, f.location.line) for f in report.findings if f.severity != "info"}) == [
        ("PL204", "adsite/audience.py", 9), ("PL204", "adsite/tracking.py", 33)]


def test_a_project_without_flows_still_gets_every_format(project):
    root = project({"privacy.yaml": "version: 1\n", "app.py": "print('hello')\n"})
    report, project_ = check(Options(paths=(root,), use_cache=False, jobs=1))
    data_map = build_map(report, project_.manifest)
    assert (data_map.rows, data_map.nodes, data_map.edges, data_map.groups) == ([], [], [], [])
    assert "No personal data flows were found" in render_map(data_map, "markdown")
    assert parse_dot(render_map(data_map, "dot"))["nodes"] == {}
    assert parse_mermaid(render_map(data_map, "mermaid"))["nodes"] == {}
    assert json.loads(render_map(data_map, "json"))["inventory"] == []
    assert "No personal data flows were found." in render_map(data_map, "html")


# ----- Fides (privacylint[fides]) ---------------------------------------------------------------

def test_fides_export_is_valid_fides_and_round_trips_through_init(tmp_path, capsys):
    pytest.importorskip("fideslang", reason="privacylint[fides] is not installed")
    from fideslang.models import System
    exported = tmp_path / "fides.yaml"
    assert run(capsys, "map", str(FIXTURES / "umegou_shop"), "--format", "fides", "-o", str(exported),
               "--no-cache")[0] == 0
    systems = [System.model_validate(s) for s in __import__("yaml").safe_load(exported.read_text())["system"]]
    assert [s.fides_key for s in systems] == ["umegou_shop", "mixpanel", "paypal", "umegou-wms", "facebook",
                                              "sentry", "alipay", "wechatpay"]
    app = systems[0]
    assert [(f.fides_key, f.data_categories) for f in app.egress][:2] == [
        ("mixpanel", ["user.account.username", "user.contact.email"]),
        ("paypal", ["user.contact.address", "user.financial"])]
    assert app.does_international_transfers is True
    facebook = systems[4]
    assert (facebook.description, [(d.data_use, d.data_categories) for d in facebook.privacy_declarations]) == (
        "advertiser; processes data in US",
        [("marketing.advertising.third_party",
          ["user.contact.email", "user.contact.phone_number", "user.device.cookie_id"])])
    # The card security code goes to storage, not to a third party: nothing finer than Fides' keys leaks out.
    assert "security_code" not in exported.read_text()

    root = copy_without_manifest("umegou_shop", tmp_path)
    code, stdout, stderr = run(capsys, "init", str(root), "--fides", str(exported), "-o", "-", "--no-cache")
    assert code == 0, stderr
    manifest = load_manifest(stdout, "privacy.yaml", shared_catalog())
    assert [(r.id, r.data, r.purposes) for r in manifest.recipients] == [
        ("mixpanel", ("user.account.username", "user.contact.email"), ("analytics.reporting",)),
        ("paypal", ("user.contact.address", "user.financial"), ("essential.service.payment_processing",)),
        ("facebook", ("user.contact.email", "user.contact.phone_number", "user.device.cookie_id"),
         ("marketing.advertising.third_party",)),
        ("sentry", ("user.contact.email", "user.device.ip_address"), ("essential.service.operations.support",)),
        ("alipay", ("user.financial",), ("essential.service.payment_processing",)),
        ("wechatpay", ("user.financial",), ("essential.service.payment_processing",)),
        ("wms.umegou.com", ("user.contact.address", "user.contact.phone_number"), ())]
    # umegou-wms is the manifest's own recipient, recognised by hosts Fides cannot carry: listed for review.
    assert "# Not imported: recipients the catalog does not know" in stdout and "#     umegou-wms:" in stdout
    assert "  - user.authorization.password   # from the code, not in the Fides manifest: read at " \
           "shop/views.py:34\n" in stdout


def test_fides_import_needs_one_application_system(tmp_path, capsys):
    pytest.importorskip("fideslang", reason="privacylint[fides] is not installed")
    from privacylint.fides import import_manifest
    two = ("system:\n- {fides_key: a, system_type: Service, privacy_declarations: []}\n"
           "- {fides_key: b, system_type: Service, privacy_declarations: []}\n")
    with pytest.raises(Exception, match="several systems \\(a, b\\); name the application's with --fides-system"):
        import_manifest(two, "f.yaml", shared_catalog())
    text = import_manifest(
        "system:\n- fides_key: shop\n  name: Shop\n  system_type: Service\n"
        "  egress: [{fides_key: stripe, type: system}, {fides_key: acme, type: system}]\n"
        "  privacy_declarations:\n"
        "  - {data_use: essential.service.payment_processing, data_categories: [user.financial, system.operations],"
        " egress: [stripe]}\n",
        "f.yaml", shared_catalog())
    assert text.splitlines()[4:] == [
        "version: 1", "organization: {name: Shop}", "", "collects:", "  - user.financial", "", "recipients:",
        "  stripe:", "    data: [user.financial]", "    purposes: [essential.service.payment_processing]", "",
        "# Not imported: recipients the catalog does not know, with nothing to recognise them by.",
        "# Declare each with `hosts:`, `modules:` or `calls:` (see the README):",
        "#     acme:", "#       data: []", "", "# Dropped (not in privacylint's taxonomy): system.operations"]
    load_manifest(text, "privacy.yaml", shared_catalog())


def test_fides_without_the_extra_is_a_clear_error(capsys):
    if __import__("importlib.util").util.find_spec("fideslang") is not None:
        pytest.skip("fideslang is installed")
    code, _, stderr = run(capsys, "map", str(FIXTURES / "ad_site"), "--format", "fides", "--no-cache")
    assert code == 2
    assert stderr == "privacylint: error: Fides export and import need fideslang: pip install 'privacylint[fides]'\n"
