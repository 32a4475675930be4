"""Golden tests: each fixture app's exact findings (code, path, line, category, recipient), checked
against fixtures/NAME/expected_findings.tsv, which was reviewed row by row against INTENT.md.

To refresh after a deliberate change: `python tests/test_fixtures.py --update`, then review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import FIXTURES, finding_rows, run_check  # noqa: E402

APPS = sorted(p.name for p in FIXTURES.iterdir() if (p / "privacy.yaml").is_file())


def rows(app: str) -> list[str]:
    return ["\t".join("-" if v is None else str(v) for v in row) for row in finding_rows(run_check(FIXTURES / app))]


def golden(app: str) -> Path:
    return FIXTURES / app / "expected_findings.tsv"


@pytest.mark.parametrize("app", APPS)
def test_fixture_findings_are_exactly_the_golden_ones(app):
    expected = [line for line in golden(app).read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
    assert rows(app) == expected


def test_three_fixture_apps_exist():
    assert {"umegou_shop", "cn_registrar", "ad_site"} <= set(APPS)


def test_cross_module_flow_shows_its_path():
    report = run_check(FIXTURES / "umegou_shop")
    [finding] = [f for f in report.findings if f.code == "PL202" and f.recipient.id == "mixpanel"]
    flow = finding.flow
    assert (flow.source.path, flow.source.line) == ("shop/views.py", 33)
    assert [(s.path, s.line) for s in flow.trace] == [
        ("shop/views.py", 33), ("shop/views.py", 36), ("shop/integrations/analytics.py", 18)]
    assert (flow.sink.location.path, flow.sink.location.line) == ("shop/integrations/analytics.py", 13)
    assert flow.sink.location.label == "mixpanel.Mixpanel().track"


def test_hashing_in_project_code_makes_a_pseudonymous_id():
    report = run_check(FIXTURES / "ad_site")
    pseudonymous = [f for f in report.findings if f.category == "user.unique_id.pseudonymous"]
    assert [(f.code, f.location.path, f.location.line, f.recipient.id) for f in pseudonymous] == [
        ("PL202", "adsite/tracking.py", 27, "facebook")]
    assert not [f for f in report.findings if f.code == "PL204" and f.location.line == 27]


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    for name in APPS:
        header = "# code\tpath\tline\tcategory\trecipient (reviewed against INTENT.md)\n"
        golden(name).write_text(header + "".join(r + "\n" for r in rows(name)), encoding="utf-8")
        print(f"wrote {golden(name)}")
