"""Property tests (issue 8): generated valid Python programs go through the whole pipeline without an
exception escaping, and the findings are deterministic: same input, same output, cached or not, in one
process or a pool. PRIVACYLINT_PROPERTY_EXAMPLES sets the number of programs (CI: 15)."""

from __future__ import annotations

import os

import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, given, settings  # noqa: E402

from conftest import write_project  # noqa: E402
from privacylint.api import Options, check  # noqa: E402
from privacylint.report.json_format import as_dict  # noqa: E402

MANIFEST = "version: 1\ncollects: [user.contact]\nsecurity: {logs: no-personal-data}\n"
# A fixed tail that reads and sends personal data, so every generated program also has flows.
TAIL = '\n\nimport logging\n\ndef _view(request):\n    logging.info("%s", request.POST["email"])\n'
EXAMPLES = int(os.environ.get("PRIVACYLINT_PROPERTY_EXAMPLES", "15"))
COPIES = 7  # with generated.py, enough files for a process pool at --jobs 2


def report_of(root, use_cache: bool, jobs: int = 1) -> dict:
    report, _ = check(Options(paths=(root,), use_cache=use_cache, jobs=jobs))
    data = as_dict(report)
    data["stats"] = None
    return data


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(program=hypothesmith.from_grammar(auto_target=False))
def test_generated_programs_never_crash_and_are_deterministic(tmp_path_factory, program):
    root = write_project(tmp_path_factory.mktemp("generated"), {
        "privacy.yaml": MANIFEST, "generated.py": program + TAIL,
        **{f"copy{number}.py": program for number in range(COPIES)}})
    first = report_of(root, use_cache=False)
    assert first == report_of(root, use_cache=False, jobs=2)
    assert first == report_of(root, use_cache=True) == report_of(root, use_cache=True)  # a cold cache, then warm
    assert all(error["code"] == "PL901" for error in first["errors"])
