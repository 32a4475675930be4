"""Positions from CPython's ast, matched to LibCST nodes in source order, must equal LibCST's own
PositionProvider (the slow reference) on every statement and Call/Attribute/Subscript node."""

from __future__ import annotations

import ast
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
