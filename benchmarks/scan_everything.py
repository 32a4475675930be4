"""Scan the running Python's standard library and every installed site-package (issue 8).

    python benchmarks/scan_everything.py [--jobs 2] [--only stdlib|site-packages]

Each root is copied to a temporary folder (so that it is a project of its own) and checked with
`--exit-zero --format json --no-cache` in its own process. Prints, per root, every file that gives
PL901 under its reason (cannot read, cannot decode, cannot parse, LibCST cannot parse what CPython
accepts, nested too deeply, internal error), then one JSON line: the files, lines, errors per
reason, findings, seconds and peak memory (the largest process's resident set). Fails loudly if a
run exits with 2 or prints a traceback.
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path


# PL901 messages start with one of these (api.facts_for); anything else is a new reason, shown as is.
REASONS = {
    "cannot read": "cannot read",
    "cannot decode": "cannot decode",
    "cannot parse": "cannot parse (CPython refuses it too)",
    "cannot parse (LibCST)": "LibCST cannot parse what CPython accepts",
    "cannot analyse: expressions are nested too deeply": "nested too deeply",
    "cannot analyse: out of memory": "out of memory",
    "internal error while analysing": "internal error (a privacylint bug)",
}


def reason_of(message: str) -> str:
    """The longest known prefix of the message names its reason."""
    known = [prefix for prefix in REASONS if message.startswith(prefix)]
    return REASONS[max(known, key=len)] if known else message.split(":")[0]


def scan(original: Path, jobs: int) -> dict:
    """A copy of the folder is scanned, as its own project (with an empty manifest at its root)."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / original.name
        shutil.copytree(original, root, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "site-packages"))
        manifest = root / "privacy.yaml"
        manifest.write_text("version: 1\n")
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "privacylint", "check", str(root), "--exit-zero", "--no-cache",
                                 "--format", "json", "--manifest", str(manifest), "--jobs", str(jobs)],
                                capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0 or "Traceback" in result.stderr:
        raise SystemExit(f"{root}: exit {result.returncode}\n{result.stderr[-3000:]}")
    data = json.loads(result.stdout)
    by_reason: dict[str, list[dict]] = collections.defaultdict(list)
    for error in data["errors"]:
        by_reason[reason_of(error["message"])].append(error)
    return {"files": data["stats"]["files"], "lines": data["stats"]["lines"], "errors": len(data["errors"]),
            "reasons": {reason: len(errors) for reason, errors in sorted(by_reason.items())},
            "seconds": round(seconds, 1), "peak_mib": round(max(peak, before) / 1024),
            "findings": len(data["findings"]), "by_reason": by_reason}


def print_errors(by_reason: dict[str, list[dict]]) -> None:
    for reason, errors in sorted(by_reason.items()):
        print(f"  {reason} ({len(errors)}):")
        for error in sorted(errors, key=lambda e: e["path"]):
            print(f"    {error['path']}:{error['line']}: {error['message']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", choices=["stdlib", "site-packages"], help="scan one root instead of both")
    args = parser.parse_args()
    paths = sysconfig.get_paths()
    roots = {"stdlib": Path(paths["stdlib"]), "site-packages": Path(paths["purelib"])}
    for name, root in roots.items():
        if args.only not in (None, name):
            continue
        summary = scan(root, args.jobs)
        print(root)
        print_errors(summary.pop("by_reason"))
        print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
