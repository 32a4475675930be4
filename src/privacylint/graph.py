"""The whole-project data-flow graph (networkx) built from module facts, and the flows it holds.

Nodes are values: variables, instance attributes, call results, function returns, personal-data
sources and sinks. An edge carries the code location where data moves, which becomes a trace step.
Calls into project functions are "enter" edges (argument -> parameter) and "exit" edges (return ->
call result) tagged with the call site, so a flow through a helper returns only to its own caller.
"""

from __future__ import annotations

import fnmatch
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Optional, Union

import networkx as nx

from privacylint.catalog import Catalog, CallRule, Recipient, host_matches
from privacylint.facts import Argument, Call, Callee, ModuleFacts, Ref, StaticText
from privacylint.positions_model import Span
from privacylint.manifest import DeclaredRecipient, Manifest
from privacylint.model import Flow, Location, ResolvedRecipient, SdkUse, Sink, SourceRead

PSEUDONYMOUS = "user.unique_id.pseudonymous"
MAX_CALL_DEPTH = 3
MAX_RESOLVE_DEPTH = 12

# What a name or callee stands for.
#   ("var", module, scope, name) | ("attr", module, class, name) | ("function", qualname)
#   ("class", qualname) | ("instance", class qualname) | ("module", name) | ("external", dotted)
Target = tuple


@dataclass
class CallSite:
    """A call with its resolved target and the calls its receiver was built by (for regions)."""

    module: str
    index: int
    call: Call
    target: Target
    origins: list[tuple[str, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.target[1] if self.target[0] in ("external", "function", "class") else ""


class ProjectGraph:
    def __init__(self, modules: dict[str, ModuleFacts], catalog: Catalog, manifest: Manifest):
        self.modules = modules
        self.catalog = catalog
        self.manifest = manifest
        self.graph = nx.MultiDiGraph()
        self.sinks: dict[tuple, Sink] = {}
        self.call_sites: dict[tuple[str, int], CallSite] = {}
        self._callee_cache: dict[tuple[str, int], tuple[Target, list]] = {}
        self._names: dict[tuple[str, str, str], Optional[Target]] = {}
        self._edges = 0
        self.keyed: set[tuple] = set()  # variables holding dicts filled by literal keys
        self.functions: dict[str, tuple[str, str]] = {}  # qualname -> (module, scope)
        self.classes: dict[str, tuple[str, str]] = {}    # qualname -> (module, class path)
        self.imports: dict[str, dict[str, str]] = {}
        for name, facts in modules.items():
            self.imports[name] = {imp.local: imp.target for imp in facts.imports}
            for scope in facts.scopes.values():
                if scope.kind == "function":
                    self.functions[f"{name}.{scope.name}"] = (name, scope.name)
            for class_path in facts.classes:
                self.classes[f"{name}.{class_path}"] = (name, class_path)
        self.custom_calls = {call: entry for entry in manifest.recipients for call in entry.calls}
        self.custom_modules = [(prefix, entry) for entry in manifest.recipients for prefix in entry.modules]

    # ----- name resolution ------------------------------------------------------------------
    def resolve_name(self, module: str, scope: str, name: str, depth: int = 0) -> Optional[Target]:
        key = (module, scope, name)
        found = self._names.get(key)
        if found is None:
            found = self._names[key] = self._resolve_name(module, scope, name, depth)
        return found

    def _resolve_name(self, module: str, scope: str, name: str, depth: int) -> Optional[Target]:
        facts = self.modules[module]
        current = scope
        while True:
            info = facts.scopes.get(current)
            if info is None:
                break
            if name in info.locals and (current != "" or name not in self.imports[module]):
                if current == "" or info.kind != "class":
                    return self._symbol(module, current, name, depth)
            if current == "":
                break
            current = info.parent
        if name in self.imports[module]:
            return self.resolve_qualified(self.imports[module][name], depth + 1)
        if "*" in self.imports[module]:
            star = self.imports[module]["*"]
            if star in self.modules and name in self.modules[star].scopes[""].locals:
                return self.resolve_name(star, "", name, depth + 1)
        return ("external", name)

    def _symbol(self, module: str, scope: str, name: str, depth: int) -> Target:
        qualified = f"{module}.{scope}.{name}" if scope else f"{module}.{name}"
        if qualified in self.functions:
            return ("function", qualified)
        if qualified in self.classes:
            return ("class", qualified)
        return ("var", module, scope, name)

    def resolve_qualified(self, dotted: str, depth: int = 0) -> Target:
        """`pkg.mod.func` -> the project symbol it names, or ("external", dotted)."""
        if depth > MAX_RESOLVE_DEPTH:
            return ("external", dotted)
        if dotted in self.modules:
            return ("module", dotted)
        head, _, last = dotted.rpartition(".")
        if head in self.modules:
            facts = self.modules[head]
            if last in facts.scopes[""].locals or last in self.imports[head]:
                return self.resolve_name(head, "", last, depth + 1) or ("external", dotted)
            if f"{head}.{last}" in self.modules:
                return ("module", f"{head}.{last}")
        return ("external", dotted)

    def resolve_callee(self, module: str, callee: Callee, depth: int = 0) -> tuple[Target, list[tuple[str, int]]]:
        """What a called expression names, and the calls that built its receiver (innermost last)."""
        origins: list[tuple[str, int]] = []
        base = callee.base
        if base is None:
            return ("external", "?." + ".".join(callee.attributes)), origins
        if base[0] == "mapping":
            return ("external", base[1] + ".__setitem__"), origins
        if base[0] == "self":
            target: Target = ("instance", f"{module}.{base[1]}")
        elif base[0] == "call":
            target, origins = self.result_of(module, base[1], depth + 1)
        else:
            target = self.resolve_name(module, base[1], base[2], depth) or ("external", base[2])
        for attribute in callee.attributes:
            target, more = self.member(target, attribute, depth + 1)
            origins += more
        return target, origins

    def result_of(self, module: str, index: int, depth: int) -> tuple[Target, list[tuple[str, int]]]:
        """The value a call returns, as a target: an instance of a class, or external `name()`."""
        if depth > MAX_RESOLVE_DEPTH:
            return ("external", "?"), []
        target, origins = self.callee_target(module, index, depth)
        origins = origins + [(module, index)]
        if target[0] == "class":
            return ("instance", target[1]), origins
        if target[0] == "external":
            return ("external", target[1] + "()"), origins
        if target[0] == "function":
            # a factory: `def client(): return boto3.client("s3", ...)` returns what that call returns
            fmodule, fscope = self.functions[target[1]]
            for returned in self.modules[fmodule].returns:
                if returned.scope == fscope and len(returned.refs) == 1 and returned.refs[0][0] == "call":
                    inner, more = self.result_of(fmodule, returned.refs[0][1], depth + 1)
                    return inner, origins + more
        return ("external", "?()"), origins

    def callee_target(self, module: str, index: int, depth: int = 0) -> tuple[Target, list[tuple[str, int]]]:
        key = (module, index)
        if key not in self._callee_cache:
            self._callee_cache[key] = (("external", "?"), [])  # a cycle resolves to unknown
            self._callee_cache[key] = self.resolve_callee(module, self.modules[module].calls[index].callee, depth)
        return self._callee_cache[key]

    def member(self, target: Target, attribute: str, depth: int) -> tuple[Target, list]:
        kind = target[0]
        if kind == "module":
            return self.resolve_qualified(f"{target[1]}.{attribute}", depth), []
        if kind in ("class", "instance"):
            found = self.method(target[1], attribute)
            if found:
                return ("function", found), []
            bound = self.attribute_binding(target[1], attribute)
            if bound is not None:
                return self.result_of(bound[0], bound[1], depth + 1)
            return ("external", f"{target[1]}.{attribute}"), []
        if kind == "var":
            bound = self.modules[target[1]].bindings.get((target[2], target[3]))
            if bound is not None and depth <= MAX_RESOLVE_DEPTH:
                if bound[0] == "call":
                    inner, origins = self.result_of(target[1], bound[1], depth + 1)
                else:
                    inner, origins = self.resolve_callee(target[1], bound[1], depth + 1)
                result, more = self.member(inner, attribute, depth + 1)
                return result, origins + more
            return ("external", f"{target[3]}.{attribute}"), []
        return ("external", f"{target[1]}.{attribute}"), []

    def method(self, class_name: str, attribute: str, seen: Optional[set] = None) -> Optional[str]:
        if f"{class_name}.{attribute}" in self.functions:
            return f"{class_name}.{attribute}"
        seen = seen or set()
        if class_name in seen or class_name not in self.classes:
            return None
        seen.add(class_name)
        module, path = self.classes[class_name]
        for base in self.modules[module].classes[path].bases:
            target, _ = self.resolve_callee(module, base)
            if target[0] == "class":
                found = self.method(target[1], attribute, seen)
                if found:
                    return found
        return None

    def attribute_binding(self, class_name: str, attribute: str) -> Optional[tuple[str, int]]:
        if class_name not in self.classes:
            return None
        module, path = self.classes[class_name]
        bound = self.modules[module].attribute_bindings.get((path, attribute))
        return (module, bound[1]) if bound else None

    # ----- static text (URLs, regions, endpoints) -------------------------------------------
    def resolve_text(self, module: str, text: Optional[StaticText], depth: int = 0) -> tuple[str, bool, str]:
        """(known text, whether it is the whole value, a note on how it was found or why not)."""
        if text is None:
            return "", False, "not a literal"
        known, notes = "", [text.note] if text.note else []
        for part in text.parts:
            if isinstance(part, str):
                known += part
                continue
            if part is None or depth > MAX_RESOLVE_DEPTH:
                return known, False, "; ".join(notes) or "computed at run time"
            value, complete, note = self.resolve_text_ref(module, part, depth + 1)
            known += value
            if note:
                notes.append(note)
            if not complete:
                return known, False, "; ".join(notes)
        return known, True, "; ".join(notes)

    def resolve_text_ref(self, module: str, ref: Ref, depth: int) -> tuple[str, bool, str]:
        if ref[0] == "name":
            target = self.resolve_name(module, ref[1], ref[2])
        else:  # ("dotted", scope, "a.b.c")
            first, *rest = ref[2].split(".")
            target = self.resolve_name(module, ref[1], first)
            for attribute in rest:
                if target is None:
                    break
                if target[0] == "external" and target[1] == "django.conf.settings":
                    target = self.django_setting(attribute)
                    continue
                if target[0] == "class":
                    cmod, cpath = self.classes[target[1]]
                    target = ("var", cmod, cpath, attribute)
                    continue
                target, _ = self.member(target, attribute, depth)
        if target is not None and target[0] == "var":
            text = self.modules[target[1]].constants.get((target[2], target[3]))
            if text is not None:
                return self.resolve_text(target[1], text, depth + 1)
            return "", False, f"'{target[3]}' is not a constant"
        if target is not None and target[0] == "external" and ref[0] == "name":
            return "", False, f"'{ref[2]}' is not defined in the project"
        return "", False, f"'{ref[-1]}' is computed at run time"

    def django_setting(self, name: str) -> Optional[Target]:
        for module, facts in self.modules.items():
            if (module == "settings" or module.endswith(".settings")) and name in facts.scopes[""].locals:
                return ("var", module, "", name)
        return None

    # ----- building -------------------------------------------------------------------------
    def node_of(self, module: str, ref: Ref) -> Optional[tuple]:
        """The node a value is read from (see `read_nodes` for keyed reads)."""
        kind = ref[0]
        if kind == "source":
            return ("src", module, ref[1])
        if kind == "call":
            return ("call", module, ref[1])
        if kind == "attr":
            return ("attr", module, ref[1], ref[2])
        if kind == "return":
            return ("ret", module, ref[1])
        if kind in ("name", "key"):
            target = self.resolve_name(module, ref[1], ref[2])
            if target is not None and target[0] == "var":
                return target
        return None

    def read_nodes(self, module: str, ref: Ref) -> list[tuple]:
        """`d["k"]` of a dict filled by literal keys reads that key's field and what came in whole."""
        node = self.node_of(module, ref)
        if node is None:
            return []
        if ref[0] == "key" and node in self.keyed:
            return [self.field(node, ref[3]), ("base",) + node[1:]]
        return [node]

    def write_node(self, module: str, ref: Ref) -> Optional[tuple]:
        """Where an assignment puts data: a keyed dict's field, its base (whole values), or the node."""
        node = self.node_of(module, ref)
        if node is None:
            return None
        if ref[0] == "key":
            return self.field(node, ref[3])
        return self.base_of(node)

    def base_of(self, node: tuple) -> tuple:
        return ("base",) + node[1:] if node in self.keyed else node

    def field(self, variable: tuple, key: str) -> tuple:
        node = ("field",) + variable[1:] + (key,)
        if node not in self.graph:
            self.edge(node, variable, step=None)  # the whole dict holds each field
        return node

    def edge(self, source: tuple, target: tuple, **attributes) -> None:
        """An explicit key skips networkx's search for a free one (a third of the build time)."""
        self._edges += 1
        self.graph.add_edge(source, target, key=self._edges, **attributes)

    def add_flow_edges(self, module: str, refs: Iterable[Ref], target: tuple, step: Optional[Location],
                       **attributes) -> None:
        for ref in refs:
            for node in self.read_nodes(module, ref):
                if node != target:
                    self.edge(node, target, step=step, **attributes)

    def location(self, facts: ModuleFacts, span: Span, label: str) -> Location:
        return Location(facts.path, span.line, span.column, label, span.end_line, span.end_column)

    def build(self) -> "ProjectGraph":
        for module, facts in self.modules.items():
            for scope, name in facts.keyed:
                variable = self.resolve_name(module, scope, name)
                if variable is not None and variable[0] == "var":
                    self.keyed.add(variable)
                    self.edge(("base",) + variable[1:], variable, step=None)
        for module, facts in self.modules.items():
            for index, source in enumerate(facts.sources):
                self.graph.add_node(("src", module, index))
            for assignment in facts.assignments + facts.returns:
                target = self.write_node(module, assignment.target)
                if target is not None:
                    self.add_flow_edges(module, assignment.refs, target,
                                        self.location(facts, assignment.span, assignment.label))
            for index, call in enumerate(facts.calls):
                self.add_call(module, facts, index, call)
        return self

    def add_call(self, module: str, facts: ModuleFacts, index: int, call: Call) -> None:
        target, origins = self.callee_target(module, index)
        site = CallSite(module, index, call, target, origins)
        self.call_sites[(module, index)] = site
        step = self.location(facts, call.span, call.label + "(...)")
        result = ("call", module, index)
        if call.callee.base is not None and call.callee.base[0] == "mapping":
            self.add_sink(site, "storage", CallRule(call.label), None, step)  # request.session[...] = value
            return
        custom = self.custom_sink(site)
        if custom is not None:
            self.add_sink(site, "third_party", CallRule(site.name or call.label), custom, step)
            return
        if target[0] in ("function", "class"):
            self.link_project_call(site, step)
            return
        name = target[1] if target[0] == "external" else ""
        matches = self.catalog.match_call(name) if name else []
        if matches:
            self.add_sink(site, matches[0].kind, matches[0].rule, matches[0].recipient, step)
            return
        method = name.rpartition(".")[2] if call.callee.attributes else ""
        if name in self.catalog.ends_flow or method in self.catalog.ends_flow_methods:
            return
        if method in self.catalog.fills_receiver and call.callee.base is not None:
            base, attributes = call.callee.base, call.callee.attributes
            container = (self.write_node(module, base) if len(attributes) == 1 else
                         ("attr", module, base[1], attributes[0]) if base[0] == "self" and len(attributes) == 2
                         else None)
            if container is not None:  # batch.append(item): the item is now inside batch
                self.add_flow_edges(module, [r for arg in call.arguments for r in arg.refs], container, step)
        transform = "pseudonymize" if name in self.catalog.pseudonymizes else ""
        refs = [r for arg in call.arguments for r in arg.refs] + list(call.receiver)
        self.add_flow_edges(module, refs, result, step, transform=transform)

    def link_project_call(self, site: CallSite, step: Location) -> None:
        kind, qualified = site.target
        if kind == "class":
            init = self.method(qualified, "__init__")
            if init is None:
                return
            qualified, bound = init, True
        else:
            fmodule, fscope = self.functions[qualified]
            scope = self.modules[fmodule].scopes[fscope]
            bound = (scope.class_name is not None and not scope.is_static
                     and site.call.callee.base is not None and (site.call.callee.attributes != ()))
            if bound and site.call.callee.base[0] == "name":
                resolved = self.resolve_name(site.module, site.call.callee.base[1], site.call.callee.base[2])
                bound = resolved is None or resolved[0] != "class"
        fmodule, fscope = self.functions[qualified]
        parameters = list(self.modules[fmodule].scopes[fscope].parameters)
        if bound and parameters and parameters[0].kind == "positional":
            parameters = parameters[1:]
        callsite = (site.module, site.index)
        positional = [p for p in parameters if p.kind == "positional"]
        by_name = {p.name: p for p in parameters if p.kind in ("positional", "keyword_only")}
        star = next((p for p in parameters if p.kind == "*"), None)
        double_star = next((p for p in parameters if p.kind == "**"), None)
        position = 0
        for argument in site.call.arguments:
            targets = []
            if argument.star == "*":
                targets = positional[position:] + ([star] if star else [])
            elif argument.star == "**":
                targets = list(by_name.values()) + ([double_star] if double_star else [])
            elif argument.keyword is not None:
                found = by_name.get(argument.keyword) or double_star
                targets = [found] if found else []
            else:
                targets = [positional[position]] if position < len(positional) else ([star] if star else [])
                position += 1
            for parameter in targets:
                self.add_flow_edges(site.module, argument.refs, self.base_of(("var", fmodule, fscope, parameter.name)),
                                    step, enter=callsite)
        self.edge(("ret", fmodule, fscope), ("call", site.module, site.index), step=None, exit=callsite)

    def custom_sink(self, site: CallSite) -> Optional[Recipient]:
        """Manifest `calls:` and `modules:` make calls sinks, project functions included."""
        name = site.name
        if not name:
            return None
        entry = self.custom_calls.get(name)
        if entry is None:
            entry = next((e for prefix, e in self.custom_modules
                          if name == prefix or name.startswith(prefix + ".")), None)
        return declared_recipient(entry, self.catalog) if entry is not None else None

    # ----- sinks ----------------------------------------------------------------------------
    def add_sink(self, site: CallSite, kind: str, rule: CallRule, recipient: Optional[Recipient],
                 step: Location) -> None:
        facts = self.modules[site.module]
        location = self.location(facts, site.call.span, sink_label(site, self))
        node = ("sink", site.module, site.index)
        if kind == "http":
            sink = self.http_sink(site, rule, location)
        elif kind in ("log", "storage"):
            sink = Sink(location, kind, None, None)
        else:
            sink = self.recipient_sink(site, rule, recipient, location)
        self.sinks[node] = sink
        self.graph.add_node(node)
        for argument in select_arguments(site.call.arguments, rule.args):
            self.add_flow_edges(site.module, argument.refs, node, None)
        if rule.args is not None and "self" in rule.args:
            self.add_flow_edges(site.module, site.call.receiver, node, None)

    def recipient_sink(self, site: CallSite, rule: CallRule, recipient: Recipient, location: Location) -> Sink:
        entry = next((e for e in self.manifest.recipients if e.id == recipient.id and e.catalog is not None), None)
        country, note = recipient.country, ""
        if entry is not None and entry.country:
            country, note = entry.country, f"declared in the manifest ({entry.claim.where})"
        plaintext = False
        if recipient.region_from:
            region, where = self.argument_text(site, [(s.pattern, s.arg) for s in recipient.region_from])
            if region is None:
                if entry is None or not entry.country:
                    country, note = None, f"the region is not in the code: {where}"
            else:
                mapped = self.catalog.country_of_region(recipient.region_provider, region)
                country, note = (mapped, f"region {region}") if mapped else (None, f"unknown region '{region}'")
        for endpoint in recipient.endpoints:
            value, where = self.argument_text(site, [(endpoint.pattern, endpoint.arg)])
            if value is None:
                continue
            scheme, host = split_url(value, endpoint.default_scheme)
            plaintext = scheme == "http"
            region = None
            if endpoint.region_pattern and host:
                match = re.search(endpoint.region_pattern, host)
                region = match.group("region") if match else None
            if region is not None and recipient.region_provider:
                mapped = self.catalog.country_of_region(recipient.region_provider, region)
                country, note = (mapped, f"endpoint {host}") if mapped else (None, f"unknown region '{region}' in {host}")
            elif host:
                country, note = host_country(recipient, host, country, note)
        resolved = ResolvedRecipient(recipient.id, recipient.name, recipient.kind, country, note)
        purpose = rule.purpose or (recipient.purposes[0] if recipient.purposes else None)
        return Sink(location, "third_party", resolved, purpose, plaintext)

    def argument_text(self, site: CallSite, specs: list[tuple[str, Union[str, int]]]) -> tuple[Optional[str], str]:
        """The static text of an argument of the sink call or of a call that built its receiver,
        or None and why not."""
        chain = [(site.module, site.index)] + list(reversed(site.origins))
        seen: list[str] = []
        for module, index in chain:
            target, _ = self.callee_target(module, index)
            name = target[1] if target[0] == "external" else ""
            for pattern, arg in specs:
                if not name or not fnmatch.fnmatchcase(name, pattern):
                    continue
                argument = find_argument(self.modules[module].calls[index].arguments, arg)
                if argument is None:
                    seen.append(f"{name}(...) has no {arg}")
                    continue
                text, complete, note = self.resolve_text(module, argument.text)
                if complete:
                    return text, note
                return None, f"{name}(...) takes it from {note or 'a value computed at run time'}"
        if seen:
            return None, seen[0]
        return None, "the client is built outside the code privacylint can see"

    def http_sink(self, site: CallSite, rule: CallRule, location: Location) -> Sink:
        argument = None
        for spec in rule.url:
            argument = find_argument(site.call.arguments, spec)
            if argument is not None:
                break
        if argument is None:
            return Sink(location, "endpoint", None, None, unresolved="the URL argument is missing")
        text, complete, note = self.resolve_text(site.module, argument.text)
        scheme, host = split_url(text, None)
        host_known = host and (complete or len(text) > len(f"{scheme}://{host}"))
        if not host_known:
            reason = note or "the URL is computed at run time"
            return Sink(location, "endpoint", None, None, unresolved=f"{reason}" + (f" (starts '{text}')" if text else ""))
        recipient = self.recipient_for_host(host)
        plaintext = scheme == "http"
        if recipient is None:
            resolved = ResolvedRecipient(host, host, "third_party", None, "a host unknown to the catalog and the manifest")
            return Sink(location, "third_party", resolved, None, plaintext)
        country, country_note = host_country(recipient, host, recipient.country, f"host {host}")
        entry = next((e for e in self.manifest.recipients if e.id == recipient.id and e.country), None)
        if entry is not None and not recipient.custom:
            country, country_note = entry.country, f"declared in the manifest ({entry.claim.where})"
        resolved = ResolvedRecipient(recipient.id, recipient.name, recipient.kind, country, country_note)
        purpose = recipient.purposes[0] if recipient.purposes else None
        return Sink(location, "third_party", resolved, purpose, plaintext)

    def recipient_for_host(self, host: str) -> Optional[Recipient]:
        for entry in self.manifest.recipients:
            if any(host_matches(host, pattern) for pattern in entry.hosts):
                return declared_recipient(entry, self.catalog)
        return self.catalog.recipient_for_host(host)

    # ----- flows ----------------------------------------------------------------------------
    def flows(self) -> list[Flow]:
        found: dict[tuple, Flow] = {}
        for module, facts in self.modules.items():
            for index, source in enumerate(facts.sources):
                origin = Location(facts.path, source.span.line, source.span.column,
                                  f"{source.label} ({source.evidence})", source.span.end_line, source.span.end_column)
                for flow in self.flows_from(("src", module, index), source.category, origin):
                    key = (flow.source, flow.sink.location, flow.category)
                    if key not in found or len(flow.trace) < len(found[key].trace):
                        found[key] = flow
        return sorted(found.values(), key=flow_order)

    def flows_from(self, start: tuple, category: str, origin: Location) -> list[Flow]:
        initial = (start, category, ())
        parents: dict[tuple, tuple[Optional[tuple], Optional[Location]]] = {initial: (None, None)}
        queue = deque([initial])
        flows = []
        while queue:
            state = queue.popleft()
            node, current, stack = state
            if node in self.sinks:
                flows.append(Flow(current, origin, self.sinks[node], self.trace(parents, state)))
                continue
            for _, successor, data in self.graph.out_edges(node, data=True):
                next_stack = stack
                if "enter" in data:
                    next_stack = (stack + (data["enter"],))[-MAX_CALL_DEPTH:]
                elif "exit" in data:
                    if stack:
                        if stack[-1] != data["exit"]:
                            continue
                        next_stack = stack[:-1]
                next_category = PSEUDONYMOUS if data.get("transform") == "pseudonymize" else current
                next_state = (successor, next_category, next_stack)
                if next_state not in parents:
                    parents[next_state] = (state, data.get("step"))
                    queue.append(next_state)
        return flows

    @staticmethod
    def trace(parents: dict, state: tuple) -> tuple[Location, ...]:
        """The steps from source to sink; of several steps on one line, the last (outermost) stays."""
        steps: list[Location] = []
        while True:
            previous, step = parents[state]
            if previous is None:
                break
            if step is not None and not (steps and (steps[-1].path, steps[-1].line) == (step.path, step.line)):
                steps.append(step)
            state = previous
        steps.reverse()
        return tuple(steps)

    # ----- other facts the checks need ------------------------------------------------------
    def source_reads(self) -> list[SourceRead]:
        return [SourceRead(Location(f.path, s.span.line, s.span.column, f"{s.label} ({s.evidence})",
                                    s.span.end_line, s.span.end_column), s.category)
                for f in self.modules.values() for s in f.sources]

    def sdk_uses(self) -> list[SdkUse]:
        uses = []
        top_packages = {name.split(".")[0] for name in self.modules}
        for facts in self.modules.values():
            seen: set[str] = set()
            for imported in facts.imports:
                if imported.target in self.modules or imported.target.split(".")[0] in top_packages:
                    continue
                recipient = self.catalog.recipient_for_module(imported.target)
                if recipient is not None and recipient.id not in seen:
                    seen.add(recipient.id)
                    span = imported.span
                    uses.append(SdkUse(Location(facts.path, span.line, span.column, f"import {imported.target}",
                                                span.end_line, span.end_column), recipient.id, imported.target))
        return uses


def declared_recipient(entry: DeclaredRecipient, catalog: Catalog) -> Recipient:
    """A manifest recipient as a Recipient; a catalog id keeps the catalog's data, refined."""
    if entry.catalog is not None:
        base = entry.catalog
        return Recipient(base.id, base.name, base.kind, entry.country or base.country, base.purposes,
                         base.modules + entry.modules, base.hosts + entry.hosts, base.calls, base.region_provider,
                         base.region_from, base.endpoints, base.host_countries)
    return Recipient(entry.id, entry.id, entry.kind or "third_party", entry.country, entry.purposes[:1],
                     entry.modules, entry.hosts, custom=True)


def host_country(recipient: Recipient, host: str, country: Optional[str], note: str) -> tuple[Optional[str], str]:
    for pattern, mapped in recipient.host_countries:
        if host_matches(host, pattern):
            return mapped, f"host {host}"
    return country, note


URL = re.compile(r"^(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://)?(?P<host>[A-Za-z0-9.-]+)")


def split_url(text: str, default_scheme: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """('https', 'api.example.com') from a URL or a bare host; (None, None) when there is no host."""
    if not text:
        return None, None
    has_scheme = "://" in text
    if not has_scheme and default_scheme is None:
        return None, None
    match = URL.match(text)
    if not match or not match.group("host"):
        return None, None
    host = match.group("host").lower().rstrip(".")
    return (match.group("scheme") or default_scheme).lower(), host


def select_arguments(arguments: tuple[Argument, ...], spec) -> list[Argument]:
    if spec is None or "*" in spec:
        return list(arguments)
    chosen = []
    position = 0
    for argument in arguments:
        if argument.star:
            chosen.append(argument)
        elif argument.keyword is not None:
            if argument.keyword in spec:
                chosen.append(argument)
        else:
            if position in spec:
                chosen.append(argument)
            position += 1
    return chosen


def find_argument(arguments: tuple[Argument, ...], spec: Union[str, int]) -> Optional[Argument]:
    position = 0
    for argument in arguments:
        if argument.star:
            continue
        if argument.keyword is not None:
            if argument.keyword == spec:
                return argument
        else:
            if position == spec:
                return argument
            position += 1
    return None


def sink_label(site: CallSite, graph: "ProjectGraph") -> str:
    """The resolved name, with the literal first argument of each call that built the client:
    `boto3.client("s3").put_object`. Unresolved names keep the code's own text."""
    name = site.name
    if not name or name.startswith("?"):
        return site.call.label
    pieces = name.split("()")
    label = pieces[0]
    for (module, index), piece in zip(site.origins, pieces[1:]):
        arguments = graph.modules[module].calls[index].arguments
        first = arguments[0] if arguments and arguments[0].keyword is None and not arguments[0].star else None
        text = first.text.parts[0] if first and first.text and len(first.text.parts) == 1 else None
        label += f'("{text}")' if isinstance(text, str) and len(text) < 40 else "()"
        label += piece
    return label


def flow_order(flow: Flow) -> tuple:
    s = flow.sink.location
    return (s.path, s.line, s.column, flow.category, flow.source.path, flow.source.line, flow.source.column)
