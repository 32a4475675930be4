"""docs/catalog.md is generated from rules/ and must be committed up to date."""

from __future__ import annotations

import importlib.util

from conftest import REPO


def load_generator():
    spec = importlib.util.spec_from_file_location("generate_catalog_docs", REPO / "scripts" / "generate_catalog_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_catalog_page_is_up_to_date():
    generator = load_generator()
    expected = generator.render(generator.load_catalog(REPO / "rules"))
    assert (REPO / "docs" / "catalog.md").read_text(encoding="utf-8") == expected, \
        "docs/catalog.md is out of date: run python scripts/generate_catalog_docs.py"
