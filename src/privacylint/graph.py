"""The whole-project data-flow graph (networkx) built from module facts, and the flows it holds.

Nodes are values: variables, instance attributes, call results, function returns, personal-data
sources and sinks. An edge carries the code location where data moves, which becomes a trace step.
Calls into project functions are "enter" edges (argument -> parameter) and "exit" edges (return ->
call result) tagged with the call site, so a flow through a helper returns only to its own caller.
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Union

import networkx as nx

from privacylint.catalog import Catalog, CallRule, Recipient, glob_matches, host_matches
from privacylint.facts import Argument, Call, Callee, Decorator, ModuleFacts, Ref, StaticText
from privacylint.positions_model import Span
from privacylint.manifest import DeclaredRecipient, Manifest
from privacylint.model import Flow, Location, ResolvedRecipient, SdkUse, Sink, SourceRead

PSEUDONYMOUS = "user.unique_id.pseudonymous"
MAX_CALL_DEPTH = 3
MAX_RESOLVE_DEPTH = 12

# What a name or callee stands for.
#   ("var", module, scope, name) | ("attr", module, class, name) | ("class", qualname)
#   ("function", qualname) | ("function", qualname, "bound"): a method reached through an instance
#   ("instance", class qualname) | ("module", name) | ("external", dotted)
#   ("partial", module, index): the object `functools.partial(...)` at that call returns
#   ("slot", container node, key, module): what a dict or list holds under a literal key (None: any
#       element), as `module` reads it; the container node is a ("var", ...) or ("attr", ...) node
#   ("unresolved", reason): a callable picked at run time (`getattr(obj, name)`, `HANDLERS[kind]`)
Target = tuple


@dataclass
class CallSite:
    """A call with its resolved target and the calls its receiver was built by (for regions).
    A call through a `functools.partial` object also passes the partial's `bound` arguments; a call
    through a container may reach several stored callables, one `variant` each."""

    module: str
    index: int
    call: Call
    target: Target
    origins: list[tuple[str, int]] = field(default_factory=list)
    bound: tuple[Argument, ...] = ()
    variant: int = 0

    @property
    def name(self) -> str:
        return self.target[1] if self.target[0] in ("external", "function", "class") else ""

    @property
    def arguments(self) -> tuple[Argument, ...]:
        """The partial's arguments first, except keywords the call gives again, then the call's."""
        if not self.bound:
            return self.call.arguments
        given = {argument.keyword for argument in self.call.arguments if argument.keyword is not None}
        return tuple(a for a in self.bound if a.keyword is None or a.keyword not in given) + self.call.arguments

    @property
    def sink_node(self) -> tuple:
        return ("sink", self.module, self.index) + ((self.variant,) if self.variant else ())


@dataclass
class ModuleGraph:
    """What one module adds to the project graph: its edges (code locations in that module), its
    sinks and sources, and the facts it was built from (module -> facts key), to know when it is stale."""

    module: str
    edges: list[tuple[tuple, tuple, dict]] = field(default_factory=list)
    sinks: dict[tuple, Sink] = field(default_factory=dict)
    sources: list[tuple[tuple, str, Location]] = field(default_factory=list)  # (node, category, origin)
    depends_on: dict[str, str] = field(default_factory=dict)

    @property
    def tail_modules(self) -> frozenset[str]:
        """The modules whose nodes this module's edges leave from (and its own, for sinks and sources)."""
        return frozenset({self.module} | {tail[1] for tail, _, _ in self.edges})


# Facts loaded from the cache that stay in memory: a build mostly reads its own module and the few
# it imports, so a short memory serves it, and a project's facts need not fit in memory at once.
RECENT_FACTS = 64


class TrackedModules:
    """Module facts by name, loaded on first use, recording which modules a build reads.

    A module's graph depends on exactly the facts it reads while it is built, so every read goes
    through here (`modules[name]`, `name in modules`, `modules.get(name)`), including reads of
    project modules that have no facts because they do not parse."""

    def __init__(self, names: Iterable[str], keys: dict[str, str], load: Callable[[str], ModuleFacts],
                 in_memory: Optional[dict[str, ModuleFacts]] = None):
        self.names = frozenset(names)    # every module of the project
        self.keys = keys                 # module -> facts cache key, for the modules with facts
        self.load = load
        self.in_memory = in_memory if in_memory is not None else {}   # given facts, kept until `forget`
        self.recent: OrderedDict[str, ModuleFacts] = OrderedDict()    # loaded facts, the last few only
        self.reads: Optional[set[str]] = None
        self._prefixes: dict[str, tuple[tuple[str, str], ...]] = {}

    def _read(self, module: str) -> None:
        if self.reads is not None and module in self.names:
            self.reads.add(module)

    def __getitem__(self, module: str) -> ModuleFacts:
        self._read(module)
        facts = self.in_memory.get(module)
        if facts is not None:
            return facts
        facts = self.recent.get(module)
        if facts is None:
            facts = self.recent[module] = self.load(module)
            if len(self.recent) > RECENT_FACTS:
                self.recent.popitem(last=False)
        else:
            self.recent.move_to_end(module)
        return facts

    def forget(self) -> None:
        """Drop every module's facts (the walks do not need them, and they are most of the memory)."""
        self.in_memory.clear()
        self.recent.clear()

    def __contains__(self, module: object) -> bool:
        self._read(module)
        return module in self.keys

    def get(self, module: str) -> Optional[ModuleFacts]:
        return self[module] if module in self else None

    def owners(self, qualified: str) -> Iterator[tuple[str, str]]:
        """(module, rest) for each project module with facts whose name prefixes a qualified name,
        longest first."""
        prefixes = self._prefixes.get(qualified)
        if prefixes is None:
            prefixes = self._prefixes[qualified] = tuple(self._split(qualified))
        for head, rest in prefixes:
            if head in self:
                yield head, rest

    def _split(self, qualified: str) -> Iterator[tuple[str, str]]:
        head, rest = qualified, ""
        while "." in head:
            head, _, last = head.rpartition(".")
            rest = f"{last}.{rest}" if rest else last
            if head in self.names:
                yield head, rest

    def versions(self, modules: Iterable[str]) -> dict[str, str]:
        """The facts key of each module ("" for one without facts): what a build that read them depends on."""
        return {name: self.keys.get(name, "") for name in sorted(modules)}


class QualifiedIndex:
    """`pkg.mod.Class.method` -> (module, scope path), for functions or classes, read through the
    tracked modules (so that a lookup counts as reading the module that defines the name)."""

    def __init__(self, modules: TrackedModules, kind: str):
        self.modules = modules
        self.kind = kind

    def get(self, qualified: str) -> Optional[tuple[str, str]]:
        for module, rest in self.modules.owners(qualified):
            facts = self.modules[module]
            if self.kind == "class" and rest in facts.classes:
                return module, rest
            scope = facts.scopes.get(rest) if self.kind == "function" else None
            if scope is not None and scope.kind == "function":
                return module, rest
        return None

    def __contains__(self, qualified: str) -> bool:
        return self.get(qualified) is not None

    def __getitem__(self, qualified: str) -> tuple[str, str]:
        found = self.get(qualified)
        if found is None:
            raise KeyError(qualified)
        return found


class ImportsIndex:
    """module -> {local name: imported dotted name}, read through the tracked modules."""

    def __init__(self, modules: TrackedModules):
        self.modules = modules
        self.memo: dict[str, dict[str, str]] = {}

    def __getitem__(self, module: str) -> dict[str, str]:
        facts = self.modules[module]
        found = self.memo.get(module)
        if found is None:
            found = self.memo[module] = {imp.local: imp.target for imp in facts.imports}
        return found


class ProjectGraph:
    """Name resolution over the project's facts, the graph each module contributes, and flows.

    `build_module` resolves one module into a ModuleGraph; `add` puts module graphs into the networkx
    graph; `flows_from` walks it, loading (through `load_graph`) the module graphs whose edges leave
    from the modules it reaches, so that an incremental run walks only what a change can affect."""

    def __init__(self, modules: TrackedModules, catalog: Catalog, manifest: Manifest):
        self.modules = modules
        self.catalog = catalog
        self.manifest = manifest
        self.graph = nx.MultiDiGraph()
        self.sinks: dict[tuple, Sink] = {}
        self.functions = QualifiedIndex(modules, "function")
        self.classes = QualifiedIndex(modules, "class")
        self.imports = ImportsIndex(modules)
        self.settings_modules = sorted(m for m in modules.names if m == "settings" or m.endswith(".settings"))
        self.custom_calls = {call: entry for entry in manifest.recipients for call in entry.calls}
        self.custom_modules = [(prefix, entry) for entry in manifest.recipients for prefix in entry.modules]
        # Known once the module graphs are (incremental.update): how to load one, and for each module
        # the modules whose graphs have edges leaving from its nodes.
        self.load_graph: Optional[Callable[[str], Optional[ModuleGraph]]] = None
        self.contributors: dict[str, set[str]] = {}
        self.added: set[str] = set()
        self._edges = 0
        self._building: Optional[ModuleGraph] = None
        self._reset_memos()

    def _reset_memos(self) -> None:
        """Memos live for one module's build, so that each build reads (and records) what it uses."""
        self._callee_cache: dict[tuple[str, int], tuple[Target, list]] = {}
        self._names: dict[tuple[str, str, str], Optional[Target]] = {}
        self._keyed: dict[str, frozenset[tuple]] = {}
        self._fields: set[tuple] = set()

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
                if current in ("", scope) or info.kind != "class":  # a class body sees its own names
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
        path = f"{scope}.{name}" if scope else name
        facts = self.modules[module]
        found = facts.scopes.get(path)
        if found is not None and found.kind == "function":
            return ("function", f"{module}.{path}")
        if path in facts.classes:
            return ("class", f"{module}.{path}")
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
        if depth > MAX_RESOLVE_DEPTH:
            return ("external", "?"), origins
        called = not callee.attributes  # the expression's value itself is called
        if base[0] == "self":
            target: Target = ("instance", f"{module}.{base[1]}")
        elif base[0] == "call":
            target, origins = ((called and self.registry_get(module, base[1], depth))
                               or self.result_of(module, base[1], depth + 1))
        elif base[0] in ("item", "each"):
            target = self.slot(module, base, depth)
        elif base[0] == "dynamic":
            target = ("unresolved", base[1])
        else:
            target = self.resolve_name(module, base[1], base[2], depth) or ("external", base[2])
            if called and target[0] == "var":
                target, origins = self.held(target, depth + 1, called=True)
        for attribute in callee.attributes:
            target, more = self.member(target, attribute, depth + 1)
            origins += more
        return target, origins

    def result_of(self, module: str, index: int, depth: int) -> tuple[Target, list[tuple[str, int]]]:
        """The value a call returns, as a target: an instance of a class, or external `name()`."""
        if depth > MAX_RESOLVE_DEPTH:
            return ("external", "?"), []
        target, origins = self.callee_target(module, index, depth)
        if target == ("external", "functools.partial"):
            return ("partial", module, index), []
        origins = origins + [(module, index)]
        if target[0] == "class":
            return ("instance", target[1]), origins
        if target[0] == "external":
            return ("external", target[1] + "()"), origins
        if target[0] == "function":
            # a factory: `def client(): return boto3.client("s3", ...)` returns what that call returns
            fmodule, fscope = self.functions[target[1]]
            for returned in self.modules[fmodule].returns:
                if (returned.scope == fscope and returned.target[0] == "return" and len(returned.refs) == 1
                        and returned.refs[0][0] == "call"):
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
                return (("function", found, "bound") if kind == "instance" else ("function", found)), []
            bound = self.attribute_binding(target[1], attribute)
            if bound is not None:
                return self.result_of(bound[0], bound[1], depth + 1)
            return ("external", f"{target[1]}.{attribute}"), []
        if kind == "var":
            inner, origins = self.held(target, depth + 1)
            if inner != target:
                result, more = self.member(inner, attribute, depth + 1)
                return result, origins + more
            return ("external", f"{target[3]}.{attribute}"), []
        if kind == "slot":
            stored = self.stored_values(target, depth + 1)
            if len(stored) == 1:  # CLIENTS["s3"].put_object(...): the one client kept under that key
                result, more = self.member(stored[0][0], attribute, depth + 1)
                return result, stored[0][1] + more
        if kind in ("slot", "partial", "unresolved"):
            return ("external", f"?.{attribute}"), []
        return ("external", f"{target[1]}.{attribute}"), []

    def held(self, variable: Target, depth: int, called: bool = False) -> tuple[Target, list]:
        """What a variable holds: the target of the expression or call first bound to it, or the
        variable itself when nothing is bound. `called`: the value is called (`handler(...)`), so
        `handler = HANDLERS.get(key)` is the callable registered under that key."""
        bound = self.modules[variable[1]].bindings.get((variable[2], variable[3]))
        if bound is None or depth > MAX_RESOLVE_DEPTH:
            return variable, []
        if bound[0] == "call":
            return ((called and self.registry_get(variable[1], bound[1], depth))
                    or self.result_of(variable[1], bound[1], depth + 1))
        return self.resolve_callee(variable[1], bound[1], depth + 1)

    # ----- callables kept in dicts and lists ------------------------------------------------
    def container_node(self, module: str, container: Callee, depth: int = 0) -> Optional[tuple]:
        """The variable or instance attribute that holds a dict or list, as a graph node."""
        if not container.attributes:
            if container.base is None or container.base[0] != "name":
                return None
            target = self.resolve_name(module, container.base[1], container.base[2])
            return target if target is not None and target[0] == "var" else None
        owner, _ = self.resolve_callee(module, Callee(container.base, container.attributes[:-1]), depth + 1)
        last = container.attributes[-1]
        if owner[0] == "module":
            target = self.resolve_qualified(f"{owner[1]}.{last}", depth + 1)
            return target if target[0] == "var" else None
        if owner[0] in ("instance", "class") and owner[1] in self.classes:
            class_module, class_path = self.classes[owner[1]]
            return ("attr", class_module, class_path, last)
        return None

    def slot(self, module: str, base: Ref, depth: int) -> Target:
        """`container[key]` (base "item") or an element a loop over the container takes ("each")."""
        node = self.container_node(module, base[1], depth + 1)
        if node is None:
            return ("external", "?")
        return ("slot", node, base[2] if base[0] == "item" else None, module)

    def registry_get(self, module: str, index: int, depth: int) -> Optional[tuple[Target, list]]:
        """`HANDLERS.get(key)` of a project dict, as the callable it returns is called: like `HANDLERS[key]`."""
        call = self.modules[module].calls[index]
        callee = call.callee
        if callee.base is None or callee.attributes[-1:] != ("get",) or not call.arguments:
            return None
        node = self.container_node(module, Callee(callee.base, callee.attributes[:-1]), depth + 1)
        if node is None:
            return None
        key = literal_text(call.arguments[0])
        if key is None:
            return ("unresolved", f"a registry indexed by a key computed at run time: {call.label}(...)"), []
        return ("slot", node, key, module), []

    def stored_values(self, slot: Target, depth: int = 0) -> list[tuple[Target, list]]:
        """The targets of the values stored under a slot's key, found where the container is defined
        and where it is read (a registration elsewhere reaches calls through the slot's nodes)."""
        node, key, reader = slot[1], slot[2], slot[3]
        found = []
        for module in dict.fromkeys((node[1], reader)):
            for store in self.modules[module].stores:
                if isinstance(store.key, tuple) or (key is not None and store.key != key):
                    continue
                if self.container_node(module, store.container, depth + 1) != node:
                    continue
                if store.value[0] == "call":
                    found.append(self.result_of(module, store.value[1], depth + 1))
                else:
                    found.append(self.resolve_callee(module, store.value[1], depth + 1))
        return found

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
        if ref[0] == "in":
            return self.resolve_text_ref(ref[1], ref[2], depth)
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
        for module in self.settings_modules:
            if module in self.modules and name in self.modules[module].scopes[""].locals:
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
        if kind == "return_item":
            return ("ret_item", module, ref[1], ref[2])
        if kind == "call_item":
            return ("call_item", module, ref[1], ref[2])
        if kind in ("name", "key"):
            target = self.resolve_name(module, ref[1], ref[2])
            if target is not None and target[0] == "var":
                return target
        return None

    def read_nodes(self, module: str, ref: Ref) -> list[tuple]:
        """`d["k"]` of a dict filled by literal keys reads that key's field and what came in whole."""
        if ref[0] == "in":  # a partial's argument, read in the module of the partial
            return self.read_nodes(ref[1], ref[2])
        if ref[0] == "member":
            return self.member_nodes(module, ref[1], ref[2])
        node = self.node_of(module, ref)
        if node is None:
            return []
        if ref[0] == "key" and self.is_keyed(node):
            return [self.field(node, ref[3]), ("base",) + node[1:]]
        return [node]

    def member_nodes(self, module: str, name: str, receiver: Callee) -> list[tuple]:
        """`x.contact` reads the model fields named `contact` declared with a typed field (`EmailField`,
        `EmailStr`): those of x's class when it is known, else any of the project's, joined at one node
        per field name so that each module's graph depends only on its own facts (README, "Model fields")."""
        target, _ = self.resolve_callee(module, receiver)
        if target[0] == "var":
            bound = self.modules[target[1]].bindings.get((target[2], target[3]))
            if bound is not None and bound[0] == "call":
                target, _ = self.result_of(target[1], bound[1], 1)
        if target[0] == "instance":
            declared = self.typed_field_of(target[1], name)
            return [declared] if declared is not None else []
        if target[0] in ("class", "module", "function"):
            return []  # `Customer.contact` is the field itself, not a customer's value
        return [typed_field_node(name)]

    def typed_field_of(self, class_name: str, name: str, seen: Optional[set] = None) -> Optional[tuple]:
        """The source node of the typed field `name` that a project class declares or inherits."""
        seen = seen or set()
        if class_name in seen or class_name not in self.classes:
            return None
        seen.add(class_name)
        module, path = self.classes[class_name]
        index = self.modules[module].typed_fields.get((path, name))
        if index is not None:
            return ("src", module, index)
        for base in self.modules[module].classes[path].bases:
            target, _ = self.resolve_callee(module, base)
            found = self.typed_field_of(target[1], name, seen) if target[0] == "class" else None
            if found is not None:
                return found
        return None

    def write_node(self, module: str, ref: Ref) -> Optional[tuple]:
        """Where an assignment puts data: a keyed dict's field, its base (whole values), or the node."""
        node = self.node_of(module, ref)
        if node is None:
            return None
        if ref[0] == "key":
            return self.field(node, ref[3])
        return self.base_of(node)

    def base_of(self, node: tuple) -> tuple:
        return ("base",) + node[1:] if self.is_keyed(node) else node

    def is_keyed(self, node: tuple) -> bool:
        return node[0] == "var" and node in self.keyed_variables(node[1])

    def keyed_variables(self, module: str) -> frozenset[tuple]:
        """The variables holding dicts that their own module fills by literal keys."""
        facts = self.modules[module]
        keyed = self._keyed.get(module)
        if keyed is None:
            self._keyed[module] = frozenset()  # a cycle through resolution sees no keyed dicts
            resolved = (self.resolve_name(module, scope, name) for scope, name in facts.keyed)
            keyed = self._keyed[module] = frozenset(v for v in resolved if v is not None and v[:2] == ("var", module))
        return keyed

    def field(self, variable: tuple, key: str) -> tuple:
        node = ("field",) + variable[1:] + (key,)
        if node not in self._fields:
            self._fields.add(node)
            self.edge(node, variable, step=None)  # the whole dict holds each field
        return node

    def edge(self, source: tuple, target: tuple, **attributes) -> None:
        """Edges go into the module graph being built; `add` puts them into networkx."""
        self._building.edges.append((source, target, attributes))

    def add_flow_edges(self, module: str, refs: Iterable[Ref], target: tuple, step: Optional[Location],
                       **attributes) -> None:
        for ref in refs:
            for node in self.read_nodes(module, ref):
                if node != target:
                    self.edge(node, target, step=step, **attributes)

    def location(self, facts: ModuleFacts, span: Span, label: str) -> Location:
        return Location(facts.path, span.line, span.column, label, span.end_line, span.end_column)

    def build_module(self, module: str) -> ModuleGraph:
        """Resolve one module's facts into its edges, sinks and sources, recording the facts it read."""
        self._reset_memos()
        self._building = built = ModuleGraph(module)
        self.modules.reads = reads = set()
        try:
            facts = self.modules[module]
            for variable in sorted(self.keyed_variables(module)):
                self.edge(("base",) + variable[1:], variable, step=None)
            for index, source in enumerate(facts.sources):
                origin = Location(facts.path, source.span.line, source.span.column,
                                  f"{source.label} ({source.evidence})", source.span.end_line, source.span.end_column)
                built.sources.append((("src", module, index), source.category, origin))
            for (_, name), index in sorted(facts.typed_fields.items()):
                self.edge(("src", module, index), typed_field_node(name), step=None)
            for assignment in facts.assignments + facts.returns:
                target = self.write_node(module, assignment.target)
                if target is not None:
                    self.add_flow_edges(module, assignment.refs, target,
                                        self.location(facts, assignment.span, assignment.label))
            for index, call in enumerate(facts.calls):
                self.add_call(module, facts, index, call)
            self.add_registrations(module, facts)
        finally:
            self.modules.reads = None
            self._building = None
        built.depends_on = self.modules.versions(reads)
        return built

    def add(self, built: ModuleGraph) -> None:
        """Put a module's edges and sinks into the networkx graph."""
        for source, target, attributes in built.edges:
            self._edges += 1  # an explicit key skips networkx's search for a free one
            self.graph.add_edge(source, target, key=self._edges, **attributes)
        self.sinks.update(built.sinks)
        self.added.add(built.module)

    def release(self) -> None:
        """Free the edges now: networkx's cached views make a graph a reference cycle, which only
        the garbage collector frees, after scanning every edge (0.6 s at 100k lines)."""
        self.graph.clear()
        self.sinks.clear()
        self.added.clear()

    def ensure_edges_from(self, module: str) -> None:
        """Load the module graphs with edges leaving from this module's nodes, if not loaded yet."""
        for contributor in self.contributors.get(module, ()):
            if contributor not in self.added and self.load_graph is not None:
                # a graph missing from the cache (evicted, corrupt) is built again from the same facts
                self.add(self.load_graph(contributor) or self.build_module(contributor))

    def add_call(self, module: str, facts: ModuleFacts, index: int, call: Call) -> None:
        target, origins = self.callee_target(module, index)
        step = self.location(facts, call.span, call.label + "(...)")
        if target[0] == "slot":
            self.call_through_slot(module, index, call, target, step)
            for variant, (stored, stored_origins) in enumerate(self.stored_callables(target), 1):
                self.add_site(self.call_site(module, index, call, stored, stored_origins, variant), step)
            return
        self.add_site(self.call_site(module, index, call, target, origins), step)

    def call_site(self, module: str, index: int, call: Call, target: Target, origins: list,
                  variant: int = 0) -> CallSite:
        """The call, through any `functools.partial` objects to the function they wrap."""
        bound: tuple[Argument, ...] = ()
        for _ in range(MAX_RESOLVE_DEPTH):
            if target[0] != "partial":
                break
            made = self.modules[target[1]].calls[target[2]]
            function = next((a for a in made.arguments if a.keyword is None and not a.star), None)
            if function is None or function.callee is None:
                target, origins = ("external", "?"), []
                break
            bound = tuple(in_module(target[1], a) for a in made.arguments if a is not function) + bound
            target, origins = self.resolve_callee(target[1], function.callee)
        return CallSite(module, index, call, target, origins, bound, variant)

    def add_site(self, site: CallSite, step: Location) -> None:
        module, index, call, target = site.module, site.index, site.call, site.target
        facts = self.modules[module]
        result = ("call", module, index)
        if target[0] != "function":  # `a, b = f()` of a call privacylint cannot see into: each gets it all
            for item in range(facts.unpacked.get(index, 0)):
                self.edge(result, ("call_item", module, index, item), step=None)
        if call.callee.base is not None and call.callee.base[0] == "mapping":
            self.add_sink(site, "storage", CallRule(call.label), None, step)  # request.session[...] = value
            return
        custom = self.custom_sink(site)
        if custom is not None:
            self.add_sink(site, "third_party", CallRule(site.name or call.label), custom, step)
            return
        if self.ends_flow(site.name):
            return
        if target[0] in ("function", "class"):
            self.link_project_call(site, step)
            self.register_through_call(site, step)
            return
        if target[0] == "unresolved":
            self.add_sink(site, "unresolved", CallRule(call.label), None, step)
        name = target[1] if target[0] == "external" else ""
        matches = self.catalog.match_call(name) if name else []
        if matches:
            self.add_sink(site, matches[0].kind, matches[0].rule, matches[0].recipient, step)
            return
        method = name.rpartition(".")[2] if call.callee.attributes else ""
        if method in self.catalog.ends_flow_methods:
            return
        if method in self.catalog.fills_receiver and call.callee.base is not None:
            base, attributes = call.callee.base, call.callee.attributes
            container = (self.write_node(module, base) if len(attributes) == 1 else
                         ("attr", module, base[1], attributes[0]) if base[0] == "self" and len(attributes) == 2
                         else None)
            if container is not None:  # batch.append(item): the item is now inside batch
                self.add_flow_edges(module, [r for arg in call.arguments for r in arg.refs], container, step)
        transform = "pseudonymize" if name in self.catalog.pseudonymizes else ""
        refs = [r for arg in site.arguments for r in arg.refs] + list(call.receiver)
        self.add_flow_edges(module, refs, result, step, transform=transform)

    def call_through_slot(self, module: str, index: int, call: Call, slot: Target, step: Location) -> None:
        """`HANDLERS["signup"](...)`: the arguments enter, and the result leaves, the nodes of that key,
        where each project function registered under it, in any module, takes them (see `register`)."""
        callsite = (module, index)
        position = 0
        for argument in call.arguments:
            if argument.star:
                parts = [("arg", "*")] if argument.star == "*" else [("kw", "**")]
            elif argument.keyword is not None:
                parts = [("kw", argument.keyword), ("kw", "any")]
            else:
                parts = [("arg", position), ("arg", "any")]
                position += 1
            for part in parts:
                self.add_flow_edges(module, argument.refs, slot_node(slot[1], slot[2], part), step, enter=callsite)
        result = ("call", module, index)
        self.edge(slot_node(slot[1], slot[2], ("return",)), result, step=None, exit=callsite)
        for item in range(self.modules[module].unpacked.get(index, 0)):  # `a, b = HANDLERS["x"](...)`
            self.edge(result, ("call_item", module, index, item), step=None)

    def stored_callables(self, slot: Target) -> list[tuple[Target, list]]:
        """The SDK functions, partial objects and run-time picks stored under a slot's key (project
        functions stored there take their calls through the slot's nodes instead)."""
        return [(target, origins) for target, origins in self.stored_values(slot)
                if target[0] in ("partial", "unresolved")
                or (target[0] == "external" and not target[1].startswith("?") and not target[1].endswith("()"))]

    def add_registrations(self, module: str, facts: ModuleFacts) -> None:
        """Project functions this module puts into dicts and lists, by literal keys or by decorators."""
        for store in facts.stores:
            if isinstance(store.key, tuple):
                continue  # a key held by a name: bound where the function holding the store is used
            value = store.value
            target = (self.resolve_callee(module, value[1]) if value[0] == "alias"
                      else self.result_of(module, value[1], 0))[0]
            container = self.container_node(module, store.container)
            if container is not None:
                self.register(container, store.key, target, self.location(facts, store.span, store.label))
        for scope in facts.scopes.values():
            for decorator in scope.decorators:
                self.register_through_decorator(module, scope.name, decorator)

    def register_through_decorator(self, module: str, scope: str, decorator: Decorator) -> None:
        """`@register` or `@register("key")` over a function: what the decorator, run with that
        function (and the factory with those arguments), stores (see `register_stores`)."""
        facts = self.modules[module]
        decorated = ("function", f"{module}.{scope}")
        step = self.location(facts, decorator.span, decorator.label)
        values: dict[str, object] = {}
        if decorator.value[0] == "call":
            factory, _ = self.callee_target(module, decorator.value[1])
            if factory[0] != "function":
                return
            values = self.parameter_values(module, facts.calls[decorator.value[1]].arguments, factory)
            wrapper = self.returned_function(factory[1])
        else:
            wrapper = self.resolve_callee(module, decorator.value[1])[0]
        if wrapper is None or wrapper[0] != "function":
            return
        wmodule, wscope = self.functions[wrapper[1]]
        parameters = [p for p in self.modules[wmodule].scopes[wscope].parameters if p.kind == "positional"]
        if parameters:
            values[parameters[0].name] = decorated
            self.register_stores(wmodule, wscope, values, step)

    def register_through_call(self, site: CallSite, step: Location) -> None:
        """`bus.subscribe("signup", on_signup)`: what the project function stores, run with these arguments."""
        if site.target[0] != "function":
            return
        fmodule, fscope = self.functions[site.target[1]]
        if any(store.scope == fscope for store in self.modules[fmodule].stores):
            self.register_stores(fmodule, fscope, self.parameter_values(site.module, site.arguments, site.target), step)

    def register_stores(self, module: str, scope: str, values: dict[str, object], step: Location) -> None:
        """Register what a function's `container[key] = value` statements store when its names hold
        `values` (a literal key, or a callable's target)."""
        for store in self.modules[module].stores:
            value = store.value
            if store.scope != scope or value[0] != "alias" or value[1].attributes or value[1].base[0] != "name":
                continue
            registered = values.get(value[1].base[2])
            key = store.key
            if isinstance(key, tuple):
                held = values.get(key[2])
                key = (held if key[0] == "name" and isinstance(held, str) else
                       held[1].rpartition(".")[2] if key[0] == "name_of" and isinstance(held, tuple) else None)
                if key is None:
                    continue
            container = self.container_node(module, store.container)
            if isinstance(registered, tuple) and container is not None:
                self.register(container, key, registered, step)

    def parameter_values(self, module: str, arguments: Iterable[Argument], function: Target) -> dict[str, object]:
        """Parameter name -> the literal text or the callable's target each argument gives it."""
        fmodule, fscope = self.functions[function[1]]
        parameters = list(self.modules[fmodule].scopes[fscope].parameters)
        if function[2:] == ("bound",) and parameters:
            parameters = parameters[1:]
        positional = [p.name for p in parameters if p.kind == "positional"]
        values: dict[str, object] = {}
        position = 0
        for argument in arguments:
            if argument.star:
                continue
            name = argument.keyword
            if name is None:
                name = positional[position] if position < len(positional) else None
                position += 1
            text = literal_text(argument)
            if name is not None and text is not None:
                values[name] = text
            elif name is not None and argument.callee is not None:
                values[name] = self.resolve_callee(module, argument.callee)[0]
        return values

    def returned_function(self, qualified: str) -> Optional[Target]:
        """The project function a function returns by name (a decorator factory's wrapper)."""
        fmodule, fscope = self.functions[qualified]
        for returned in self.modules[fmodule].returns:
            if (returned.scope == fscope and returned.target[0] == "return" and len(returned.refs) == 1
                    and returned.refs[0][0] == "name"):
                target = self.resolve_name(fmodule, returned.refs[0][1], returned.refs[0][2])
                if target is not None and target[0] == "function":
                    return target
        return None

    def register(self, container: tuple, key, target: Target, step: Location) -> None:
        """A project function (or class) stored under `key` of a container takes the arguments of the
        calls through that key and through loops over the container (see `call_through_slot`)."""
        if target[0] == "class":
            qualified, bound = self.method(target[1], "__init__"), True
        elif target[0] == "function":
            qualified = target[1]
            fmodule, fscope = self.functions[qualified]
            scope = self.modules[fmodule].scopes[fscope]
            bound = scope.class_name is not None and not scope.is_static and target[2:] == ("bound",)
        else:
            return
        if qualified is None:
            return
        fmodule, fscope = self.functions[qualified]
        parameters = list(self.modules[fmodule].scopes[fscope].parameters)
        if bound and parameters and parameters[0].kind == "positional":
            parameters = parameters[1:]
        for slot_key in dict.fromkeys((key, None)):
            position = 0
            for parameter in parameters:
                if parameter.kind == "positional":
                    parts = [("arg", position), ("arg", "*"), ("kw", parameter.name), ("kw", "**")]
                    position += 1
                elif parameter.kind == "keyword_only":
                    parts = [("kw", parameter.name), ("kw", "**")]
                elif parameter.kind == "*":
                    parts = [("arg", "any"), ("arg", "*")]
                else:
                    parts = [("kw", "any"), ("kw", "**")]
                variable = self.base_of(("var", fmodule, fscope, parameter.name))
                for part in parts:
                    self.edge(slot_node(container, slot_key, part), variable, step=step)
            returned = slot_node(container, slot_key, ("return",))
            self.edge(("ret", fmodule, fscope), returned, step=None)
            for item in range(self.modules[fmodule].tuple_returns.get(fscope, 0)):
                self.edge(("ret_item", fmodule, fscope, item), returned, step=None)

    def link_project_call(self, site: CallSite, step: Location) -> None:
        kind, qualified = site.target[:2]
        if kind == "class":
            init = self.method(qualified, "__init__")
            if init is None:
                return
            qualified, bound = init, True
        else:
            fmodule, fscope = self.functions[qualified]
            scope = self.modules[fmodule].scopes[fscope]
            bound = scope.class_name is not None and not scope.is_static and site.target[2:] == ("bound",)
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
        for argument in site.arguments:
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
        result = ("call", site.module, site.index)
        self.edge(("ret", fmodule, fscope), result, step=None, exit=callsite)
        returned_items = self.modules[fmodule].tuple_returns.get(fscope, 0)
        for item in range(returned_items):
            self.edge(("ret_item", fmodule, fscope, item), result, step=None, exit=callsite)
        for item in range(self.modules[site.module].unpacked.get(site.index, 0) if kind == "function" else 0):
            # `a, b = f()`: a gets what f returns as its first element, or returns whole
            unpacked = ("call_item", site.module, site.index, item)
            self.edge(("ret", fmodule, fscope), unpacked, step=None, exit=callsite)
            if item < returned_items:
                self.edge(("ret_item", fmodule, fscope, item), unpacked, step=None, exit=callsite)

    def ends_flow(self, name: str) -> bool:
        """A sanitizer of rules/sanitizers.yaml or of the manifest's `sanitizers`: its result carries no
        personal data, and what happens inside it is not followed (a project's own redaction helper)."""
        return bool(name) and (name in self.catalog.ends_flow
                               or any(glob_matches(name, pattern) for pattern in self.manifest.sanitizers))

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
        node = site.sink_node
        if kind == "http":
            sink = self.http_sink(site, rule, location)
        elif kind in ("log", "storage"):
            sink = Sink(location, kind, None, None)
        elif kind == "unresolved":  # not a sink: marks a call whose target is picked at run time
            sink = Sink(location, kind, None, None, unresolved=site.target[1])
        else:
            sink = self.recipient_sink(site, rule, recipient, location)
        self._building.sinks[node] = sink
        for argument in select_arguments(site.arguments, rule.args):
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
                if not name or not glob_matches(name, pattern):
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
            argument = find_argument(site.arguments, spec)
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
    def flows_from(self, start: tuple, category: str, origin: Location) -> tuple[list[Flow], frozenset[str]]:
        """The flows from one source (breadth first, so each has a shortest trace), and the modules
        whose nodes the walk reached: a change to edges leaving those modules can change the flows."""
        initial = (start, category, ())
        parents: dict[tuple, tuple[Optional[tuple], Optional[Location]]] = {initial: (None, None)}
        queue = deque([initial])
        flows = []
        reached: set[str] = set()
        while queue:
            state = queue.popleft()
            node, current, stack = state
            if node[1] not in reached:
                reached.add(node[1])
                self.ensure_edges_from(node[1])
            if node in self.sinks:
                flows.append(Flow(current, origin, self.sinks[node], self.trace(parents, state)))
                continue
            if node not in self.graph:
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
        return flows, frozenset(reached)

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

def source_reads(facts: ModuleFacts) -> list[SourceRead]:
    return [SourceRead(Location(facts.path, s.span.line, s.span.column, f"{s.label} ({s.evidence})",
                                s.span.end_line, s.span.end_column), s.category) for s in facts.sources]


def sdk_uses(facts: ModuleFacts, top_packages: set[str], catalog: Catalog) -> list[SdkUse]:
    """The catalog SDKs a module imports (the first import of each recipient, not the project's own)."""
    uses = []
    seen: set[str] = set()
    for imported in facts.imports:
        if imported.target.split(".")[0] in top_packages:
            continue
        recipient = catalog.recipient_for_module(imported.target)
        if recipient is not None and recipient.id not in seen:
            seen.add(recipient.id)
            span = imported.span
            uses.append(SdkUse(Location(facts.path, span.line, span.column, f"import {imported.target}",
                                        span.end_line, span.end_column), recipient.id, imported.target))
    return uses


def flow_key(flow: Flow) -> tuple:
    return (flow.source, flow.sink.location, flow.category)


def typed_field_node(name: str) -> tuple:
    """Where the typed model fields named `name` meet their reads. Its second item stands where a module
    name stands in other nodes (to load the module graphs with edges from it): no module has a ':'."""
    return ("typed", f"typed-field:{name}")


def slot_node(container: tuple, key, part: tuple) -> tuple:
    """A node where calls through `container[key]` meet the functions registered under that key:
    part is ("arg", position | "any" | "*"), ("kw", name | "any" | "**") or ("return",)."""
    return ("slot", container[1], container[0], container[2], container[3], key) + part


def in_module(module: str, argument: Argument) -> Argument:
    """An argument of a call in `module`, to be read at a call elsewhere (a partial's bound arguments)."""
    text = argument.text
    if text is not None:
        text = StaticText(tuple(("in", module, part) if isinstance(part, tuple) else part for part in text.parts),
                          text.note)
    return Argument(tuple(("in", module, ref) for ref in argument.refs), argument.keyword, argument.star, text)


def literal_text(argument: Argument) -> Optional[str]:
    """The argument's value when it is a literal string."""
    if argument.star or argument.text is None or not all(isinstance(p, str) for p in argument.text.parts):
        return None
    return "".join(argument.text.parts) if not argument.text.note else None


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
