"""One LibCST pass per module that records its facts (see `facts` for what they are).

The walker never resolves anything across modules and never consults the manifest: it records
names as it sees them (collect first), and `graph` resolves them once every module is known.
No LibCST metadata provider is used: names are resolved here from imports and assignments (a
fraction of the cost of Scope and QualifiedName providers), positions come from `positions`, and the
walk visits statements and the expressions it evaluates, never the whole tree (see PERF-NOTES).
"""

from __future__ import annotations

import ast
from typing import Optional, Sequence

import libcst as cst

from privacylint.catalog import Catalog
from privacylint.facts import (Argument, Assignment, Call, Callee, ClassDef, Decorator, Import, ModuleFacts,
                               Parameter, Ref, Scope, Source, StaticText, Store, TextPart)
from privacylint.positions import PositionIndex, Span, suppressions

# FastAPI request parameter kinds: a fixed category, or None to classify the parameter's name.
REQUEST_PARAMETERS = {"Cookie": "user.device.cookie_id", "Header": None, "Form": None, "Query": None,
                      "Body": None, "Path": None}
GETTERS = {"get", "getlist", "pop", "setdefault"}


class FactsWalker:
    """One pass over the statements of a module (no generic CST traversal: see PERF-NOTES)."""

    def __init__(self, facts: ModuleFacts, positions: PositionIndex, module_code: cst.Module, catalog: Catalog,
                 package: str):
        self.facts = facts
        self.positions = positions
        self.code = module_code
        self.catalog = catalog
        self.package = package
        self.scope_stack: list[str] = [""]
        self.class_stack: list[Optional[str]] = [None]
        self.locals: dict[str, set[str]] = {"": set()}
        self.pending_scopes: dict[str, dict] = {}
        self.call_index: dict[int, int] = {}   # id(cst.Call) -> index in facts.calls
        self.lambda_names: dict[int, str] = {}  # id(cst.Lambda) -> the local name of its scope
        self.statement: Optional[cst.CSTNode] = None

    # ----- helpers -------------------------------------------------------------------------
    @property
    def scope(self) -> str:
        return self.scope_stack[-1]

    def span(self, node: cst.CSTNode) -> Span:
        """Statements and Call/Attribute/Subscript have exact spans; other nodes take their statement's."""
        found = self.positions.get(node)
        if found is None and self.statement is not None:
            found = self.positions.get(self.statement)
        return found or Span(1, 1, 1, 1)

    def text(self, node: cst.CSTNode, limit: int = 80) -> str:
        span = self.positions.get(node)
        if span is not None:
            return self.positions.text(span, limit)
        code = " ".join(self.code.code_for_node(node).split())
        return code if len(code) <= limit else code[: limit - 3] + "..."

    def bind(self, name: str) -> None:
        self.locals.setdefault(self.scope, set()).add(name)

    def new_scope(self, name: str) -> str:
        return f"{self.scope}.{name}" if self.scope else name

    # ----- the walk ------------------------------------------------------------------------
    def run(self, module: cst.Module) -> None:
        self.pending_scopes[""] = dict(kind="module", parent="", class_name=None, parameters=(),
                                       span=Span(1, 1, max(1, self.facts.lines), 1))
        self.walk(module.body)
        for name, info in self.pending_scopes.items():
            self.facts.scopes[name] = Scope(name=name, locals=frozenset(self.locals.get(name, ())), **info)

    def walk(self, statements) -> None:
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self.visit(small)
            else:
                self.visit(statement)

    def visit(self, node: cst.CSTNode) -> None:
        self.statement = node
        handler = getattr(self, "on_" + type(node).__name__, None)
        if handler is not None:
            handler(node)

    def walk_suite(self, suite) -> None:
        if suite is not None:
            self.walk(suite.body)

    # ----- definitions ---------------------------------------------------------------------
    def on_ClassDef(self, node: cst.ClassDef) -> None:
        for decorator in node.decorators:
            self.refs(decorator.decorator)
        bases = tuple(self.callee_of(arg.value) for arg in node.bases)
        for arg in (*node.bases, *node.keywords):
            self.refs(arg.value)
        self.bind(node.name.value)
        name = self.new_scope(node.name.value)
        self.facts.classes[name] = ClassDef(name, bases, self.span(node))
        self.pending_scopes[name] = dict(kind="class", parent=self.function_parent(), class_name=name,
                                         parameters=(), span=self.span(node))
        self.scope_stack.append(name)
        self.class_stack.append(name)
        self.walk_suite(node.body)
        self.scope_stack.pop()
        self.class_stack.pop()

    def function_parent(self) -> str:
        """Free names in a def resolve through enclosing functions and the module, not classes."""
        for name in reversed(self.scope_stack):
            if self.pending_scopes.get(name, {}).get("kind") != "class":
                return name
        return ""

    def on_FunctionDef(self, node: cst.FunctionDef) -> None:
        decorators = [self.text(d.decorator) for d in node.decorators]
        applied = []  # what each decorator does to the function, for registries filled by decorators
        for decorator in node.decorators:
            value = self.callable_value(decorator.decorator, self.refs(decorator.decorator))
            if value is not None:
                applied.append(Decorator(value, self.span(decorator.decorator), "@" + self.text(decorator.decorator)))
        params = node.params
        request_values: list[tuple[str, Ref]] = []
        default_bindings: list[tuple[str, Ref]] = []  # `sms_client=TWILIO`: the default's client
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                default_refs = self.refs(param.default)
                if isinstance(param.default, cst.Call) and refs_first_call(default_refs) is not None:
                    default_bindings.append((param.name.value, refs_first_call(default_refs)))
                elif isinstance(param.default, cst.Attribute) or (
                        isinstance(param.default, cst.Name) and param.default.value not in ("None", "True", "False")):
                    # `client=None` binds nothing: `client = client or Client()` in the body does
                    default_bindings.append((param.name.value, ("alias", self.callee_of(param.default))))
                source = self.request_parameter(param)
                if source is not None:
                    request_values.append((param.name.value, source))
        enclosing_class = self.class_stack[-1] if self.pending_scopes.get(self.scope, {}).get("kind") == "class" else None
        parent = self.function_parent()
        self.bind(node.name.value)
        name = self.new_scope(node.name.value)
        parameters = parameters_of(params)
        self.pending_scopes[name] = dict(kind="function", parent=parent, class_name=enclosing_class,
                                         parameters=tuple(parameters), span=self.span(node),
                                         is_static="staticmethod" in decorators, decorators=tuple(applied))
        self.scope_stack.append(name)
        self.class_stack.append(None)
        for param in parameters:
            self.bind(param.name)
        for param_name, binding in default_bindings:
            self.facts.bindings.setdefault((self.scope, param_name), binding)
        for param_name, source in request_values:
            self.record(("name", self.scope, param_name), [source], node, f"{param_name} (request parameter)")
        self.walk_suite(node.body)
        self.scope_stack.pop()
        self.class_stack.pop()

    def lambda_scope(self, node: cst.Lambda) -> None:
        """A lambda is a function scope of its own, named `<lambdaN>` in the enclosing scope, so that a
        callback kept in a list or a variable and called later gets the arguments of that call; its
        free names resolve in the enclosing function, as Python's do."""
        for param in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params):
            if param.default is not None:
                self.refs(param.default)
        local = f"<lambda{len(self.lambda_names) + 1}>"
        self.lambda_names[id(node)] = local
        self.bind(local)
        name = self.new_scope(local)
        parameters = parameters_of(node.params)
        self.pending_scopes[name] = dict(kind="function", parent=self.function_parent(), class_name=None,
                                         parameters=tuple(parameters), span=self.span(node))
        self.scope_stack.append(name)
        self.class_stack.append(None)
        for param in parameters:
            self.bind(param.name)
        self.returned(self.refs(node.body), node)
        self.scope_stack.pop()
        self.class_stack.pop()

    def request_parameter(self, param: cst.Param) -> Optional[Ref]:
        """FastAPI parameters filled from the request: `session: str = Cookie(None)`, `ua = Header(None)`."""
        default = param.default
        if not isinstance(default, cst.Call):
            return None
        kind = dotted_chain(default.func).rpartition(".")[2]
        if kind not in REQUEST_PARAMETERS:
            return None
        name = param.name.value
        category = REQUEST_PARAMETERS[kind] or self.catalog.classify_name(name)
        if category is None:
            return None
        return self.add_source(default, category, f"{kind}() parameter '{name}'")

    # ----- imports -------------------------------------------------------------------------
    def on_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = self.text(alias.name, limit=1000)
            if alias.asname is not None:
                local = self.text(alias.asname.name)
                target = dotted
            else:
                local = dotted.split(".")[0]
                target = local
            self.bind(local)
            self.facts.imports.append(Import(local, target, self.span(node)))
            if alias.asname is None and "." in dotted:
                # `import a.b` also makes a.b reachable; record it so the SDK use is seen.
                self.facts.imports.append(Import(dotted, dotted, self.span(node)))

    def on_ImportFrom(self, node: cst.ImportFrom) -> None:
        base = self.text(node.module, limit=1000) if node.module is not None else ""
        if node.relative:
            parts = self.package.split(".") if self.package else []
            up = len(node.relative) - 1
            parts = parts[: len(parts) - up] if up else parts
            base = ".".join([*parts, base] if base else parts)
        if isinstance(node.names, cst.ImportStar):
            self.facts.imports.append(Import("*", base, self.span(node)))
            return
        for alias in node.names:
            name = self.text(alias.name, limit=1000)
            local = self.text(alias.asname.name) if alias.asname is not None else name
            self.bind(local)
            self.facts.imports.append(Import(local, f"{base}.{name}" if base else name, self.span(node)))

    # ----- statements ----------------------------------------------------------------------
    def on_Assign(self, node: cst.Assign) -> None:
        targets = [t.target for t in node.targets]
        if isinstance(node.value, cst.Dict) and len(targets) == 1 and isinstance(targets[0], cst.Name):
            self.assign_dict(targets[0].value, node.value, node)
            return
        items = self.literal_items(node.value, targets)
        refs = [ref for item in items for ref in item] if items is not None else self.refs(node.value)
        if len(targets) == 1:
            refs = refs + self.typed_field(targets[0], None, node.value, node)
        text = self.static_text(node.value)
        for target in targets:
            self.assign(target, refs, node, node.value, text, items=items)

    def literal_items(self, value: cst.BaseExpression, targets: list) -> Optional[list[list[Ref]]]:
        """`a, b = x, y`: the refs of each element, when every target unpacks it element by element."""
        if not isinstance(value, (cst.Tuple, cst.List)) or not all(
                unpacks(target, len(value.elements)) for target in targets):
            return None
        return [self.refs(element.value) for element in value.elements]

    def typed_field(self, target: cst.BaseExpression, annotation: Optional[cst.Annotation],
                    value: Optional[cst.BaseExpression], node: cst.CSTNode) -> list[Ref]:
        """`contact = models.EmailField()`, `login: EmailStr` in a class body: the field holds the category
        its type gives (rules/sources.yaml `field_types`), whatever its name."""
        if not isinstance(target, cst.Name) or self.pending_scopes.get(self.scope, {}).get("kind") != "class":
            return []
        types = annotation_types(annotation.annotation) if annotation is not None else []
        if isinstance(value, cst.Call):
            types.append(value.func)
        for type_node in types:
            chain = dotted_chain(type_node)
            category = self.catalog.field_type_category(self.qualified(chain)) if chain else None
            if category is None:
                continue
            name, type_name = target.value, chain.rpartition(".")[2]
            article = "an" if type_name[:1] in "AEIO" else "a"
            source = self.add_source(node, category, f"{self.scope.rpartition('.')[2]}.{name} is {article} {type_name}")
            self.facts.typed_fields[(self.scope, name)] = source[1]
            return [source]
        return []

    def qualified(self, chain: str) -> str:
        """`models.EmailField` -> `django.db.models.EmailField` through this module's imports."""
        root, dot, rest = chain.partition(".")
        target = next((imp.target for imp in reversed(self.facts.imports) if imp.local == root), root)
        return target + dot + rest

    def assign_dict(self, name: str, value: cst.Dict, node: cst.CSTNode) -> None:
        """`d = {"order_id": n, "email": e}`: each literal key holds its own value (issue 3, dict fields)."""
        self.bind(name)
        self.facts.keyed.add((self.scope, name))
        label = self.text(node)
        for element in value.elements:
            key = literal_string(element.key) if isinstance(element, cst.DictElement) else None
            if isinstance(element, cst.DictElement):
                self.refs(element.key)
            refs = self.refs(element.value)
            target = ("key", self.scope, name, key) if key is not None else ("name", self.scope, name)
            self.record(target, refs, node, label)
            if key is not None:
                self.store(self.container_of(name), key, element.value, refs, node)

    def on_AnnAssign(self, node: cst.AnnAssign) -> None:
        typed = self.typed_field(node.target, node.annotation, node.value, node)
        if isinstance(node.value, cst.Dict) and isinstance(node.target, cst.Name) and not typed:
            self.assign_dict(node.target.value, node.value, node)  # HANDLERS: dict[str, Callable] = {...}
        elif node.value is not None:
            refs = self.refs(node.value) + typed
            self.assign(node.target, refs, node, node.value, self.static_text(node.value))
        elif typed:
            self.record(("attr", self.scope, node.target.value), typed, node, self.text(node))

    def on_AugAssign(self, node: cst.AugAssign) -> None:
        refs = self.refs(node.value) + self.refs(node.target)
        self.assign(node.target, refs, node, None, None)

    def on_Expr(self, node: cst.Expr) -> None:
        self.refs(node.value)

    def on_Return(self, node: cst.Return) -> None:
        value = node.value
        if isinstance(value, cst.Tuple) and value.elements and unpacks(value, len(value.elements)):
            # `return a, b`: each element on its own, so that `x, y = f()` gives x only a's data
            for index, element in enumerate(value.elements):
                refs = self.refs(element.value)
                if refs:
                    self.facts.returns.append(Assignment(self.scope, ("return_item", self.scope, index), tuple(refs),
                                                         self.span(node), self.text(node)))
            self.facts.tuple_returns[self.scope] = max(len(value.elements), self.facts.tuple_returns.get(self.scope, 0))
        elif value is not None:
            self.returned(self.refs(value), node)

    def on_Raise(self, node: cst.Raise) -> None:
        if node.exc is not None:
            self.refs(node.exc)

    def on_Assert(self, node: cst.Assert) -> None:
        self.refs(node.test)
        if node.msg is not None:
            self.refs(node.msg)

    def on_Del(self, node: cst.Del) -> None:
        self.refs(node.target)

    def on_If(self, node: cst.If) -> None:
        self.refs(node.test)
        self.walk_suite(node.body)
        if isinstance(node.orelse, cst.If):
            self.visit(node.orelse)
        elif node.orelse is not None:
            self.walk_suite(node.orelse.body)

    def on_While(self, node: cst.While) -> None:
        self.refs(node.test)
        self.walk_suite(node.body)
        if node.orelse is not None:
            self.walk_suite(node.orelse.body)

    def on_For(self, node: cst.For) -> None:
        self.assign(node.target, self.refs(node.iter), node, None, None, label_node=node.iter)
        iterated = node.iter
        if (isinstance(iterated, cst.Call) and isinstance(iterated.func, cst.Attribute)
                and iterated.func.attr.value == "values" and not iterated.args):
            iterated = iterated.func.value  # for handler in HANDLERS.values()
        if isinstance(node.target, cst.Name) and isinstance(iterated, (cst.Name, cst.Attribute)):
            container = self.callee_of(iterated)
            if container.base is not None:
                self.facts.bindings.setdefault((self.scope, node.target.value), ("alias", Callee(("each", container), ())))
        self.walk_suite(node.body)
        if node.orelse is not None:
            self.walk_suite(node.orelse.body)

    def on_With(self, node: cst.With) -> None:
        for item in node.items:
            refs = self.refs(item.item)
            if item.asname is not None:
                self.assign(item.asname.name, refs, node, item.item, None)
        self.walk_suite(node.body)

    def on_Try(self, node) -> None:
        self.walk_suite(node.body)
        for handler in node.handlers:
            if handler.name is not None and isinstance(handler.name.name, cst.Name):
                self.bind(handler.name.name.value)
            self.walk_suite(handler.body)
        if node.orelse is not None:
            self.walk_suite(node.orelse.body)
        if node.finalbody is not None:
            self.walk_suite(node.finalbody.body)

    on_TryStar = on_Try

    def on_Match(self, node: cst.Match) -> None:
        self.refs(node.subject)
        for case in node.cases:
            self.walk_suite(case.body)

    def on_Global(self, node: cst.Global) -> None:
        for name in node.names:
            self.locals.setdefault(self.scope, set()).discard(name.name.value)

    def returned(self, refs: list[Ref], node: cst.CSTNode) -> None:
        if refs:
            self.facts.returns.append(Assignment(self.scope, ("return", self.scope), tuple(refs),
                                                 self.span(node), self.text(node)))

    def assign(self, target: cst.BaseExpression, refs: list[Ref], node: cst.CSTNode,
               value: Optional[cst.BaseExpression], text: Optional[StaticText],
               label_node: Optional[cst.CSTNode] = None, items: Optional[list[list[Ref]]] = None) -> None:
        label = self.text(node if label_node is None else label_node)
        if isinstance(target, cst.Name):
            name = target.value
            self.bind(name)
            self.record(("name", self.scope, name), refs, node, label)
            if value is not None:
                single = _unwrap(value)
                if isinstance(single, cst.BooleanOperation) and isinstance(single.right, cst.Call):
                    single = single.right  # client = client or SendGridAPIClient(...)
                binding = self.callable_value(single, refs)
                if binding is not None and not (isinstance(single, cst.Subscript) and carries_data(refs)):
                    self.facts.bindings.setdefault((self.scope, name), binding)
                if isinstance(single, (cst.List, cst.Tuple)):
                    container = self.container_of(name)
                    for position, element in enumerate(single.elements):
                        if not isinstance(element, cst.StarredElement):
                            self.store(container, position, element.value, [], node)
            if text is not None:
                self.facts.constants.setdefault((self.scope, name), text)
            if self.pending_scopes.get(self.scope, {}).get("kind") == "class":
                self.record(("attr", self.scope, name), refs, node, label)
                if value is not None and isinstance(_unwrap(value), cst.Call) and refs_first_call(refs):
                    self.facts.attribute_bindings.setdefault((self.scope, name), refs_first_call(refs))
        elif isinstance(target, (cst.Tuple, cst.List)):
            items = items if items is not None else self.unpacked_call(target, value, refs)
            for index, element in enumerate(target.elements):
                self.assign(element.value, items[index] if items is not None else refs, node, None, None, label_node)
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, refs, node, None, None, label_node)
        elif isinstance(target, cst.Attribute):
            owner = self.self_class(target.value)
            if owner is not None:
                attr = target.attr.value
                self.record(("attr", owner, attr), refs, node, label)
                if value is not None and isinstance(_unwrap(value), cst.Call) and refs_first_call(refs):
                    self.facts.attribute_bindings.setdefault((owner, attr), refs_first_call(refs))
            else:
                self.store_into(target.value, refs, node, label)
        elif isinstance(target, cst.Subscript):
            self.refs_of_slices(target)
            key = subscript_key(target)
            stored_key = self.store_key(target)
            if value is not None and stored_key is not None and isinstance(target.value, (cst.Name, cst.Attribute)):
                self.store(self.callee_of(target.value), stored_key, _unwrap(value), refs, node)
            if key is not None and isinstance(target.value, cst.Name) and self.self_class(target.value) is None:
                self.facts.keyed.add((self.scope, target.value.value))
                self.record(("key", self.scope, target.value.value, key), refs, node, label)
            else:
                self.store_into(target.value, refs, node, label)

    def unpacked_call(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression],
                      refs: list[Ref]) -> Optional[list[list[Ref]]]:
        """`a, b = f(x, y)`: element i of the call's result for each name (the graph links each to the
        function's i-th returned element, or to the whole result of a call it cannot see into)."""
        call = _unwrap(value) if value is not None else None
        if not isinstance(call, cst.Call) or refs != [("call", self.call_index.get(id(call)))]:
            return None
        width = len(target.elements)
        if not unpacks(target, width):
            return None
        index = refs[0][1]
        self.facts.unpacked[index] = max(width, self.facts.unpacked.get(index, 0))
        return [[("call_item", index, i)] for i in range(width)]

    def store_into(self, container: cst.BaseExpression, refs: list[Ref], node: cst.CSTNode, label: str) -> None:
        """`obj.x = v` and `d[k] = v` put v inside obj or d."""
        base = container
        while isinstance(base, (cst.Attribute, cst.Subscript)):
            base = base.value
        owner = self.self_class(container) if isinstance(container, cst.Name) else None
        if isinstance(base, cst.Name) and owner is None:
            self.record(("name", self.scope, base.value), refs, node, label)
        elif isinstance(container, cst.Attribute):
            owner = self.self_class(container.value)
            if owner is not None:
                self.record(("attr", owner, container.attr.value), refs, node, label)
        # Writes into session-like mappings are storage: recorded as a pseudo call for the graph.
        chain = dotted_chain(container)
        if chain and self.catalog.is_storage_mapping(chain):
            self.facts.calls.append(Call(self.scope, self.span(node), Callee(("mapping", chain), ()),
                                         (Argument(tuple(refs), None, "", None),), (),
                                         f"{chain}[...] ="))

    def record(self, target: Ref, refs: list[Ref], node: cst.CSTNode, label: str) -> None:
        if refs:
            self.facts.assignments.append(Assignment(self.scope, target, tuple(refs), self.span(node), label))

    def self_class(self, node: cst.BaseExpression) -> Optional[str]:
        """The class of `self` when node is the first parameter of a method, also inside the functions
        and lambdas nested in that method (`lambda: self.send(email)`)."""
        if not isinstance(node, cst.Name):
            return None
        scope = self.scope
        while True:
            info = self.pending_scopes.get(scope)
            if not info or info["kind"] != "function":
                return None
            if info["class_name"] and not info.get("is_static"):
                params = info["parameters"]
                return info["class_name"] if params and params[0].name == node.value else None
            if node.value in self.locals.get(scope, ()):
                return None
            scope = info["parent"]

    def refs_of_slices(self, node: cst.Subscript) -> list[Ref]:
        found: list[Ref] = []
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                found += self.refs(element.slice.value)
        return found

    # ----- expressions ---------------------------------------------------------------------
    def refs(self, node: cst.BaseExpression) -> list[Ref]:
        """The references whose data flows into the value of `node`; records calls and sources.
        Node types are compared, not tested with isinstance: LibCST's node classes are final, and
        isinstance on their abstract base class costs a fifth of the whole walk."""
        kind = type(node)
        if kind is cst.Name:
            return [("name", self.scope, node.value)]
        if kind is cst.Attribute:
            return self.attribute_refs(node)
        if kind is cst.Subscript:
            return self.subscript_refs(node)
        if kind is cst.Call:
            return self.call_refs(node)
        if kind in (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary, cst.Ellipsis):
            return []
        if kind is cst.ConcatenatedString:
            return [ref for piece in string_pieces(node) for ref in self.refs(piece)]
        if kind is cst.FormattedString:
            found: list[Ref] = []
            for part in node.parts:
                if isinstance(part, cst.FormattedStringExpression):
                    found += self.refs(part.expression)
            return found
        if kind is cst.BinaryOperation:
            return self.refs(node.left) + self.refs(node.right)
        if kind is cst.BooleanOperation:
            return self.refs(node.left) + self.refs(node.right)
        if kind is cst.Comparison:
            self.refs(node.left)
            for target in node.comparisons:
                self.refs(target.comparator)
            return []  # a comparison yields a boolean: the flow ends
        if kind is cst.UnaryOperation:
            inner = self.refs(node.expression)
            return [] if isinstance(node.operator, cst.Not) else inner
        if kind is cst.IfExp:
            self.refs(node.test)
            return self.refs(node.body) + self.refs(node.orelse)
        if kind in (cst.List, cst.Tuple, cst.Set):
            found = []
            for element in node.elements:
                found += self.refs(element.value)
            return found
        if kind is cst.Dict:
            found = []
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    self.refs(element.key)
                found += self.refs(element.value)
            return found
        if kind in (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp):
            self.comprehension_targets(node.for_in)
            if kind is cst.DictComp:
                return self.refs(node.key) + self.refs(node.value)
            return self.refs(node.elt)
        if kind is cst.Await:
            return self.refs(node.expression)
        if kind is cst.Yield:
            if isinstance(node.value, cst.BaseExpression):
                self.returned(self.refs(node.value), node)
            elif isinstance(node.value, cst.From):
                self.returned(self.refs(node.value.item), node)
            return []
        if kind is cst.NamedExpr:
            refs = self.refs(node.value)
            self.assign(node.target, refs, node, node.value, None)
            return refs
        if kind is cst.StarredElement:
            return self.refs(node.value)
        if kind is cst.Lambda:
            # The body runs later, with the enclosing scope's names: its calls are recorded in its
            # own scope (a callback `lambda: notify(email)` sends email). The lambda itself is no data.
            self.lambda_scope(node)
            return []
        if kind is cst.Slice:
            return []
        return []

    def comprehension_targets(self, for_in: cst.CompFor) -> None:
        refs = self.refs(for_in.iter)
        self.assign(for_in.target, refs, for_in, None, None, label_node=for_in.iter)
        for condition in for_in.ifs:
            self.refs(condition.test)
        if for_in.inner_for_in is not None:
            self.comprehension_targets(for_in.inner_for_in)

    def attribute_refs(self, node: cst.Attribute) -> list[Ref]:
        chain = dotted_chain(node)
        if chain:
            container = self.catalog.source_container(chain)
            if container is not None:
                return [self.add_source(node, container, f"'{chain}' holds {container}")]
        name = node.attr.value
        # UPPER_CASE attributes are constants (ActionSource.WEBSITE, settings.EMAIL_HOST), not user data
        category = None if name.isupper() else self.catalog.classify_name(name)
        owner = self.self_class(node.value)
        if category is not None:
            return [self.add_source(node, category, f"attribute '{name}'")]
        if owner is not None:
            return [("attr", owner, name)]
        refs = self.refs(node.value)
        if name.isupper() or name.startswith("_"):
            return refs
        return refs + [("member", name, self.callee_of(node.value))]  # a typed model field of that name?

    def subscript_refs(self, node: cst.Subscript) -> list[Ref]:
        key = subscript_key(node)
        self.refs_of_slices(node)
        if key is not None:
            category = self.catalog.classify_name(key)
            if category is not None:
                self.refs(node.value)
                return [self.add_source(node, category, f"key '{key}'")]
            if isinstance(node.value, cst.Name) and self.self_class(node.value) is None:
                return [("key", self.scope, node.value.value, key)]
        return self.refs(node.value)

    def add_source(self, node: cst.CSTNode, category: str, evidence: str) -> Ref:
        self.facts.sources.append(Source(self.span(node), category, self.text(node), evidence))
        return ("source", len(self.facts.sources) - 1)

    def call_refs(self, node: cst.Call) -> list[Ref]:
        func = node.func
        # x.get("email") and getattr(x, "email"): a keyed read, classified like a subscript.
        key_source = self.keyed_read(node)
        receiver: list[Ref] = []
        if isinstance(func, cst.Attribute):
            receiver = self.refs(func.value)
        else:
            self.refs(func) if not isinstance(func, cst.Name) else None
        callee = self.callee_of(func)
        arguments = []
        for arg in node.args:
            refs = self.refs(arg.value)
            keyword = arg.keyword.value if arg.keyword is not None else None
            star = arg.star if isinstance(arg.star, str) else ""
            value = self.callable_value(arg.value, refs) if not star and not carries_data(refs) else None
            named = value[1] if value is not None and value[0] == "alias" else None
            arguments.append(Argument(tuple(refs), keyword, star, self.static_text(arg.value), named))
        if (isinstance(func, cst.Attribute) and func.attr.value == "append" and len(arguments) == 1
                and arguments[0].keyword is None and not arguments[0].star):
            self.store(self.callee_of(func.value), None, node.args[0].value, list(arguments[0].refs), node)
        self.facts.calls.append(Call(self.scope, self.span(node), callee, tuple(arguments), tuple(receiver),
                                     self.text(func)))
        index = len(self.facts.calls) - 1
        self.call_index[id(node)] = index
        if key_source is not None:
            return [key_source]
        return [("call", index)]

    def keyed_read(self, node: cst.Call) -> Optional[Ref]:
        func = node.func
        key = None
        if isinstance(func, cst.Attribute) and func.attr.value in GETTERS and node.args:
            key = literal_string(node.args[0].value)
        elif isinstance(func, cst.Name) and func.value == "getattr" and len(node.args) >= 2:
            key = literal_string(node.args[1].value)
        if key is None:
            return None
        category = self.catalog.classify_name(key)
        if category is None:
            return None
        return self.add_source(node, category, f"key '{key}'")

    def callee_of(self, node: cst.BaseExpression) -> Callee:
        attributes: list[str] = []
        while isinstance(node, cst.Attribute):
            attributes.append(node.attr.value)
            node = node.value
        attributes.reverse()
        if isinstance(node, cst.Name):
            owner = self.self_class(node)
            if owner is not None:
                return Callee(("self", owner), tuple(attributes))
            return Callee(("name", self.scope, node.value), tuple(attributes))
        if isinstance(node, cst.Call) and is_getattr(node):
            name = literal_string(node.args[1].value)
            if name is None:
                reason = f"getattr with a name computed at run time: {self.text(node, 60)}"
                return Callee(("dynamic", reason), tuple(attributes))
            inner = self.callee_of(node.args[0].value)  # getattr(obj, "send") is obj.send
            return Callee(inner.base, inner.attributes + (name, *attributes)) if inner.base else Callee(None, ())
        if isinstance(node, cst.Call):
            index = self.call_index.get(id(node))  # recorded when the receiver was evaluated
            if index is not None:
                return Callee(("call", index), tuple(attributes))
        if isinstance(node, cst.Subscript):
            container = self.callee_of(node.value)
            if container.base is None:
                return Callee(None, tuple(attributes))
            key = literal_key(node)
            if key is None:
                reason = f"a registry indexed by a key computed at run time: {self.text(node, 60)}"
                return Callee(("dynamic", reason), tuple(attributes))
            return Callee(("item", container, key), tuple(attributes))
        if isinstance(node, cst.Lambda) and id(node) in self.lambda_names:
            return Callee(("name", self.scope, self.lambda_names[id(node)]), tuple(attributes))
        return Callee(None, tuple(attributes))

    def callable_value(self, node: cst.BaseExpression, refs: Optional[list[Ref]]) -> Optional[Ref]:
        """What `node` stands for when it is called later: an alias of the expression it names, or the
        call that makes it (`partial(...)`, a factory). `refs`, when evaluated, tell a call from a keyed
        read (`data.get("email")` is a read of personal data, not a call's result)."""
        if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript, cst.Lambda)) or is_getattr(node):
            callee = self.callee_of(node)
            return ("alias", callee) if callee.base is not None else None
        if isinstance(node, cst.Call):
            index = self.call_index.get(id(node))
            if index is None or (refs is not None and ("call", index) not in refs):
                return None
            return ("call", index)
        return None

    def container_of(self, name: str) -> Callee:
        """The dict or list a name holds: a class attribute in a class body, else the name."""
        if self.pending_scopes.get(self.scope, {}).get("kind") == "class":
            return Callee(("self", self.scope), (name,))
        return Callee(("name", self.scope, name), ())

    def store(self, container: Callee, key, value: cst.BaseExpression, refs: Optional[list[Ref]],
              node: cst.CSTNode) -> None:
        """Record a callable-looking value put into a container (see `facts.Store`)."""
        if container.base is None or isinstance(value, cst.Subscript) or carries_data(refs):
            return
        stored = self.callable_value(value, refs)
        if stored is not None:
            self.facts.stores.append(Store(self.scope, container, key, stored, self.span(node), self.text(node)))

    def store_key(self, node: cst.Subscript):
        """The key of `container[key] = value` as a Store records it; None when it cannot be known."""
        key = literal_key(node)
        if key is not None or len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return key
        value = node.slice[0].slice.value
        if isinstance(value, cst.Name):
            return ("name", self.scope, value.value)
        if isinstance(value, cst.Attribute) and value.attr.value == "__name__" and isinstance(value.value, cst.Name):
            return ("name_of", self.scope, value.value.value)
        return None

    def static_text(self, node: cst.BaseExpression) -> Optional[StaticText]:
        parts = self.text_parts(node)
        if parts is None:
            return None
        return StaticText(tuple(parts[0]), parts[1])

    def text_parts(self, node: cst.BaseExpression) -> Optional[tuple[list[TextPart], str]]:
        if isinstance(node, cst.SimpleString):
            value = literal_string(node)
            return ([value], "") if value is not None else None
        if isinstance(node, cst.ConcatenatedString):
            texts: list[TextPart] = []
            note = ""
            for piece in string_pieces(node):
                found = self.text_parts(piece)
                if found is None:
                    return None
                texts += found[0]
                note = note or found[1]
            return texts, note
        if isinstance(node, cst.FormattedString):
            parts: list[TextPart] = []
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    parts.append(part.value)
                elif isinstance(part.expression, cst.Name):
                    parts.append(("name", self.scope, part.expression.value))
                elif isinstance(part.expression, cst.Attribute) and dotted_chain(part.expression):
                    parts.append(("dotted", self.scope, dotted_chain(part.expression)))
                else:
                    parts.append(None)
            return parts, ""
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left, right = self.text_parts(node.left), self.text_parts(node.right)
            if left is None and right is None:
                return None
            return (left[0] if left else [None]) + (right[0] if right else [None]), (left or right)[1]
        if isinstance(node, cst.Name):
            return [("name", self.scope, node.value)], ""
        if isinstance(node, cst.Attribute):
            chain = dotted_chain(node)
            return ([("dotted", self.scope, chain)], "") if chain else None
        if isinstance(node, cst.Call):
            return self.default_text(node)
        if isinstance(node, cst.Subscript):
            chain = dotted_chain(node.value)
            if chain in ("os.environ",) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
                key = literal_string(node.slice[0].slice.value)
                return [None], f"environment variable {key}" if key else "environment"
        return None

    def default_text(self, node: cst.Call) -> Optional[tuple[list[TextPart], str]]:
        """os.environ.get("X", "lit"), os.getenv("X", "lit"), getattr(o, "X", "lit") give their default."""
        chain = dotted_chain(node.func)
        positional = [a for a in node.args if a.keyword is None]
        if chain in ("os.environ.get", "os.getenv", "environ.get", "getenv", "getattr"):
            key_index = 1 if chain == "getattr" else 0
            key = literal_string(positional[key_index].value) if len(positional) > key_index else None
            default_index = key_index + 1
            where = f"{chain}({key!r})" if key else chain
            if len(positional) > default_index:
                default = self.text_parts(positional[default_index].value)
                if default is not None:
                    return default[0], f"default of {where}"
            return [None], f"{where} without a default"
        return None


def unpacks(target: cst.BaseExpression, width: int) -> bool:
    """A tuple or list of `width` elements, none starred."""
    return (isinstance(target, (cst.Tuple, cst.List)) and len(target.elements) == width
            and not any(isinstance(element, cst.StarredElement) for element in target.elements))


def annotation_types(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The names in a type annotation: `Optional[EmailStr]`, `EmailStr | None`, `list[PhoneNumber]`."""
    if isinstance(node, (cst.Name, cst.Attribute)):
        return [node]
    if isinstance(node, cst.Subscript):
        return [found for element in node.slice if isinstance(element.slice, cst.Index)
                for found in annotation_types(element.slice.value)]
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return annotation_types(node.left) + annotation_types(node.right)
    return []


def subscript_key(node: cst.Subscript) -> Optional[str]:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return literal_string(node.slice[0].slice.value)
    return None


def literal_key(node: cst.Subscript):
    """A literal str or int subscript, else None."""
    key = subscript_key(node)
    if key is None and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        value = node.slice[0].slice.value
        if isinstance(value, cst.Integer):
            key = value.evaluated_value
    return key


def carries_data(refs: Optional[Sequence[Ref]]) -> bool:
    """Whether a value reads personal data itself (`user.email`): then it is no callable."""
    return bool(refs) and any(ref[0] == "source" for ref in refs)


def is_getattr(node: cst.BaseExpression) -> bool:
    return (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "getattr"
            and len(node.args) >= 2 and all(arg.keyword is None and not arg.star for arg in node.args[:2]))


def parameters_of(params: cst.Parameters) -> list[Parameter]:
    parameters = [Parameter(p.name.value, "positional") for p in (*params.posonly_params, *params.params)]
    if isinstance(params.star_arg, cst.Param):
        parameters.append(Parameter(params.star_arg.name.value, "*"))
    parameters += [Parameter(p.name.value, "keyword_only") for p in params.kwonly_params]
    if params.star_kwarg is not None:
        parameters.append(Parameter(params.star_kwarg.name.value, "**"))
    return parameters


def _unwrap(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.expression if isinstance(node, cst.Await) else node


def refs_first_call(refs: Sequence[Ref]) -> Optional[Ref]:
    for ref in refs:
        if ref[0] == "call":
            return ref
    return None


def literal_string(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        raw = node.value
        if raw[0] in "'\"" and "\\" not in raw and raw[:3] not in ('"""', "'''"):
            return raw[1:-1]  # the common case, without literal_eval's compile()
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - malformed escapes in a literal we only inspect
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        values = [literal_string(piece) for piece in string_pieces(node)]
        return "".join(values) if None not in values else None
    return None


def string_pieces(node: cst.ConcatenatedString) -> list[cst.BaseExpression]:
    """The strings of `"a" "b" f"c"`, in a loop: a thousand-piece literal must not recurse a thousand deep."""
    pieces = []
    current: cst.BaseExpression = node
    while isinstance(current, cst.ConcatenatedString):
        pieces.append(current.left)
        current = current.right
    pieces.append(current)
    return pieces


def dotted_chain(node: cst.BaseExpression) -> str:
    """`a.b.c` for a chain of names; "" when any link is not a plain name."""
    names: list[str] = []
    while isinstance(node, cst.Attribute):
        names.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return ""
    names.append(node.value)
    return ".".join(reversed(names))


def extract_facts(source: str, parsed: ast.Module, path: str, module: str, is_package: bool,
                  catalog: Catalog) -> ModuleFacts:
    """Facts of one module, given its text and CPython's tree of it (for positions).
    Raises libcst.ParserSyntaxError on bad syntax."""
    tree = cst.parse_module(source)
    facts = ModuleFacts(path=path, module=module, lines=source.count("\n") + (0 if source.endswith("\n") else 1))
    package = module if is_package else module.rpartition(".")[0]
    FactsWalker(facts, PositionIndex(tree, source, parsed), tree, catalog, package).run(tree)
    facts.suppressions = suppressions(source)
    return facts
