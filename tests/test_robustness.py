"""Strange files, file systems, manifests and caches: never a crash, never a silent skip (issue 8)."""

from __future__ import annotations

import json
import os
import sys

import pytest

from conftest import run_check, run_cli, write_project

MANIFEST = "version: 1\ncollects: [user.contact]\n"
GOOD = 'import stripe\n\ndef signup(request):\n    stripe.Customer.create(email=request.POST["email"])\n'


def errors_of(report) -> list[tuple[str, int, str]]:
    return [(e.path, e.line, e.message.split(":")[0]) for e in report.errors]


def undeclared(report) -> list[tuple[str, str, int]]:
    return [(f.code, f.location.path, f.location.line) for f in report.findings if f.code == "PL201"]


@pytest.mark.parametrize("name,content,expected", [
    ("syntax.py", b"def broken(:\n    pass\n", ("syntax.py", 1, "cannot parse")),
    ("python2.py", b"print 'hello'\n", ("python2.py", 1, "cannot parse")),
    ("conflict.py", b"x = 1\n<<<<<<< HEAD\ny = 2\n=======\ny = 3\n>>>>>>> branch\n", ("conflict.py", 2, "cannot parse")),
    ("nulls.py", b"x = 1\x00\n", ("nulls.py", 1, "cannot parse")),
    ("binary.py", bytes(range(256)) * 4, ("binary.py", 1, "cannot decode")),
    ("bad_utf8.py", b"x = '\xff\xfe'\n", ("bad_utf8.py", 1, "cannot decode")),
    ("deep.py", b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", ("deep.py", 1, "cannot parse")),
    ("chain.py", b"x = " + b"+".join([b"1"] * 20000) + b"\n", ("chain.py", 1, "cannot analyse")),
])
def test_unreadable_python_is_pl901_and_the_rest_is_checked(tmp_path, name, content, expected):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": GOOD})
    (tmp_path / name).write_bytes(content)
    report = run_check(tmp_path)
    [(path, line, kind)] = errors_of(report)
    assert (path, kind) == (expected[0], expected[2])
    if expected[2] == "cannot parse":
        assert line == expected[1]
    assert undeclared(report) == [("PL201", "app.py", 4)]


@pytest.mark.parametrize("name,content", [
    ("latin1.py", "# -*- coding: latin-1 -*-\nname = 'Müller'\n".encode("latin-1")),
    ("gbk.py", "# -*- coding: gbk -*-\n名字 = '张三'\n".encode("gbk")),
    ("bom.py", b"\xef\xbb\xbfx = 1\n"),
    ("crlf.py", b"x = 1\r\ny = 2\r\n"),
    ("empty.py", b""),
    ("long.py", b"x = '" + b"a" * 200_000 + b"'\n"),
])
def test_valid_oddities_are_analysed(tmp_path, name, content):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": GOOD})
    (tmp_path / name).write_bytes(content)
    report = run_check(tmp_path)
    assert report.errors == []
    assert undeclared(report) == [("PL201", "app.py", 4)]


def test_positions_are_exact_with_crlf_bom_and_non_ascii(tmp_path):
    source = '\ufeff# ünïcödé\r\nimport stripe\r\n\r\ndef f(request):\r\n    x = "é"; stripe.Customer.create(email=request.POST["email"])\r\n'
    write_project(tmp_path, {"privacy.yaml": MANIFEST})
    (tmp_path / "app.py").write_bytes(source.encode("utf-8"))
    report = run_check(tmp_path)
    [finding] = [f for f in report.findings if f.code == "PL201"]
    assert (finding.location.line, finding.location.column) == (5, 14)
    assert (finding.flow.source.line, finding.flow.source.column) == (5, 43)


def test_a_200000_line_file_is_analysed(tmp_path):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": GOOD})
    (tmp_path / "big.py").write_text("".join(f"v{n} = {n}\n" for n in range(200_000)))
    report = run_check(tmp_path)
    assert report.errors == [] and report.stats.lines == 200_004


def test_a_literal_of_thousands_of_implicitly_joined_strings_is_analysed(tmp_path):
    """Like the standard library's pydoc_data/topics.py: "a" "b" ... is a right-nested tree in LibCST."""
    pieces = "\n".join(f"        'piece{n}/'" for n in range(1500))
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": "import requests\n\n\ndef f(request):\n"
                             f"    requests.post(('http://'\n{pieces}), data=request.POST['email'])\n"})
    report = run_check(tmp_path)
    assert report.errors == []
    assert [(f.code, f.location.line, f.recipient.id) for f in report.findings] == [("PL201", 5, "piece0")]


def test_symlink_loops_and_links_out_of_the_project(tmp_path):
    project = write_project(tmp_path / "project", {"privacy.yaml": MANIFEST, "app.py": GOOD})
    outside = write_project(tmp_path / "outside", {"secret.py": GOOD})
    os.symlink(project, project / "loop")
    os.symlink(outside, project / "linked")
    report = run_check(project)
    assert report.errors == []
    assert undeclared(report) == [("PL201", "app.py", 4)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_unreadable_file_is_reported(tmp_path):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": GOOD, "locked.py": "x = 1\n"})
    os.chmod(tmp_path / "locked.py", 0)
    report = run_check(tmp_path)
    assert [(e.code, e.path) for e in report.errors] == [("PL901", "locked.py")]


def test_virtualenvs_and_default_excludes_are_skipped(tmp_path):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": GOOD,
                             "myenv/pyvenv.cfg": "home = /usr/bin\n", "myenv/lib/sdk.py": GOOD,
                             "node_modules/x.py": GOOD, "build/y.py": GOOD})
    report = run_check(tmp_path)
    assert undeclared(report) == [("PL201", "app.py", 4)] and report.stats.files == 1


def test_gitignored_paths_are_skipped(tmp_path):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": GOOD, ".gitignore": "generated/\n*_pb2.py\n",
                             "generated/client.py": GOOD, "api_pb2.py": GOOD, ".git/HEAD": "ref: x\n"})
    report = run_check(tmp_path)
    assert undeclared(report) == [("PL201", "app.py", 4)] and report.stats.files == 1


def test_paths_with_spaces_and_non_ascii_names(tmp_path):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "my app/vüe.py": GOOD})
    result = run_cli("check", "--format", "json", "--no-cache", str(tmp_path))
    data = json.loads(result.stdout)
    assert [(f["code"], f["path"]) for f in data["findings"] if f["code"] == "PL201"] == [("PL201", "my app/vüe.py")]


def test_corrupt_cache_entries_are_recomputed(tmp_path):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": GOOD})
    first = run_cli("check", "--format", "json", str(tmp_path))
    for entry in (tmp_path / ".privacylint_cache").rglob("*"):
        if entry.is_file() and entry.name not in ("CACHEDIR.TAG", ".gitignore"):
            entry.write_bytes(entry.read_bytes()[:7])  # truncated
    second = run_cli("check", "--format", "json", str(tmp_path))
    assert json.loads(first.stdout)["findings"] == json.loads(second.stdout)["findings"]
    assert second.returncode == first.returncode == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_project_runs_without_cache(tmp_path):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": GOOD})
    os.chmod(tmp_path, 0o555)
    try:
        result = run_cli("check", "--format", "concise", str(tmp_path))
    finally:
        os.chmod(tmp_path, 0o755)
    assert result.returncode == 1 and "PL201" in result.stdout


def test_scanned_code_is_never_imported_or_executed_and_no_network(tmp_path):
    marker = tmp_path / "imported.txt"
    hostile = (f"open({str(marker)!r}, 'w').write('ran')\nimport socket\n"
               "socket.create_connection(('127.0.0.1', 9))\n")
    write_project(tmp_path / "project", {"privacy.yaml": MANIFEST, "app.py": GOOD, "setup.py": hostile,
                                         "conftest.py": hostile, "pkg/__init__.py": hostile})
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(
        "import socket\n"
        "def refuse(*a, **k):\n    raise SystemExit('privacylint opened a network connection')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(guard), *sys.path]))
    import subprocess
    result = subprocess.run([sys.executable, "-m", "privacylint", "check", "--format", "concise", "--no-cache",
                             str(tmp_path / "project")], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "app.py:4:5: PL201" in result.stdout
    assert not marker.exists()


@pytest.mark.parametrize("text,message", [
    ("version: 1\nrecipients:\n  stripe: {data: [user]}\n  stripe: {data: [user]}\n",
     "privacy.yaml:4:3: duplicate key 'stripe'; first at line 3"),
    ("version: 1\ncollects: [1, 2]\n", "privacy.yaml:2:12: data category must be a string, not a number"),
    ("version: '1'\n", "privacy.yaml:1:10: unsupported manifest version '1'"),
    ("version: 1\nsecurity: {transport: ssl}\n", "privacy.yaml:2:23: unknown transport rule 'ssl'"),
    ("a: &x [1]\nb: *x\n", "privacy.yaml:1:1: unknown key 'a' in the manifest"),
])
def test_bad_manifests_exit_2_with_position(tmp_path, text, message):
    write_project(tmp_path, {"privacy.yaml": text, "app.py": GOOD})
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_named_path_is_checked_even_when_git_ignored(tmp_path):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": "x = 1\n", ".gitignore": "generated/\n",
                             "generated/client.py": GOOD})
    report = run_check(tmp_path / "generated")
    assert undeclared(report) == [("PL201", "generated/client.py", 4)]


def test_nesting_is_measured_without_recursion():
    import ast

    from privacylint.api import nested_deeper

    chain = ast.parse("x = " + "+".join(["1"] * 50) + "\n")   # Module > Assign > 49 BinOps > Constant
    assert (nested_deeper(chain, 51), nested_deeper(chain, 52)) == (True, False)


def test_where_cpython_accepts_a_deep_tree_it_is_pl901_before_libcst_sees_it(tmp_path, monkeypatch):
    """CPython 3.9 and 3.10 parse a 20,000-term sum, on which LibCST's parser would crash: the run
    checks the depth itself (here with a lower limit, so that any CPython parses the file)."""
    from privacylint import api

    monkeypatch.setattr(api, "CHECK_NESTING", True)
    monkeypatch.setattr(api, "MAX_NESTING", 100)
    root = write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": GOOD,
                                    "sum.py": "x = " + "+".join(["1"] * 200) + "\n"})
    report = run_check(root)
    assert [(e.path, e.line, e.message) for e in report.errors] == [
        ("sum.py", 1, "cannot analyse: expressions are nested too deeply")]
    assert undeclared(report) == [("PL201", "app.py", 4)]
