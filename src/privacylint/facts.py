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


@dataclass(frozen=True)
class Callee:
    """The called expression as a chain: base (a Ref, or None) then attribute names."""

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
    suppressions: dict[int, frozenset[str]] = field(default_factory=dict)  # line -> codes ("" = all)
