"""The GitHub Action's steps, run as a runner runs a composite action: each `run` script in
`bash --noprofile --norc -eo pipefail`, with GITHUB_OUTPUT, RUNNER_TEMP and GITHUB_ACTION_PATH set, and
`${{ inputs.* }}` / `${{ steps.*.outputs.* }}` expressions filled in."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Optional

import pytest
import yaml

from conftest import REPO, copy_installable_tree, write_project

if shutil.which("bash") is None:
    pytest.skip("bash is not installed", allow_module_level=True)

pytestmark = pytest.mark.slow

SIGNUP = ('import requests\n\n\ndef signup(request):\n'
          '    requests.post("https://api.tracker.example/collect", json={"email": request.POST["email"]})\n')


def fill(text: str, context: dict) -> str:
    """The only expressions action.yml uses: dotted lookups such as `inputs.sarif-file`."""
    def lookup(match: re.Match) -> str:
        value = context
        for part in match.group(1).split("."):
            value = value[part]
        return str(value)
    return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lookup, text)


def run_action(action_path: Path, workspace: Path, temp: Path, inputs: dict,
               installed: Optional[dict] = None) -> tuple[dict, list, dict]:
    """(the action's outputs, or {} when a step failed; each step's (return code, output); the steps' outputs).

    `installed`: the steps' outputs of an earlier run, whose steps are not run again (the install, mostly).
    """
    action = yaml.safe_load((action_path / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    values = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    context: dict = {"inputs": {**values, **inputs}, "steps": dict(installed or {})}
    base = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    ran = []
    for index, step in enumerate(action["runs"]["steps"]):
        if step["id"] in context["steps"]:
            continue
        assert step["shell"] == "bash"
        script, outputs = temp / f"step{index}.sh", temp / f"step{index}.out"
        script.write_text(fill(step["run"], context))
        outputs.write_text("")
        env = {**base, "GITHUB_OUTPUT": str(outputs), "RUNNER_TEMP": str(temp),
               "GITHUB_ACTION_PATH": str(action_path),
               **{key: fill(str(value), context) for key, value in step.get("env", {}).items()}}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        ran.append((done.returncode, done.stdout))
        context["steps"][step["id"]] = {"outputs": dict(line.split("=", 1)
                                                        for line in outputs.read_text().splitlines())}
        if done.returncode != 0:
            return {}, ran, context["steps"]
    return {name: fill(spec["value"], context) for name, spec in action["outputs"].items()}, ran, context["steps"]


def test_action_writes_sarif_and_reports_the_exit_code_without_failing(tmp_path):
    action_path = copy_installable_tree(tmp_path / "action")
    workspace = write_project(tmp_path / "workspace", {
        "privacy.yaml": "version: 1\ncollects: [user.contact]\n", "shop/__init__.py": "", "shop/signup.py": SIGNUP})
    temp = tmp_path / "runner-temp"
    temp.mkdir()

    outputs, ran, steps = run_action(action_path, workspace, temp, {"args": "--ignore PL5 --select PL2"})
    assert [code for code, _ in ran] == [0, 0], ran
    assert outputs == {"exit-code": "1", "sarif-file": "privacylint.sarif"}
    assert ran[1][1] == "privacylint: exit code 1; SARIF written to privacylint.sarif\n"
    results = json.loads((workspace / "privacylint.sarif").read_text())["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == \
        [("PL201", "shop/signup.py", 5)]
    installed = {"install": steps["install"]}

    (workspace / "privacy.yaml").write_text('version: 1\ncollects: [user.contact]\nrecipients:\n  tracker:\n'
                                            '    hosts: ["api.tracker.example"]\n    data: [user.contact.email]\n')
    inputs = {"paths": "shop", "sarif-file": "out/p.sarif"}
    outputs, ran, _ = run_action(action_path, workspace, temp, inputs, installed)
    assert (outputs, [code for code, _ in ran]) == ({}, [2]), ran               # out/ does not exist
    assert ran[0][1] == ("privacylint: error: out/p.sarif: cannot write the report: No such file or directory\n"
                         "::error title=privacylint::the run failed (exit code 2): see the message above\n")
    (workspace / "out").mkdir()
    outputs, ran, _ = run_action(action_path, workspace, temp, inputs, installed)
    assert outputs == {"exit-code": "0", "sarif-file": "out/p.sarif"}, ran
    assert json.loads((workspace / "out/p.sarif").read_text())["runs"][0]["results"] == []


def test_documented_workflow_uses_the_actions_inputs_and_outputs():
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    for document in ("docs/github-actions.md", "README.md"):
        text = (REPO / document).read_text(encoding="utf-8")
        workflow = next(yaml.safe_load(block.split("```", 1)[0]) for block in text.split("```yaml\n")[1:]
                        if "upload-sarif" in block)
        steps = workflow["jobs"]["privacylint"]["steps"] if "jobs" in workflow else workflow["steps"]
        ours = next(step for step in steps if step.get("id") == "privacylint")
        assert set(ours.get("with", {})) <= set(action["inputs"]), document
        upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
        assert upload["with"]["sarif_file"] == "${{ steps.privacylint.outputs.sarif-file }}", document
        gate = steps[-1]
        assert (gate["if"], gate["run"]) == ("steps.privacylint.outputs.exit-code != '0'", "exit 1"), document
        assert set(re.findall(r"steps\.privacylint\.outputs\.([\w-]+)", text)) <= set(action["outputs"]), document
