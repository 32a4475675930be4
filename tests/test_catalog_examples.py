"""Every catalog recipient's own VALID and INVALID examples (rules/recipients/*.yaml `examples:`).

Each example is the app.py of a project whose manifest is `version: 1` (nothing declared): the
INVALID one must send personal data to that recipient (PL201) at its `line`, the VALID one must not
send any to it. The catalog is loaded once and shared, as the language server does.
"""

from __future__ import annotations

import pytest

from conftest import write_project
from privacylint.api import Options, Project, check
from privacylint.catalog import load_catalog
from privacylint.config import load_config
from privacylint.manifest import load_manifest

CATALOG = load_catalog()
CASES = [(recipient.id, index, example) for recipient in CATALOG.recipients.values()
         for index, example in enumerate(recipient.examples)]


def run_example(root, code: str):
    write_project(root, {"privacy.yaml": "version: 1\n", "app.py": code})
    project = Project(root, load_config(root), CATALOG, load_manifest("version: 1\n", "privacy.yaml", CATALOG), [])
    report, _ = check(Options(paths=(root,), use_cache=False, jobs=1), project=project)
    return report


@pytest.mark.parametrize("recipient_id,index,example", CASES,
                         ids=[f"{rid}-{'invalid' if e.line else 'valid'}-{i}" for rid, i, e in CASES])
def test_example(tmp_path, recipient_id, index, example):
    report = run_example(tmp_path, example.code)
    assert report.errors == []
    fired = sorted({(f.location.path, f.location.line) for f in report.findings
                    if f.code == "PL201" and f.recipient is not None and f.recipient.id == recipient_id})
    assert fired == ([("app.py", example.line)] if example.line else [])


def test_every_recipient_has_a_valid_and_an_invalid_example():
    lacking = [r.id for r in CATALOG.recipients.values()
               if not any(e.line is None for e in r.examples) or not any(e.line for e in r.examples)]
    assert lacking == []
