"""What each stage of the facts pass costs, next to LibCST's parse of the same files (issue 7).

    python benchmarks/stages.py [FOLDER] [--lines 20000] [--repeat 3]

Runs, in one process, over every .py file of FOLDER (default: a project generated as bench.py does),
the stages `extract.extract_facts` chains, each timed on its own: CPython's `ast.parse`, LibCST's
`parse_module`, the positions index, the facts walk, then pickling the facts as the cache stores
them; and, for comparison, LibCST's PositionProvider, which privacylint does not use. It prints
medians of --repeat passes, in seconds and as a ratio to the LibCST parse. The garbage collector
stays on, as in a worker process. Nothing here is a test: the figures go into the issue notes.
"""

from __future__ import annotations

import argparse
import ast
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import libcst  # noqa: E402
from libcst.metadata import MetadataWrapper, PositionProvider  # noqa: E402

from bench import make_project  # noqa: E402
from privacylint.catalog import load_catalog  # noqa: E402
from privacylint.extract import FactsWalker  # noqa: E402
from privacylint.facts import ModuleFacts  # noqa: E402
from privacylint.positions import PositionIndex  # noqa: E402

STAGES = ("ast.parse", "libcst.parse_module", "positions (from ast)", "facts walk", "pickle the facts",
          "PositionProvider (not used)")


def one_pass(texts: list[str], catalog) -> dict[str, float]:
    spent = dict.fromkeys(STAGES, 0.0)
    for text in texts:
        started = time.perf_counter()
        parsed = ast.parse(text)
        parsed_at = time.perf_counter()
        tree = libcst.parse_module(text)
        tree_at = time.perf_counter()
        positions = PositionIndex(tree, text, parsed)
        positions_at = time.perf_counter()
        facts = ModuleFacts(path="module.py", module="module", lines=text.count("\n"))
        FactsWalker(facts, positions, tree, catalog, "").run(tree)
        walked_at = time.perf_counter()
        pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
        pickled_at = time.perf_counter()
        MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
        provided_at = time.perf_counter()
        for stage, (begin, end) in zip(STAGES, [(started, parsed_at), (parsed_at, tree_at), (tree_at, positions_at),
                                                (positions_at, walked_at), (walked_at, pickled_at),
                                                (pickled_at, provided_at)]):
            spent[stage] += end - begin
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--lines", type=int, default=20_000, help="size of the generated project")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="privacylint-stages-") as workspace:
        folder = args.folder or make_project(Path(workspace) / "project", args.lines)[0].parent.parent
        texts = []
        for path in sorted(folder.rglob("*.py")):
            try:
                text = path.read_text(encoding="utf-8")
                ast.parse(text)
                libcst.parse_module(text)
            except (SyntaxError, ValueError, UnicodeDecodeError, libcst.ParserSyntaxError, RecursionError):
                continue   # the stages are timed on files every stage accepts
            texts.append(text)
        catalog = load_catalog()
        passes = [one_pass(texts, catalog) for _ in range(args.repeat)]
    lines = sum(text.count("\n") for text in texts)
    print(f"{len(texts)} files, {lines} lines; medians of {args.repeat} passes in one process\n")
    base = statistics.median(p["libcst.parse_module"] for p in passes)
    for stage in STAGES:
        seconds = statistics.median(p[stage] for p in passes)
        print(f"{stage:<30} {seconds:8.2f} s {seconds / base:7.2f}x")
    added = sum(statistics.median(p[stage] for p in passes) for stage in STAGES[2:5]) + \
        statistics.median(p["ast.parse"] for p in passes)
    print(f"\nadded to each file's LibCST parse by the facts pass: {added / base:.2f}x")


if __name__ == "__main__":
    main()
