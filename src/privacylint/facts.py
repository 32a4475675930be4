"""Per-module facts: what the graph needs from one module, as plain picklable data.

`extract` fills them in one LibCST pass. They are cached, so this module imports no parser: a warm
run never loads LibCST.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from privacylint.positions_model import Span

# A value reference, resolved by the graph:
#   ("name", scope, name)   a name read in `scope` (a dotted path of defs inside the module, "" at top)
#   ("source", index)       the module's sources[index]
#   ("call", index)         the result of the module's calls[index]
#   ("attr", class, name)   an attribute of instances of `class` (self.name), class a dotted path
#   ("key", scope, name, k) the value under the literal key k of the dict held by a name
#   ("member", name, Callee) `receiver.name` read from a receiver of unknown class: a model field
#                           of that name declared with a typed field (see `typed_fields`) may hold it
#   ("call_item", index, i) element i of the tuple that calls[index] returns, unpacked (`a, b = f()`)
#   ("return_item", scope, i) element i of a tuple literal a function returns (`return a, b`)
# A value used as a callable (in `bindings`, `Store.value`, decorators):
#   ("alias", Callee)       the value of an expression, such as `analytics.track` or `HANDLERS["x"]`
#   ("call", index)         the result of the module's calls[index], such as `partial(send, "x")`
Ref = tuple
# A piece of statically known text: a literal string, or a Ref to resolve, or None for unknown.
TextPart = Union[str, Ref, None]


@dataclass(frozen=True)
class StaticText:
    """What can be known of a string value without running the code."""

    parts: tuple[TextPart, ...]
    note: str = ""  # how it was found, e.g. "default of os.environ.get('URL')"


@dataclass(frozen=True)
class Source:
    span: Span
    category: str
    label: str       # the expression, e.g. request.POST['email']
    evidence: str    # why it is that category, e.g. "key 'email'"


@dataclass(frozen=True)
class Argument:
    refs: tuple[Ref, ...]
    keyword: Optional[str]
    star: str                      # "", "*" or "**"
    text: Optional[StaticText]     # static value of the argument when it is string-like
    callee: Optional["Callee"] = None  # the argument as a callable, when it names one (`partial(f, x)`)


@dataclass(frozen=True)
class Callee:
    """The called expression as a chain: base (a Ref, or None) then attribute names.

    Besides value Refs, the base may be ("self", class), ("mapping", chain) (a storage write),
    ("item", Callee, key) for `container[key]` with a literal str or int key, ("each", Callee) for an
    element of a container a loop walks, or ("dynamic", reason) for a callable picked at run time
    (`getattr(obj, name)`, `HANDLERS[kind]`). `getattr(obj, "literal")` is recorded as `obj.literal`."""

    base: Optional[Ref]
    attributes: tuple[str, ...]


@dataclass(frozen=True)
class Call:
    scope: str
    span: Span
    callee: Callee
    arguments: tuple[Argument, ...]
    receiver: tuple[Ref, ...]      # refs of the object a method is called on
    label: str                     # source text of the callee, e.g. stripe.Customer.create


@dataclass(frozen=True)
class Assignment:
    """Data moves from `refs` into `target` at `span`."""

    scope: str
    target: Ref
    refs: tuple[Ref, ...]
    span: Span
    label: str


@dataclass(frozen=True)
class Store:
    """A callable-looking value put into a container, for calls through it later: `{"k": f}`,
    `[f, g]`, `container[key] = f`, `container.append(f)`.

    key: a literal str (dict) or int (list position); None for an appended element; or, inside a
    function, ("name", scope, n) for a key held by a name and ("name_of", scope, n) for `n.__name__`,
    which the graph binds where the function is called or used as a decorator."""

    scope: str
    container: Callee
    key: Union[str, int, Ref, None]
    value: Ref                     # ("alias", Callee) or ("call", index)
    span: Span
    label: str


@dataclass(frozen=True)
class Decorator:
    value: Ref                     # ("alias", Callee) for `@register`, ("call", index) for `@register("x")`
    span: Span
    label: str


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str                      # "positional", "keyword_only", "*", "**"


@dataclass(frozen=True)
class Scope:
    name: str                      # dotted path inside the module; "" for the module itself
    kind: str                      # "module", "function", "class"
    parent: str                    # enclosing function or module scope used to resolve free names
    class_name: Optional[str]      # for methods: the dotted path of their class
    parameters: tuple[Parameter, ...]
    locals: frozenset[str]
    span: Span
    is_static: bool = False        # staticmethod: no self
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True)
class Import:
    local: str                     # the bound name
    target: str                    # the qualified name it stands for
    span: Span


@dataclass(frozen=True)
class ClassDef:
    name: str                      # dotted path inside the module
    bases: tuple[Callee, ...]
    span: Span


@dataclass
class ModuleFacts:
    path: str                      # relative to the project root, with /
    module: str                    # dotted module name
    lines: int
    imports: list[Import] = field(default_factory=list)
    scopes: dict[str, Scope] = field(default_factory=dict)
    classes: dict[str, ClassDef] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    returns: list[Assignment] = field(default_factory=list)      # target is ("return", scope)
    constants: dict[tuple[str, str], StaticText] = field(default_factory=dict)  # (scope, name) -> first text
    bindings: dict[tuple[str, str], Ref] = field(default_factory=dict)  # (scope, name) -> first call/name assigned
    attribute_bindings: dict[tuple[str, str], Ref] = field(default_factory=dict)  # (class, attr) -> call
    keyed: set[tuple[str, str]] = field(default_factory=set)  # (scope, name) of dicts filled by literal keys
    stores: list[Store] = field(default_factory=list)
    typed_fields: dict[tuple[str, str], int] = field(default_factory=dict)  # (class, field) -> its source index
    tuple_returns: dict[str, int] = field(default_factory=dict)  # scope -> widest tuple literal it returns
    unpacked: dict[int, int] = field(default_factory=dict)  # call index -> names its result is unpacked into
    suppressions: dict[int, frozenset[str]] = field(default_factory=dict)  # line -> codes ("" = all)
