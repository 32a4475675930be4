"""Exact 1-based positions for the LibCST nodes the facts need, without LibCST's metadata pass.

LibCST's PositionProvider costs about 2.7x the parse itself (libcst 1.9, see benchmarks/); CPython's
`ast` carries positions for 0.3x. Statements and Call/Attribute/Subscript nodes appear in the same
source order in both trees, so the n-th of each kind in a LibCST pre-order walk is the n-th in `ast`
sorted by position. When the trees disagree (counts, statement types or attribute names differ), the
index falls back to PositionProvider for that module: slower, never wrong.
"""

from __future__ import annotations

import ast
import dataclasses
import io
import re
import tokenize
from typing import Iterator, Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from privacylint.positions_model import Span


EXPRESSIONS = (cst.Call, cst.Attribute, cst.Subscript)
AST_EXPRESSIONS = {cst.Call: ast.Call, cst.Attribute: ast.Attribute, cst.Subscript: ast.Subscript}
EXPRESSION_KEYS = {cst_type: ast_type.__name__ for cst_type, ast_type in AST_EXPRESSIONS.items()}
STATEMENT_NAMES = {"Del": ("Delete",), "FunctionDef": ("FunctionDef", "AsyncFunctionDef"),
                   "For": ("For", "AsyncFor"), "With": ("With", "AsyncWith")}
# Fields that hold only tokens and whitespace: never a statement or expression of interest.
_LEAF_FIELDS = re.compile(r"^(whitespace_.*|lpar|rpar|comma|semicolon|header|footer|leading_lines|"
                          r"lines_after_decorators|trailing_whitespace|equal|dot|indent|operator|lbracket|"
                          r"rbracket|lbrace|rbrace|asynchronous|colon|star|default_indent|default_newline|"
                          r"encoding|newline|quote|prefix|start|end|value_text)$")
# Where dataclass field order is not source order, the source order (as LibCST's codegen has it).
_SOURCE_ORDER = {
    cst.FunctionDef: ("decorators", "name", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "name", "bases", "keywords", "body"),
    cst.IfExp: ("body", "test", "orelse"),
    cst.MatchCase: ("pattern", "guard", "body"),
    cst.ExceptHandler: ("type", "name", "body"),
    cst.ExceptStarHandler: ("type", "name", "body"),
    cst.Parameters: ("posonly_params", "posonly_ind", "params", "star_arg", "kwonly_params", "star_kwarg"),
}
SUPPRESSION_MARK = "privacylint:"
LINE_BREAK = re.compile(r"\r\n|\r|\n")


_NOT_NODES = (str, int, float, bool, type(None), type(cst.MaybeSentinel.DEFAULT))
# type -> (is a statement or a tracked expression, child fields in source order, do not descend)
_TYPE_INFO: dict[type, tuple[bool, tuple[str, ...], bool]] = {}


def _type_info(node_type: type) -> tuple[bool, tuple[str, ...], bool]:
    info = _TYPE_INFO.get(node_type)
    if info is None:
        if not (isinstance(node_type, type) and issubclass(node_type, cst.CSTNode)):
            info = (False, (), True)
        else:
            tracked = issubclass(node_type, (cst.BaseSmallStatement, cst.BaseCompoundStatement, *EXPRESSIONS))
            fields = _SOURCE_ORDER.get(node_type) or tuple(
                f.name for f in dataclasses.fields(node_type) if not _LEAF_FIELDS.match(f.name))
            info = (tracked, fields, node_type in (cst.Import, cst.ImportFrom))
        _TYPE_INFO[node_type] = info
    return info


def preorder(tree: cst.Module) -> Iterator[cst.CSTNode]:
    """Statements and Call/Attribute/Subscript nodes in source order (import names are skipped)."""
    stack: list = [tree]
    while stack:
        node = stack.pop()
        tracked, fields, leaf = _type_info(type(node))
        if tracked:
            yield node
        if leaf:
            continue
        children: list = []
        for name in fields:
            value = getattr(node, name)
            if type(value) in (list, tuple):
                children.extend(value)
            elif not isinstance(value, _NOT_NODES):
                children.append(value)
        stack.extend(reversed(children))


# ast nodes below which no statement, call, attribute or subscript can be
_AST_LEAVES = (ast.Name, ast.Constant, ast.expr_context, ast.alias, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
_AST_FIELDS: dict[type, tuple[str, ...]] = {}


def ast_nodes(parsed: ast.Module) -> dict[str, list[ast.AST]]:
    """The statements and Call/Attribute/Subscript nodes of a tree, in no particular order (a walk
    that skips leaves and `ctx`: ast.walk costs as much as the parse)."""
    found: dict[str, list[ast.AST]] = {"stmt": [], "Call": [], "Attribute": [], "Subscript": []}
    expressions = {ast.Call: found["Call"], ast.Attribute: found["Attribute"], ast.Subscript: found["Subscript"]}
    statements = found["stmt"]
    stack: list = [parsed]
    while stack:
        node = stack.pop()
        node_type = type(node)
        kept = expressions.get(node_type)
        if kept is not None:
            kept.append(node)
        elif isinstance(node, ast.stmt):
            statements.append(node)
        fields = _AST_FIELDS.get(node_type)
        if fields is None:
            fields = _AST_FIELDS[node_type] = () if issubclass(node_type, _AST_LEAVES) else tuple(
                name for name in node_type._fields if name != "ctx")
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return found


class PositionIndex:
    def __init__(self, tree: cst.Module, source: str, parsed: ast.Module):
        self.lines = LINE_BREAK.split(source)  # as Python's tokenizer counts lines, not str.splitlines
        self.spans: dict[int, Span] = {}
        self.used_fallback = False
        if not self._from_ast(tree, parsed):
            self._from_libcst(tree)

    def get(self, node: cst.CSTNode) -> Optional[Span]:
        return self.spans.get(id(node))

    def _from_ast(self, tree: cst.Module, parsed: ast.Module) -> bool:
        wanted = ast_nodes(parsed)
        for nodes in wanted.values():
            nodes.sort(key=lambda n: (n.lineno, n.col_offset, -n.end_lineno, -n.end_col_offset))
        cursors = {key: 0 for key in wanted}
        for node in preorder(tree):
            key = EXPRESSION_KEYS.get(type(node), "stmt")
            index = cursors[key]
            if index >= len(wanted[key]):
                return False
            other = wanted[key][index]
            cursors[key] = index + 1
            if not _same(node, other):
                return False
            self.spans[id(node)] = self._span(other)
        return all(cursors[key] == len(nodes) for key, nodes in wanted.items())

    def _span(self, node: ast.AST) -> Span:
        return Span(node.lineno, self._column(node.lineno, node.col_offset),
                    node.end_lineno, self._column(node.end_lineno, node.end_col_offset))

    def _column(self, line: int, byte_offset: int) -> int:
        """ast counts UTF-8 bytes; we count characters, from 1."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="replace")) + 1

    def _from_libcst(self, tree: cst.Module) -> None:
        self.used_fallback = True
        positions = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
        for node in preorder(tree):
            rng = positions[node]
            self.spans[id(node)] = Span(rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)

    def text(self, span: Span, limit: int = 80) -> str:
        """The source of a span on one line, whitespace collapsed and cut at `limit` characters."""
        if span.line == span.end_line:
            code = self.lines[span.line - 1][span.column - 1: span.end_column - 1]
        else:
            first = self.lines[span.line - 1][span.column - 1:]
            middle = self.lines[span.line: span.end_line - 1]
            last = self.lines[span.end_line - 1][: span.end_column - 1]
            code = " ".join([first, *middle, last])
        code = " ".join(code.split())
        return code if len(code) <= limit else code[: limit - 3] + "..."


def _same(node: cst.CSTNode, other: ast.AST) -> bool:
    expected = AST_EXPRESSIONS.get(type(node))   # exact types: isinstance on LibCST's ABCs is slow
    if expected is not None:
        if type(other) is not expected:
            return False
        return expected is not ast.Attribute or node.attr.value == other.attr
    name = type(node).__name__
    return type(other).__name__ in STATEMENT_NAMES.get(name, (name,))


SUPPRESSION = re.compile(r"#\s*privacylint:\s*ignore(?:\[(?P<codes>[A-Za-z0-9 ,]*)\])?")


def suppressions(source: str) -> dict[int, frozenset[str]]:
    """`# privacylint: ignore[CODES]` comments by line ("" = every code); only real comments count."""
    if SUPPRESSION_MARK not in source:
        return {}
    found: dict[int, frozenset[str]] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return {}
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        match = SUPPRESSION.search(token.string)
        if match:
            codes = match.group("codes")
            chosen = frozenset(c.strip().upper() for c in codes.split(",") if c.strip()) if codes else frozenset({""})
            line = token.start[0]
            found[line] = found.get(line, frozenset()) | chosen
    return found
