"""Shared helpers: build a tiny project in a temporary folder and run the real pipeline on it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from privacylint.api import Options, check

REPO = Path(__file__).resolve().parents[1]
# A small shop with one PL202 (stripe gets an email) and one PL402 (the email is logged).
SHOP_MANIFEST = ("version: 1\ncollects: [user.contact]\nrecipients:\n  stripe: {data: [user.financial]}\n"
                 "security: {logs: no-personal-data}\n")
SHOP_VIEWS = ('import logging\nimport stripe\n\nlogger = logging.getLogger(__name__)\n\n\n'
              'def signup(request):\n'
              '    email = request.POST["email"]\n'
              '    stripe.Customer.create(email=email)\n'
              '    logger.info("new user %s", email)\n')
FIXTURES = REPO / "fixtures"


def write_project(root: Path, files: dict) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run_check(root: Path, **options):
    report, _ = check(Options(paths=(root,), use_cache=False, jobs=1, **options))
    return report


def finding_rows(report) -> list[tuple]:
    return [(f.code, f.location.path, f.location.line, f.category, f.recipient.id if f.recipient else None)
            for f in report.findings]


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "privacylint", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path):
    """project({"privacy.yaml": ..., "app.py": ...}) -> the folder, written."""
    return lambda files: write_project(tmp_path, files)


def load_json(text: str) -> dict:
    return json.loads(text)


def copy_installable_tree(dest: Path) -> Path:
    """What `pip install` of this repository needs, as the working tree has it now (uncommitted edits too)."""
    import shutil

    ignore = shutil.ignore_patterns("__pycache__", ".privacylint_cache", "*.egg-info")
    for name in ("src", "rules"):
        shutil.copytree(REPO / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "action.yml"):
        shutil.copy2(REPO / name, dest / name)
    return dest
