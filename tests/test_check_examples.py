"""Each check's own VALID and INVALID examples (as Fixit does): the check must fire exactly where the
INVALID example says, and not at all on the VALID one."""

from __future__ import annotations

import pytest

from conftest import run_check, write_project
from privacylint.checks import CHECKS

CASES = [(check, "invalid", i, example) for check in CHECKS for i, example in enumerate(check.invalid)] + \
        [(check, "valid", i, example) for check in CHECKS for i, example in enumerate(check.valid)]


@pytest.mark.parametrize("check,kind,index,example", CASES,
                         ids=[f"{c.code}-{k}-{i}" for c, k, i, _ in CASES])
def test_example(tmp_path, check, kind, index, example):
    report = run_check(write_project(tmp_path, example.files))
    assert report.errors == []
    fired = sorted((f.location.path, f.location.line) for f in report.findings if f.code == check.code)
    assert fired == sorted(example.expect)


def test_every_check_has_examples_and_docs():
    for check in CHECKS:
        assert check.invalid and check.valid, check.code
        assert all([check.summary, check.why, check.example, check.fix]), check.code
