"""The command line as users drive it: formats, selectors, exit codes, suppressions, stdin, the cache."""

from __future__ import annotations

import json

from conftest import SHOP_MANIFEST as MANIFEST, SHOP_VIEWS as VIEWS, finding_rows, run_check, run_cli, write_project
from privacylint import __version__



def make(tmp_path, views=VIEWS, **extra):
    return write_project(tmp_path, {"privacy.yaml": MANIFEST, "shop/__init__.py": "", "shop/views.py": views, **extra})


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"privacylint {__version__}"


def test_findings_exit_1_and_text_names_place_code_recipient_country_claim(tmp_path):
    make(tmp_path)
    result = run_cli("check", "--no-cache", str(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "shop/views.py:9:5: PL202 user.contact.email reaches stripe (US), declared only for user.financial" in lines
    assert "    claim: (privacy.yaml:4)" in lines
    assert "shop/views.py:10:5: PL402 user.contact.email is written to a log by logging.getLogger().info" in lines
    assert lines[-1] == "Found 2 findings (2 errors) in 2 files."


def test_exit_zero_and_clean_exit_0(tmp_path):
    make(tmp_path)
    assert run_cli("check", "--exit-zero", "--no-cache", str(tmp_path)).returncode == 0
    clean = write_project(tmp_path / "clean", {"privacy.yaml": "version: 1\n", "app.py": "print('hello')\n"})
    result = run_cli("check", "--no-cache", str(clean))
    assert result.returncode == 0 and result.stdout == "No findings in 1 files.\n"


def test_select_and_ignore_take_prefixes(tmp_path):
    make(tmp_path)
    only_sharing = run_cli("check", "--format", "concise", "--select", "PL2", "--no-cache", str(tmp_path))
    assert [line.split(": ")[1].split()[0] for line in only_sharing.stdout.splitlines()] == ["PL202"]
    no_logs = run_cli("check", "--format", "concise", "--ignore", "PL4,PL2", "--no-cache", str(tmp_path))
    assert no_logs.returncode == 0 and no_logs.stdout == ""


def test_unknown_selector_is_a_usage_error(tmp_path):
    make(tmp_path)
    result = run_cli("check", "--select", "XY1", str(tmp_path))
    assert result.returncode == 2 and "unknown rule selector 'XY1'" in result.stderr


def test_json_follows_the_contract(tmp_path):
    make(tmp_path)
    data = json.loads(run_cli("check", "--format", "json", "--no-cache", str(tmp_path)).stdout)
    assert set(data) == {"version", "manifest", "findings", "flows", "errors", "stats"}
    assert data["manifest"] == "privacy.yaml"
    first = data["findings"][0]
    assert set(first) == {"code", "name", "severity", "message", "path", "line", "column", "end_line", "end_column",
                          "category", "recipient", "recipient_kind", "country", "purpose", "source", "trace",
                          "claim", "fingerprint"}
    assert (first["code"], first["path"], first["line"], first["column"], first["category"], first["recipient"],
            first["country"]) == ("PL202", "shop/views.py", 9, 5, "user.contact.email", "stripe", "US")
    assert first["source"] == {"path": "shop/views.py", "line": 8, "column": 13,
                               "label": "request.POST[\"email\"] (key 'email')"}
    assert first["trace"] == [{"path": "shop/views.py", "line": 8, "column": 5,
                               "label": 'email = request.POST["email"]'}]
    assert first["claim"] == {"quote": None, "where": "privacy.yaml:4"}
    log = data["findings"][1]
    assert (log["code"], log["recipient"], log["line"]) == ("PL402", None, 10)
    assert [(f["sink_kind"], f["recipient"], f["sink"]["line"], f["findings"]) for f in data["flows"]] == \
        [("third_party", "stripe", 9, ["PL202"]), ("log", None, 10, ["PL402"])]
    assert data["errors"] == [] and data["stats"]["files"] == 2


def test_fingerprints_survive_line_shifts(tmp_path):
    make(tmp_path / "a")
    make(tmp_path / "b", views="# a comment\n\n" + VIEWS)
    prints = [[f["fingerprint"] for f in json.loads(run_cli("check", "--format", "json", "--no-cache",
                                                             str(tmp_path / side)).stdout)["findings"]]
              for side in ("a", "b")]
    assert prints[0] == prints[1] and len(set(prints[0])) == 2


def test_unparsable_file_is_pl901_and_the_rest_is_checked(tmp_path):
    make(tmp_path, **{"shop/broken.py": "def broken(:\n    pass\n"})
    result = run_cli("check", "--format", "json", "--no-cache", str(tmp_path))
    data = json.loads(result.stdout)
    assert result.returncode == 1
    assert [(e["code"], e["path"], e["line"]) for e in data["errors"]] == [("PL901", "shop/broken.py", 1)]
    assert "cannot parse" in data["errors"][0]["message"]
    assert [f["code"] for f in data["findings"]] == ["PL202", "PL402"]


def test_suppression_on_the_line_and_the_line_above(tmp_path):
    views = VIEWS.replace("    stripe.Customer.create(email=email)\n",
                          "    stripe.Customer.create(email=email)  # privacylint: ignore[PL202]\n")
    views = views.replace("    logger.info(", "    # privacylint: ignore[PL4]\n    logger.info(")
    make(tmp_path, views=views)
    report = run_check(tmp_path)
    assert finding_rows(report) == []
    views = VIEWS.replace("    stripe.Customer.create(email=email)\n",
                          "    stripe.Customer.create(email=email)  # privacylint: ignore[PL201]\n")
    make(tmp_path, views=views)
    assert [row[:3] for row in finding_rows(run_check(tmp_path))] == [
        ("PL503", "shop/views.py", 9), ("PL202", "shop/views.py", 9), ("PL402", "shop/views.py", 10)]


def test_stdin_filename_checks_the_buffer(tmp_path):
    make(tmp_path)
    buffer = VIEWS.replace('    logger.info("new user %s", email)\n', "")
    result = run_cli("check", "--format", "concise", "--no-cache", "--stdin-filename",
                     str(tmp_path / "shop/views.py"), stdin=buffer)
    assert result.stdout.splitlines() == [
        "shop/views.py:9:5: PL202 user.contact.email reaches stripe (US), declared only for user.financial"]


def test_paths_filter_the_report_not_the_analysis(tmp_path):
    helper = "def notify(value):\n    import stripe\n    stripe.Customer.create(email=value)\n"
    views = 'from shop.helper import notify\n\n\ndef signup(request):\n    notify(request.POST["email"])\n'
    make(tmp_path, views=views, **{"shop/helper.py": helper, "shop/other.py": "x = 1\n"})
    via_views = run_cli("check", "--format", "concise", "--no-cache", str(tmp_path / "shop/views.py"))
    assert via_views.stdout.splitlines() == [
        "shop/helper.py:3:5: PL202 user.contact.email reaches stripe (US), declared only for user.financial"]
    other = run_cli("check", "--format", "concise", "--no-cache", str(tmp_path / "shop/other.py"))
    assert other.returncode == 0 and other.stdout == ""


def test_cache_is_used_and_gives_the_same_findings(tmp_path):
    make(tmp_path)
    first = json.loads(run_cli("check", "--format", "json", str(tmp_path)).stdout)
    second = json.loads(run_cli("check", "--format", "json", str(tmp_path)).stdout)
    assert first["stats"]["cached_files"] == 0 and second["stats"]["cached_files"] == 2
    assert first["findings"] == second["findings"]
    assert (tmp_path / ".privacylint_cache" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")


def test_python_dash_m_and_explain():
    result = run_cli("explain", "PL301")
    assert result.returncode == 0
    assert result.stdout.startswith("PL301 cross-border-transfer (error)\n\n## What it does\n")
    assert "## Why it matters" in result.stdout and "## Example" in result.stdout and "## Fix" in result.stdout
    assert run_cli("explain", "PL999").returncode == 2


def test_an_internal_error_exits_2_with_its_trace_not_1_as_findings_would(tmp_path, monkeypatch, capsys):
    from privacylint import api
    from privacylint.cli import main

    make(tmp_path)

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(api, "analyse", broken)
    assert main(["check", "--no-cache", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "KeyError: 'a bug'" in err
    assert err.rstrip().endswith("privacylint: internal error: this is a bug in privacylint; "
                                 "please report it with the trace above")


def test_a_project_whose_every_file_is_skipped_says_so(tmp_path):
    write_project(tmp_path, {"privacy.yaml": "version: 1\n", "dist/app.py": "print(1)\n"})
    result = run_cli("check", "--no-cache", str(tmp_path))
    assert (result.returncode, result.stdout) == (0, "No findings in 0 files.\n")
    assert f"privacylint: warning: no Python files to check under {tmp_path.resolve()}" in result.stderr


LOADED = """
import io, json, sys
from privacylint import cli
sys.stdout = io.StringIO()
try:
    code = cli.main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
sys.stdout = sys.__stdout__
heavy = ("libcst", "networkx", "yaml", "privacylint.api", "privacylint.policy", "privacylint.report.map_html")
print(json.dumps({"code": code, "loaded": sorted(name for name in heavy if name in sys.modules)}))
"""


def loaded_by(*args: str) -> dict:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_version_and_a_warm_unchanged_check_load_only_what_they_need(tmp_path):
    """--version imports nothing of the pipeline; a check with nothing changed takes the cached
    analysis and never loads LibCST, networkx, the policy drafter or the HTML map."""
    assert loaded_by("--version") == {"code": 0, "loaded": []}
    root = make(tmp_path)
    assert loaded_by("check", "--exit-zero", str(root))["code"] == 0   # fills the cache
    assert loaded_by("check", "--exit-zero", str(root)) == {"code": 0, "loaded": ["privacylint.api", "yaml"]}
