"""Scan the running Python's standard library and every installed site-package (issue 8).

    python benchmarks/scan_everything.py [--jobs 2]

Each root is copied to a temporary folder (so that it is a project of its own) and checked with `--exit-zero --format json --no-cache` in its own process. Prints, per
root, the files, the PL901 errors (grouped by reason), the seconds and the peak memory, and fails
loudly if any run exits with 2 or prints a traceback.
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
    reasons = collections.Counter(e["message"].split(":")[0] for e in data["errors"])
    return {"files": data["stats"]["files"], "lines": data["stats"]["lines"], "errors": len(data["errors"]),
            "reasons": dict(reasons), "seconds": round(seconds, 1), "peak_mib": round(max(peak, before) / 1024),
            "findings": len(data["findings"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    paths = sysconfig.get_paths()
    roots = [Path(paths["stdlib"]), Path(paths["purelib"])]
    for root in roots:
        print(root, json.dumps(scan(root, args.jobs)), flush=True)


if __name__ == "__main__":
    main()
