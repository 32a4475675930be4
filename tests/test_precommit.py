"""Real pre-commit, installing this working tree as a hook repository, on a throwaway git project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, copy_installable_tree, write_project

pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install '.[test]')")
if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)

pytestmark = pytest.mark.slow

MANIFEST = "version: 1\ncollects: [user.contact]\n"
DECLARED = MANIFEST + 'recipients:\n  tracker:\n    hosts: ["api.tracker.example"]\n    data: [user.contact.email]\n'
SIGNUP = ('import requests\n\n\ndef signup(request):\n'
          '    requests.post("https://api.tracker.example/collect", json={"email": request.POST["email"]})\n')
FINDING = ("shop/signup.py:5:5: PL201 user.contact.email reaches api.tracker.example (country unknown), which the "
           "manifest does not declare (third_party)")
PASSED = "privacylint" + "." * 62 + "Passed"
CONFIG = """repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: privacylint
      - id: privacylint-project
        stages: [manual]
"""


# The hooks must run what pre-commit installed, not this checkout; pre-commit keeps its environments here.
ENV = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
ENV.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
           GIT_COMMITTER_EMAIL="t@example.com")


def run(cwd: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=600)


def git(cwd: Path, *args: str) -> str:
    done = run(cwd, "git", "-c", "commit.gpgsign=false", *args)
    assert done.returncode == 0, done.stdout
    return done.stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """The working tree as it is now (uncommitted changes included), committed in a repository of its own."""
    ENV["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    repo = copy_installable_tree(tmp_path_factory.mktemp("hook-repo"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "privacylint under test")
    return repo, git(repo, "rev-parse", "HEAD").strip()


def commit(project: Path, *paths: str) -> subprocess.CompletedProcess:
    """`git commit` with the hook installed: what a developer runs."""
    git(project, "add", *paths)
    return run(project, "git", "-c", "commit.gpgsign=false", "commit", "-m", "change")


def hook_output(text: str) -> list[str]:
    """What pre-commit printed for the hook, without its notes about installing environments."""
    return [line for line in text.rstrip().splitlines() if not line.startswith("[INFO]")]


def test_hook_fails_on_an_undeclared_flow_and_passes_after_suppression_or_manifest_change(hook_repo, tmp_path):
    repo, rev = hook_repo
    project = write_project(tmp_path / "project", {
        "privacy.yaml": MANIFEST, "shop/__init__.py": "", "shop/util.py": "def tidy(text):\n    return text\n",
        ".pre-commit-config.yaml": CONFIG.format(repo=repo.as_posix(), rev=rev)})
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "start")
    assert run(project, sys.executable, "-m", "pre_commit", "install").returncode == 0

    (project / "shop/signup.py").write_text(SIGNUP)
    refused = commit(project, "shop/signup.py")
    assert refused.returncode == 1, refused.stdout
    assert hook_output(refused.stdout) == [
        PASSED.replace("Passed", "Failed"), "- hook id: privacylint", "- exit code: 1", "",
        FINDING, "    source: shop/signup.py:5:73 request.POST[\"email\"] (key 'email')",
        "Found 1 finding (1 error) in 3 files."]

    git(project, "reset", "-q", "shop/signup.py")          # files named by pre-commit filter the report
    (project / "shop/util.py").write_text("def tidy(text):\n    return text.strip()\n")
    unrelated = commit(project, "shop/util.py")
    assert unrelated.returncode == 0 and hook_output(unrelated.stdout)[0] == PASSED, unrelated.stdout
    whole = run(project, sys.executable, "-m", "pre_commit", "run", "--hook-stage", "manual", "privacylint-project")
    assert whole.returncode == 1 and FINDING in hook_output(whole.stdout), whole.stdout

    (project / "shop/signup.py").write_text(SIGNUP.replace('"]})\n', '"]})  # privacylint: ignore[PL201]\n'))
    suppressed = commit(project, "shop/signup.py")
    assert suppressed.returncode == 0 and hook_output(suppressed.stdout)[0] == PASSED, suppressed.stdout

    (project / "shop/signup.py").write_text(SIGNUP)
    again = commit(project, "shop/signup.py")
    assert again.returncode == 1 and FINDING in hook_output(again.stdout)

    (project / "privacy.yaml").write_text(DECLARED)
    declared = commit(project, "shop/signup.py", "privacy.yaml")
    assert declared.returncode == 0 and hook_output(declared.stdout)[0] == PASSED, declared.stdout
    assert git(project, "log", "--format=%s").splitlines() == ["change", "change", "change", "start"]


def test_hook_manifest_and_the_readme_setup_pass_pre_commits_own_validation(tmp_path):
    assert run(REPO, sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml").returncode == 0
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    setup = readme.split("### pre-commit\n", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / ".pre-commit-config.yaml").write_text(setup)
    checked = run(tmp_path, sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml")
    assert checked.returncode == 0, checked.stdout
    assert [hook["id"] for hook in yaml.safe_load(setup)["repos"][0]["hooks"]] == ["privacylint"]
