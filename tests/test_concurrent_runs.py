"""Two runs at once on one project (pre-commit runs hooks in parallel) give the same, correct report and
leave a cache that a third run trusts (issue 8)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import SHOP_MANIFEST, SHOP_VIEWS, write_project

MODULES = [f"shop/views{number}.py" for number in range(10)]  # enough files for each run's process pool
PHONE_TO_SEGMENT = ('\n\ndef track(request):\n    import analytics\n'
                    '    analytics.identify(request.user.id, {"phone": request.POST["phone"]})\n')


def run_together(root, count: int = 2) -> list[dict]:
    """`count` runs started at the same moment; each must exit 1 (the shop has findings) with no error output."""
    command = [sys.executable, "-m", "privacylint", "check", "--format", "json", "--jobs", "2", str(root)]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(count)]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert (process.returncode, err) == (1, ""), err
        reports.append(json.loads(out))
    return reports


def without_stats(report: dict) -> dict:
    return {key: value for key, value in report.items() if key != "stats"}


def rows(report: dict) -> list[tuple]:
    return [(f["code"], f["path"], f["line"], f["category"], f["recipient"]) for f in report["findings"]]


def shop_rows(changed: bool) -> list[tuple]:
    expected = []
    for path in MODULES:
        expected += [("PL202", path, 9, "user.contact.email", "stripe"), ("PL402", path, 10, "user.contact.email", None)]
        if changed and path == MODULES[3]:
            expected += [("PL502", path, 14, None, "segment"), ("PL201", path, 15, "user.contact.phone_number", "segment")]
    return expected


def test_two_runs_at_once_agree_and_leave_a_valid_cache(tmp_path):
    root = write_project(tmp_path, {"privacy.yaml": SHOP_MANIFEST, "shop/__init__.py": "",
                                    **{path: SHOP_VIEWS for path in MODULES}})
    for changed in (False, True):  # a cold cache, then a warm one after one file changed
        if changed:
            (root / MODULES[3]).write_text(SHOP_VIEWS + PHONE_TO_SEGMENT, encoding="utf-8")
        first, second = run_together(root)
        assert without_stats(first) == without_stats(second)
        assert rows(first) == shop_rows(changed)
    fresh = subprocess.run([sys.executable, "-m", "privacylint", "check", "--format", "json", "--no-cache", str(root)],
                           capture_output=True, text=True, timeout=120)
    (third,) = run_together(root, count=1)
    assert without_stats(third) == without_stats(json.loads(fresh.stdout)) == without_stats(first)
    assert third["stats"]["cached_files"] == third["stats"]["files"] == len(MODULES) + 1
    assert sorted(root.glob(".privacylint_cache/**/.tmp-*")) == []  # no write was left half done
