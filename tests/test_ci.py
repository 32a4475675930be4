"""Where CI reads the results: SARIF (checked against the OASIS schema), GitHub annotations, baselines,
and the progress bar a person at a terminal sees."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import privacylint as privacylint_package
from conftest import FIXTURES, REPO, SHOP_MANIFEST as MANIFEST, SHOP_VIEWS as VIEWS, run_check, write_project
from privacylint import __version__
from privacylint.checks import CHECKS, UNPARSABLE
from privacylint.model import Location, Report
from privacylint.progress import ProgressBar
from privacylint.report import render
from privacylint.report.github import annotation
from privacylint.report.json_format import as_dict
from privacylint.report.sarif import sarif_log

SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
PL202 = "user.contact.email reaches stripe (US), declared only for user.financial"
PL402 = "user.contact.email is written to a log by logging.getLogger().info"


def make(root, views=VIEWS, **extra):
    return write_project(root, {"privacy.yaml": MANIFEST, "shop/__init__.py": "", "shop/views.py": views, **extra})


def privacylint(*args: str, cwd) -> subprocess.CompletedProcess:
    """The command run from `cwd` (CI formats name files from there), importing the privacylint under test."""
    env = {**os.environ, "PYTHONPATH": str(Path(privacylint_package.__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, "-m", "privacylint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def check_output(root, *args, cwd=None) -> subprocess.CompletedProcess:
    return privacylint("check", "--no-cache", *args, str(root), cwd=cwd or root)


def fingerprints(root) -> list[str]:
    return [finding.fingerprint for finding in run_check(root).findings]


def sarif(root, *args, cwd=None) -> dict:
    return json.loads(check_output(root, "--format", "sarif", *args, cwd=cwd).stdout)


# ----- SARIF ------------------------------------------------------------------------------------

@pytest.mark.skipif(not SARIF_SCHEMA.exists(), reason="../shared/schemas/sarif-schema-2.1.0.json is absent "
                    "(as in a user's clone)")
def test_sarif_validates_against_the_oasis_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed (pip install '.[test]')")
    validator = jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    broken = make(tmp_path, **{"shop/broken.py": "def broken(:\n    pass\n"})
    logs = {"example shop": sarif_log(run_check(FIXTURES / "umegou_shop")),
            "unparsable file, project outside the working directory": sarif_log(run_check(broken), f"{tmp_path}/")}
    shop_results = logs["example shop"]["runs"][0]["results"]
    assert any("codeFlows" in r for r in shop_results) and any("relatedLocations" in r for r in shop_results)
    assert logs["unparsable file, project outside the working directory"]["runs"][0]["invocations"][0][
        "toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == \
        {"uri": (tmp_path / "shop/broken.py").as_uri()}
    problems = {name: [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
                       for error in validator.iter_errors(log)] for name, log in logs.items()}
    assert problems == {name: [] for name in logs}


def test_sarif_of_the_example_shop_matches_the_json_findings():
    report = run_check(FIXTURES / "umegou_shop")
    log = sarif_log(report)
    findings = as_dict(report)["findings"]
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"], r["partialFingerprints"]["privacylint/v1"])
            for r in results] == [(f["code"], f["path"], f["line"], f["fingerprint"]) for f in findings]
    flows = [r for r in results if "codeFlows" in r]
    assert len(flows) == len([f for f in findings if f["source"] is not None]) > 0
    for result, finding in zip(results, findings):
        if "codeFlows" in result:
            steps = [(step["location"]["physicalLocation"]["region"]["startLine"], step["location"]["message"]["text"])
                     for step in result["codeFlows"][0]["threadFlows"][0]["locations"]]
            assert steps[:-1] == ([(finding["source"]["line"], "source: " + finding["source"]["label"])]
                                  + [(t["line"], "step: " + t["label"]) for t in finding["trace"]])
            assert steps[-1][0] == finding["line"] and steps[-1][1].startswith("sink: ")


def test_sarif_result_carries_place_fingerprint_claim_and_path(tmp_path):
    make(tmp_path)
    log = sarif(tmp_path)                        # the command line, from the project root
    fingerprint = fingerprints(tmp_path)[0]

    def at(line, column, end_column, message):
        return {"location": {"physicalLocation": {
            "artifactLocation": {"uri": "shop/views.py", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line, "startColumn": column, "endLine": line, "endColumn": end_column}},
            "message": {"text": message}}}

    assert log["runs"][0]["results"][0] == {
        "ruleId": "PL202", "ruleIndex": 2, "level": "error",
        "message": {"text": PL202 + " (the [claim](1) in privacy.yaml:4)"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "shop/views.py", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 9, "startColumn": 5, "endLine": 9, "endColumn": 40}}}],
        "partialFingerprints": {"privacylint/v1": fingerprint},
        "relatedLocations": [{"id": 1, "physicalLocation": {
            "artifactLocation": {"uri": "privacy.yaml", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 4}},
            "message": {"text": "the manifest's claim"}}],
        "codeFlows": [{
            "message": {"text": "user.contact.email from request.POST[\"email\"] (key 'email') to "
                                "stripe.Customer.create"},
            "threadFlows": [{"locations": [
                at(8, 13, 34, "source: request.POST[\"email\"] (key 'email')"),
                at(8, 5, 34, 'step: email = request.POST["email"]'),
                at(9, 5, 40, "sink: stripe.Customer.create")]}]}],
        "properties": {"category": "user.contact.email", "purpose": "essential.service.payment_processing",
                       "recipient": "stripe", "recipientKind": "payment_processor", "country": "US"},
    }
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["PL202", "PL402"]


def test_sarif_rules_carry_each_checks_docs():
    driver = sarif_log(Report(version=__version__, manifest=None))["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("privacylint", __version__)
    assert [rule["id"] for rule in driver["rules"]] == ["PL101", "PL201", "PL202", "PL203", "PL204", "PL205", "PL301",
                                                        "PL302", "PL401", "PL402", "PL403", "PL501", "PL502",
                                                        "PL503"]
    assert {rule["id"]: rule["defaultConfiguration"]["level"] for rule in driver["rules"]} == {
        "PL101": "warning", "PL201": "error", "PL202": "error", "PL203": "error", "PL204": "error",
        "PL205": "warning", "PL301": "error", "PL302": "warning", "PL401": "error", "PL402": "error",
        "PL403": "error", "PL501": "note", "PL502": "warning", "PL503": "warning"}
    check = {c.code: c for c in CHECKS}["PL301"]
    assert driver["rules"][6] == {
        "id": "PL301", "name": "cross-border-transfer",
        "shortDescription": {"text": check.summary},
        "fullDescription": {"text": f"{check.summary} {check.why}"},
        "help": {"text": f"What it does: {check.summary}\n\nWhy it matters: {check.why}\n\nExample:\n    "
                         f"{check.example}\n\nFix: {check.fix}",
                 "markdown": f"## What it does\n{check.summary}\n\n## Why it matters\n{check.why}\n\n## Example\n"
                             f"```\n{check.example}\n```\n\n## Fix\n{check.fix}"},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["privacy", "transfers"]},
    }
    assert [(n["id"], n["shortDescription"]["text"]) for n in driver["notifications"]] == \
        [("PL901", UNPARSABLE["summary"])]


def test_sarif_reports_unparsable_files_as_tool_notifications(tmp_path):
    make(tmp_path, **{"shop/broken.py": "def broken(:\n    pass\n"})
    log = sarif_log(run_check(tmp_path))
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": [{
        "descriptor": {"id": "PL901", "index": 0}, "level": "error",
        "message": {"text": "cannot parse: invalid syntax"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "shop/broken.py", "uriBaseId": "%SRCROOT%"},
                                            "region": {"startLine": 1, "startColumn": 12}}}]}]}]
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["PL202", "PL402"]


def test_ci_formats_name_files_from_the_working_directory(tmp_path):
    make(tmp_path / "backend app")
    log = sarif(tmp_path / "backend app", cwd=tmp_path)
    result = log["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == \
        {"uri": "backend%20app/shop/views.py", "uriBaseId": "%SRCROOT%"}
    assert result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "backend%20app/privacy.yaml"
    assert result["message"]["text"].endswith("(the [claim](1) in backend app/privacy.yaml:4)")
    outside = sarif(tmp_path / "backend app", cwd=REPO)["runs"][0]["results"][0]
    assert outside["locations"][0]["physicalLocation"]["artifactLocation"] == \
        {"uri": (tmp_path / "backend app" / "shop" / "views.py").resolve().as_uri()}
    github = check_output(tmp_path / "backend app", "--format", "github", cwd=tmp_path).stdout
    assert github.startswith("::error file=backend app/shop/views.py,line=9,col=5,")


# ----- GitHub annotations ----------------------------------------------------------------------

def test_github_annotations(tmp_path):
    make(tmp_path)
    result = check_output(tmp_path, "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=shop/views.py,line=9,col=5,endLine=9,endColumn=40,title=PL202 undeclared-data-for-recipient::"
        f"shop/views.py:9:5: PL202 {PL202}%0Aclaim: (privacy.yaml:4)%0A"
        "source: shop/views.py:8:13 request.POST[\"email\"] (key 'email')",
        "::error file=shop/views.py,line=10,col=5,endLine=10,endColumn=38,title=PL402 personal-data-in-logs::"
        f"shop/views.py:10:5: PL402 {PL402}%0Aclaim: (privacy.yaml:5)%0A"
        "source: shop/views.py:8:13 request.POST[\"email\"] (key 'email')"]
    traced = render(run_check(tmp_path, select=("PL402",)), "github", show_trace=True)
    assert traced.endswith("%0Astep:   shop/views.py:8:5 email = request.POST[\"email\"]"
                           "%0Asink:   shop/views.py:10:5 logging.getLogger().info\n")


def test_github_annotations_escape_data_and_properties():
    assert annotation("warning", "", Location("a,b:c.py", 3, 7, end_line=3, end_column=9), "PL1: x, y",
                      "100% sure\r\nnext") == \
        "::warning file=a%2Cb%3Ac.py,line=3,col=7,endLine=3,endColumn=9,title=PL1%3A x%2C y::100%25 sure%0D%0Anext"
    # GitHub takes columns only within one line
    assert annotation("notice", "sub/", Location("m.py", 3, 7, end_line=5, end_column=2), "t", "m") == \
        "::notice file=sub/m.py,line=3,endLine=5,title=t::m"


def test_github_annotations_for_unparsable_files_and_info(tmp_path):
    make(tmp_path, **{"shop/broken.py": "def broken(:\n    pass\n"})
    (tmp_path / "privacy.yaml").write_text(MANIFEST.replace("[user.contact]", "[user.contact, user.location]"))
    lines = render(run_check(tmp_path, select=("PL5", "PL901")), "github").splitlines()
    assert lines == [
        "::error file=shop/broken.py,line=1,col=12,title=PL901 unparsable-file::"
        "shop/broken.py:1:12: PL901 cannot parse: invalid syntax",
        "::notice file=privacy.yaml,line=2,col=1,title=PL501 unused-declaration::privacy.yaml:2:1: PL501 collects "
        "user.location, but the code never reads it%0Aclaim: (privacy.yaml:2)"]


# ----- baselines ---------------------------------------------------------------------------------

def test_baseline_hides_known_findings_and_keeps_new_ones(tmp_path):
    project = make(tmp_path / "project")
    baseline = tmp_path / "privacylint-baseline.json"
    known = fingerprints(project)
    written = check_output(project, "--write-baseline", str(baseline))
    assert (written.returncode, written.stdout) == (0, "")
    assert written.stderr == f"privacylint: recorded 2 findings in {baseline}\n"
    assert json.loads(baseline.read_text()) == {"version": 1, "tool": f"privacylint {__version__}", "findings": [
        {"fingerprint": known[0], "code": "PL202", "path": "shop/views.py", "message": PL202},
        {"fingerprint": known[1], "code": "PL402", "path": "shop/views.py", "message": PL402}]}

    clean = check_output(project, "--format", "concise", "--baseline", str(baseline))
    assert (clean.returncode, clean.stdout) == (0, "")

    shifted = "# a new comment\n\n" + VIEWS + '    logger.info("phone %s", request.POST["phone"])\n'
    make(project, views=shifted)
    new = check_output(project, "--format", "concise", "--baseline", str(baseline))
    assert new.returncode == 1
    assert new.stdout.splitlines() == [
        "shop/views.py:13:5: PL402 user.contact.phone_number is written to a log by logging.getLogger().info"]


@pytest.mark.parametrize("content, message", [
    (None, "{path}: baseline not found (write one with --write-baseline {path})"),
    ("{not json", "{path}:1:2: not a privacylint baseline: Expecting property name enclosed in double quotes"),
    ('{"version": 2, "findings": []}', "{path}: unsupported baseline version 2 (this privacylint reads version 1)"),
    ('[]', "{path}: not a privacylint baseline (expected an object with 'version' and 'findings'; write one with "
           "--write-baseline)"),
    ('{"version": 1, "findings": {}}', "{path}: 'findings' must be a list"),
    ('{"version": 1, "findings": [{"code": "PL201"}]}', "{path}: findings[0] has no 'fingerprint' string"),
])
def test_a_bad_baseline_stops_the_run(tmp_path, content, message):
    project = make(tmp_path / "project")
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content)
    result = check_output(project, "--baseline", str(baseline))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"privacylint: error: {message.format(path=baseline)}\n"


def test_baseline_options_exclude_each_other(tmp_path):
    result = check_output(make(tmp_path), "--baseline", "a.json", "--write-baseline", "b.json")
    assert result.returncode == 2
    assert "argument --write-baseline: not allowed with argument --baseline" in result.stderr


# ----- progress ----------------------------------------------------------------------------------

class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_bar_waits_throttles_and_erases_itself():
    clock, stream = FakeClock(), io.StringIO()
    bar = ProgressBar(stream, delay=0.5, interval=0.1, width=10, clock=clock)
    bar(1, 4)                                   # a fast run never shows a bar
    clock.now += 0.6
    bar(2, 4)
    clock.now += 0.05
    bar(3, 4)                                   # too soon after the last drawing
    bar(4, 4)                                   # but the last step is always drawn
    bar.close()
    first = "privacylint: parsing [#####.....] 2/4 files"
    last = "privacylint: parsed 4 files; following the data flows"
    assert stream.getvalue() == "\r" + first + "\r" + last + "\r" + " " * len(last) + "\r"


def test_progress_bar_is_drawn_on_a_terminal_only(tmp_path):
    pty = pytest.importorskip("pty", reason="needs a pseudo-terminal")
    body = "".join(f"def view{i}(request):\n    value = request.POST.get('field{i}')\n    return value.strip()\n\n"
                   for i in range(40))
    write_project(tmp_path, {"privacy.yaml": "version: 1\n", "pkg/__init__.py": "",
                             **{f"pkg/module{n}.py": body for n in range(20)}})
    command = [sys.executable, "-m", "privacylint", "check", "--no-cache", "--jobs", "1", "--exit-zero",
               "--output", str(tmp_path / "report.txt"), str(tmp_path)]
    controller, terminal = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(privacylint_package.__file__).resolve().parents[1])}
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal, env=env)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:                         # the terminal closed (Linux)
            break
        if not chunk:                           # the terminal closed (BSD, macOS)
            break
        shown += chunk
    os.close(controller)
    assert process.wait(timeout=120) == 0
    text = shown.decode()
    last = "privacylint: parsed 21 files; following the data flows"
    assert text.startswith("\rprivacylint: parsing [")
    assert re.search(rf"\r{last} *\r {{{len(last)}}}\r$", text), text     # the last drawing, then erased

    piped = privacylint(*command[3:], cwd=tmp_path)
    assert (piped.returncode, piped.stderr) == (0, "")
