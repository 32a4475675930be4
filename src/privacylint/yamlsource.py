"""Safe YAML loading that keeps the 1-based line and column of every mapping key and list item."""

from __future__ import annotations

import difflib
from typing import Any, Iterable

import yaml

from privacylint.errors import LocatedError


# libyaml's safe loader when PyYAML has it (ten times faster); both refuse tags and objects.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Node:
    """A loaded YAML value with where it came from."""

    __slots__ = ("value", "line", "column", "path", "keys", "raw")

    def __init__(self, value: Any, line: int, column: int, path: str, keys: dict | None = None, raw: str = ""):
        self.value, self.line, self.column, self.path = value, line, column, path
        self.keys: dict[str, Node] = keys or {}  # for mappings: each key's own node
        self.raw = raw                            # for scalars: the text as written (NO is a country)

    def error(self, message: str, hint: str = "") -> LocatedError:
        return LocatedError(self.path, self.line, self.column, message, hint)

    def __repr__(self) -> str:
        return f"Node({self.value!r} @{self.line}:{self.column})"


def load_yaml(text: str, path: str) -> Node:
    """Compose with SafeLoader (no tags, no object construction) and keep positions."""
    try:
        root = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise LocatedError(path, line, col, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise LocatedError(path, 1, 1, f"invalid YAML: {exc}") from None
    if root is None:
        return Node(None, 1, 1, path)
    return _convert(root, path)


def _convert(node: yaml.Node, path: str) -> Node:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if node.tag not in _TAGS:
        raise LocatedError(path, line, col, f"unsupported YAML tag {node.tag}")
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Node] = {}
        keys: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, path)
            if not isinstance(key.value, str):
                raise key.error(f"keys must be strings, not {_type_name(key.value)}")
            if key.value in mapping:
                raise key.error(f"duplicate key '{key.value}'", f"first at line {keys[key.value].line}")
            mapping[key.value] = _convert(value_node, path)
            keys[key.value] = key
        return Node(mapping, line, col, path, keys)
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(item, path) for item in node.value], line, col, path)
    value = _SCALARS.construct_object(node) if node.tag != _STR else node.value
    return Node(value, line, col, path, raw=node.value)


_SCALARS = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_TAGS = {_STR, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
                "tag:yaml.org,2002:float"}


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", int: "a number", float: "a number",
            bool: "a boolean", type(None): "empty"}.get(type(value), type(value).__name__)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class Reader:
    """Typed access to a mapping Node that rejects unknown keys and wrong types with positions."""

    def __init__(self, node: Node, allowed: Iterable[str], what: str):
        if not isinstance(node.value, dict):
            raise node.error(f"{what} must be a mapping, not {_type_name(node.value)}")
        self.node = node
        allowed = list(allowed)
        for key, key_node in node.keys.items():
            if key not in allowed:
                raise key_node.error(f"unknown key '{key}' in {what}",
                                     did_you_mean(key, allowed) or f"expected one of: {', '.join(allowed)}")

    def has(self, key: str) -> bool:
        return key in self.node.value

    def get(self, key: str) -> Node | None:
        return self.node.value.get(key)

    def require(self, key: str, what: str) -> Node:
        if key not in self.node.value:
            raise self.node.error(f"{what} needs '{key}'")
        return self.node.value[key]

    def key_node(self, key: str) -> Node:
        return self.node.keys[key]


def expect(node: Node, kind: type | tuple, what: str) -> Any:
    if isinstance(node.value, bool) and kind is not bool and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise node.error(f"{what} must be {_kind_name(kind)}, not a boolean")
    if not isinstance(node.value, kind):
        raise node.error(f"{what} must be {_kind_name(kind)}, not {_type_name(node.value)}")
    return node.value


def _kind_name(kind: type | tuple) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_type_name(k()) if k is not type(None) else "empty" for k in kinds)


def string_list(node: Node, what: str) -> list[Node]:
    """A list of strings; a single string is accepted as a list of one."""
    if isinstance(node.value, str):
        return [node]
    items = expect(node, list, what)
    for item in items:
        expect(item, str, f"each item of {what}")
    return items
