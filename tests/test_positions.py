"""Positions from CPython's ast, matched to LibCST nodes in source order, must equal LibCST's own
PositionProvider (the slow reference) on every statement and Call/Attribute/Subscript node."""

from __future__ import annotations

import ast
import sys
import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from conftest import FIXTURES
from privacylint.positions import PositionIndex, preorder

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SAMPLES = sorted(p for p in FIXTURES.glob("*/**/*.py") if p.stat().st_size) + [STDLIB / name for name in
                                                 ("fnmatch.py", "getpass.py", "dataclasses.py", "json/decoder.py")]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_ast_positions_equal_libcst_positions(path):
    source = path.read_text(encoding="utf-8")
    tree = cst.parse_module(source)
    fast = PositionIndex(tree, source, ast.parse(source))
    assert not fast.used_fallback
    reference = PositionIndex.__new__(PositionIndex)
    reference.lines, reference.spans = fast.lines, {}
    reference._from_libcst(tree)
    nodes = list(preorder(tree))
    assert nodes and all(fast.get(node) == reference.get(node) for node in nodes)


MATCH_AND_FRIENDS = '''
match command.split():
    case [Point(x=0, y=obj.attr), *rest] if rest[0].go():
        print(f"{obj.name!r:>{width()}}")
    case {"key": value, **others}:
        lambda: (yield from items[1:2])
async def f():
    async with a.b() as c, d[0]:
        await e.f(*g, **h)
    global_name: Annotated[int, meta.data()] = [i.j for i in k() if i.l]
'''


MATCH_SAMPLE = pytest.param(None, marks=pytest.mark.skipif(sys.version_info < (3, 10),
                                                           reason="match statements came with CPython 3.10"))


@pytest.mark.parametrize("path", SAMPLES[-4:] + [MATCH_SAMPLE], ids=lambda p: p.name if p else "match")
def test_the_ast_walk_finds_every_statement_call_attribute_and_subscript(path):
    from privacylint.positions import ast_nodes

    parsed = ast.parse(path.read_text(encoding="utf-8") if path else MATCH_AND_FRIENDS)
    found = ast_nodes(parsed)
    every = list(ast.walk(parsed))
    assert {key: sorted(map(id, nodes)) for key, nodes in found.items()} == {
        "stmt": sorted(id(n) for n in every if isinstance(n, ast.stmt)),
        **{kind.__name__: sorted(id(n) for n in every if type(n) is kind)
           for kind in (ast.Call, ast.Attribute, ast.Subscript)}}
