"""Accuracy of `privacylint check` on a hand-labelled corpus (issue 3): precision and recall of findings
and of flows, per app, per pattern and overall, and every false positive and false negative.

Each app in apps/NN_name/ has a privacy.yaml, a few Python files and a truth.yaml written by reading the
code against the design contract (/work/shared/DESIGN.md), never from the tool's output:
  findings: [code, path, line, category, recipient]     compared as a set, exactly
  flows:    [category, "path:line" of the sink, recipient]   compared as a set (several sources of one
                                                         category at one sink are one flow)
  sites:    "path:line" -> the pattern(s) that line exercises. A finding or flow is counted under the
            patterns of its line (unmapped lines count under "(other)"); a site with no expected finding
            or flow must stay quiet, so anything reported there is a false positive of its pattern.
The tool runs as users run it, in a subprocess:
  python -m privacylint check APP --format json --no-cache --exit-zero

    python benchmarks/accuracy/score.py [--app NAME ...] [--no-lists]

Exit 0 when every app was checked (whatever the scores), 1 when the tool failed on an app, 2 when a
truth file is malformed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
APPS = HERE / "apps"
PATTERNS_FILE = HERE / "patterns.yaml"
sys.path.insert(0, str(REPO / "src"))

from privacylint.catalog import load_catalog  # noqa: E402
from privacylint.checks import by_code  # noqa: E402
from privacylint.manifest import load_manifest  # noqa: E402

TRUTH_KEYS = {"app", "description", "patterns", "sites", "findings", "flows"}
# Findings about a flow at its sink; each must have its flow in `flows`. PL101 (a read), PL501 (the
# manifest) and PL502 (an import) are not about a flow.
FLOW_CODES = {"PL201", "PL202", "PL203", "PL204", "PL205", "PL301", "PL302", "PL401", "PL402", "PL403"}
NO_RECIPIENT_CODES = {"PL101", "PL205", "PL402", "PL403"}
SITE = re.compile(r"^(?P<path>[^:]+):(?P<line>[1-9][0-9]*)$")
OTHER = "(other)"

Finding = tuple  # (code, path, line, category, recipient)
Flow = tuple     # (category, "path:line", recipient)


@dataclass
class Truth:
    app: str
    patterns: list[str]
    sites: dict[str, list[str]]
    findings: set[Finding]
    flows: set[Flow]


class TruthError(ValueError):
    """A truth.yaml that does not follow the format above; the message names the file and the entry."""


# ----- truth files ---------------------------------------------------------------------------------
def load_vocabulary() -> dict[str, str]:
    return yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))["patterns"]


def load_truth(app_dir: Path, vocabulary: dict[str, str], catalog) -> Truth:
    """Read and validate app_dir/truth.yaml against the app's files, its manifest and the catalog."""
    where = app_dir / "truth.yaml"

    def fail(message: str) -> TruthError:
        return TruthError(f"{where}: {message}")

    raw = yaml.safe_load(where.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or set(raw) != TRUTH_KEYS:
        raise fail(f"expected exactly the keys {sorted(TRUTH_KEYS)}")
    if raw["app"] != app_dir.name:
        raise fail(f"app is {raw['app']!r}, the folder is {app_dir.name!r}")
    manifest = load_manifest((app_dir / "privacy.yaml").read_text(encoding="utf-8"), "privacy.yaml", catalog)
    recipients = set(catalog.recipients) | {entry.id for entry in manifest.recipients}
    codes = set(by_code())

    patterns = raw["patterns"]
    if not patterns or not isinstance(patterns, list) or len(set(patterns)) != len(patterns):
        raise fail("patterns must be a non-empty list without repeats")
    for name in patterns:
        if name not in vocabulary:
            raise fail(f"unknown pattern {name!r} (see {PATTERNS_FILE.name})")

    def line_of(path: str, line: int, what: str) -> str:
        file = app_dir / path
        if not file.is_file() or app_dir.resolve() not in file.resolve().parents:
            raise fail(f"{what}: no file {path!r} in the app")
        if not isinstance(line, int) or not 1 <= line <= len(file.read_text(encoding="utf-8").splitlines()):
            raise fail(f"{what}: {path} has no line {line!r}")
        return f"{path}:{line}"

    def site_of(text, what: str) -> str:
        match = SITE.match(str(text))
        if not match:
            raise fail(f"{what}: expected 'path:line', got {text!r}")
        return line_of(match["path"], int(match["line"]), what)

    def category_of(key, what: str) -> str:
        if key not in catalog.categories:
            raise fail(f"{what}: unknown category {key!r}")
        return key

    def recipient_of(rid, what: str) -> str:
        if rid not in recipients and "." not in str(rid):   # a recipient named by its host has a dot
            raise fail(f"{what}: {rid!r} is neither a catalog or manifest recipient nor a host")
        return rid

    sites: dict[str, list[str]] = {}
    for key, value in (raw["sites"] or {}).items():
        names = value if isinstance(value, list) else [value]
        for name in names:
            if name not in patterns:
                raise fail(f"site {key}: pattern {name!r} is not in this app's patterns")
        sites[site_of(key, f"site {key}")] = names
    unused = set(patterns) - {name for names in sites.values() for name in names}
    if unused:
        raise fail(f"patterns {sorted(unused)} are exercised by no site")

    flows: set[Flow] = set()
    for entry in raw["flows"] or []:
        what = f"flow {entry}"
        if not isinstance(entry, list) or len(entry) != 3:
            raise fail(f"{what}: expected [category, path:line, recipient]")
        category, sink, rid = entry
        flow = (category_of(category, what), site_of(sink, what), None if rid is None else recipient_of(rid, what))
        if flow[1] not in sites:
            raise fail(f"{what}: its sink is not among the sites")
        if flow in flows:
            raise fail(f"{what}: listed twice")
        flows.add(flow)

    findings: set[Finding] = set()
    for entry in raw["findings"] or []:
        what = f"finding {entry}"
        if not isinstance(entry, list) or len(entry) != 5:
            raise fail(f"{what}: expected [code, path, line, category, recipient]")
        code, path, line, category, rid = entry
        if code not in codes:
            raise fail(f"{what}: unknown code {code!r}")
        line_of(path, line, what)
        if category is not None:
            category_of(category, what)
        if rid is not None:
            recipient_of(rid, what)
        if code in NO_RECIPIENT_CODES and rid is not None:
            raise fail(f"{what}: {code} has no recipient")
        if code in FLOW_CODES and (category, f"{path}:{line}", rid) not in flows:
            raise fail(f"{what}: no matching flow [{category}, {path}:{line}, {rid}] in flows")
        finding = (code, path, line, category, rid)
        if finding in findings:
            raise fail(f"{what}: listed twice")
        findings.add(finding)
    return Truth(app_dir.name, patterns, sites, findings, flows)


# ----- running the tool ----------------------------------------------------------------------------
@dataclass
class Observed:
    findings: set[Finding] = field(default_factory=set)
    flows: set[Flow] = field(default_factory=set)
    sources: dict = field(default_factory=dict)    # finding or flow -> source label, for the FP list
    failure: Optional[str] = None                  # why the report is missing or incomplete


def run_tool(app_dir: Path) -> Observed:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-m", "privacylint", "check", str(app_dir), "--format", "json",
                           "--no-cache", "--exit-zero"], cwd=app_dir, env=env, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        return Observed(failure=f"exit {done.returncode}: {done.stderr.strip()[-500:]}")
    report = json.loads(done.stdout)
    observed = Observed()
    for item in report["findings"]:
        finding = (item["code"], item["path"], item["line"], item["category"], item["recipient"])
        observed.findings.add(finding)
        observed.sources.setdefault(finding, source_label(item.get("source")))
    for item in report["flows"]:
        flow = (item["category"], f"{item['sink']['path']}:{item['sink']['line']}", item["recipient"])
        observed.flows.add(flow)
        observed.sources.setdefault(flow, source_label(item.get("source")))
    if report["errors"]:
        observed.failure = "; ".join(f"{e['code']} {e['path']}:{e['line']} {e['message']}" for e in report["errors"])
    return observed


def source_label(source: Optional[dict]) -> str:
    return f"{source['path']}:{source['line']} {source['label']}" if source else ""


# ----- scoring -------------------------------------------------------------------------------------
@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    @property
    def precision(self) -> Optional[float]:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> Optional[float]:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Miss:
    app: str
    kind: str            # "finding" or "flow"
    verdict: str         # "FP" or "FN"
    item: tuple
    patterns: list[str]
    source: str = ""


def site_key(kind: str, item: tuple) -> str:
    return f"{item[1]}:{item[2]}" if kind == "finding" else item[1]


def score(truth: Truth, observed: Observed, per_pattern: dict, misses: list[Miss]) -> dict[str, Tally]:
    """Tallies of this app by kind; adds its items to per_pattern[kind][pattern] and its errors to misses."""
    result = {}
    for kind, expected, found in (("finding", truth.findings, observed.findings),
                                  ("flow", truth.flows, observed.flows)):
        tally = Tally(len(expected & found), len(found - expected), len(expected - found))
        result[kind] = tally
        for verdict, items, hit in (("TP", expected & found, (1, 0, 0)), ("FP", found - expected, (0, 1, 0)),
                                    ("FN", expected - found, (0, 0, 1))):
            for item in items:
                names = truth.sites.get(site_key(kind, item), [OTHER])
                for name in names:
                    per_pattern[kind][name].add(*hit)
                if verdict != "TP":
                    misses.append(Miss(truth.app, kind, verdict, item, names, observed.sources.get(item, "")))
    return result


def ratio(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.2f}"


def row(name: str, tallies: dict[str, Tally], width: int) -> str:
    cells = [f"{name:<{width}}"]
    for kind in ("finding", "flow"):
        t = tallies[kind]
        cells.append(f"{t.tp:>4} {t.fp:>4} {t.fn:>4} {ratio(t.precision):>5} {ratio(t.recall):>5}")
    return "  ".join(cells)


def header(title: str, width: int) -> str:
    kind = "  TP   FP   FN  prec  rec"
    return (f"{'':<{width}}  {'findings':^26}  {'flows':^26}\n{title:<{width}}  {kind}  {kind}")


def show_item(miss: Miss) -> str:
    if miss.kind == "finding":
        code, path, line, category, rid = miss.item
        text = f"{code} {path}:{line} {category or '-'} -> {rid or '-'}"
    else:
        category, sink, rid = miss.item
        text = f"flow {category or '-'} at {sink} -> {rid or '-'}"
    return text + (f"   [source {miss.source}]" if miss.verdict == "FP" and miss.source else "")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", action="append", default=[], help="score only this app (repeatable)")
    parser.add_argument("--no-lists", action="store_true", help="leave out the lists of FPs and FNs")
    args = parser.parse_args(argv)

    vocabulary, catalog = load_vocabulary(), load_catalog()
    app_dirs = sorted(p for p in APPS.iterdir() if (p / "truth.yaml").is_file()
                      and (not args.app or p.name in args.app))
    truths, errors = [], []
    for app_dir in app_dirs:
        try:
            truths.append(load_truth(app_dir, vocabulary, catalog))
        except TruthError as error:
            errors.append(str(error))
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 2
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        observations = list(pool.map(run_tool, app_dirs))

    per_pattern: dict = {"finding": defaultdict(Tally), "flow": defaultdict(Tally)}
    overall = {"finding": Tally(), "flow": Tally()}
    misses: list[Miss] = []
    width = max(len(p) for p in [*vocabulary, *(t.app for t in truths), OTHER])
    print(header("app", width))
    for truth, observed in zip(truths, observations):
        tallies = score(truth, observed, per_pattern, misses)
        for kind in overall:
            overall[kind].add(tallies[kind].tp, tallies[kind].fp, tallies[kind].fn)
        print(row(truth.app, tallies, width) + (f"   TOOL: {observed.failure}" if observed.failure else ""))
    print(row("overall", overall, width))

    print("\n" + header("pattern", width))
    for name in [*vocabulary, OTHER]:
        tallies = {kind: per_pattern[kind].get(name, Tally()) for kind in overall}
        if any(t.tp + t.fp + t.fn for t in tallies.values()):
            print(row(name, tallies, width))

    clean_apps = [t for t in truths if not t.flows]
    leaks = sorted({m.app for m in misses if m.app in {t.app for t in clean_apps} and m.verdict == "FP"
                    and m.kind == "finding" and m.item[0] in FLOW_CODES})
    print(f"\napps whose third-party calls carry no personal data: {len(clean_apps)}; "
          f"with a flow finding: {', '.join(leaks) if leaks else 'none'}")

    if not args.no_lists:
        for verdict, title in (("FN", "false negatives (expected, not reported)"),
                               ("FP", "false positives (reported, not expected)")):
            listed = [m for m in misses if m.verdict == verdict]
            print(f"\n{title}: {len(listed)}")
            for miss in sorted(listed, key=lambda m: (m.app, m.kind, str(m.item))):
                print(f"  {miss.app:<{width}}  {show_item(miss)}   <{', '.join(miss.patterns)}>")
    return 1 if any(o.failure for o in observations) else 0


if __name__ == "__main__":
    sys.exit(main())
