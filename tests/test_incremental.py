"""An incremental run (module graphs and flows reused from the last run) reports exactly what a cold
run reports, after each kind of edit; and it really reuses work."""

from __future__ import annotations

import pytest

from privacylint.api import Options, check
from privacylint.report.json_format import as_dict
from privacylint.standby import standby_mode

from conftest import write_project

MANIFEST = ("version: 1\ncollects: [user.contact]\nrecipients:\n  stripe: {data: [user.financial]}\n"
            "  mixpanel: {data: [user.device]}\nsecurity: {logs: no-personal-data}\n")
HELPERS = ("from mixpanel import Mixpanel\n\n\n"
           "def normalize(value):\n"
           "    return 'constant'\n\n\n"
           "class Tracker:\n"
           "    def __init__(self):\n"
           "        self.client = Mixpanel('token')\n\n"
           "    def track(self, uid, props):\n"
           "        self.client.track(uid, 'event', props)\n")
VIEWS = ("import stripe\n"
         "from shop.helpers import Tracker, normalize\n\n"
         "tracker = Tracker()\n\n\n"
         "def signup(request):\n"
         "    email = request.POST['email']\n"
         "    clean = normalize(email)\n"
         "    stripe.Customer.create(email=clean)\n"
         "    tracker.track('u1', {'plan': 'pro'})\n")
PROJECT = {"privacy.yaml": MANIFEST, "shop/__init__.py": "", "shop/helpers.py": HELPERS, "shop/views.py": VIEWS,
           "shop/other.py": "def unrelated():\n    return 1\n"}


def comparable(report) -> dict:
    result = as_dict(report)
    del result["stats"]
    return result


def run(root, use_cache=True):
    report, _ = check(Options(paths=(root,), use_cache=use_cache, jobs=1))
    return report


def rows(report) -> list[tuple]:
    return [(f.code, f.location.path, f.location.line, f.category, f.recipient.id if f.recipient else None)
            for f in report.findings]


# Each edit: (file, old text, new text, the findings a cold run gives afterwards).
EDITS = {
    "a helper now returns its argument (the caller's module is unchanged)": (
        "shop/helpers.py", "return 'constant'", "return value.strip()",
        [("PL202", "shop/views.py", 10, "user.contact.email", "stripe")]),
    "a class's client changes to another SDK in another module": (
        "shop/views.py", "{'plan': 'pro'}", "{'email': email}",
        [("PL202", "shop/helpers.py", 13, "user.contact.email", "mixpanel")]),
    "a function is renamed, so the call no longer resolves to it": (
        "shop/helpers.py", "def normalize(value):\n    return 'constant'",
        "def normalise(value):\n    return 'constant'\n\n\nnormalize = str",
        [("PL202", "shop/views.py", 10, "user.contact.email", "stripe")]),
    "lines are inserted above the sink": (
        "shop/views.py", "def signup(request):\n", "def signup(request):\n    # one\n    # two\n",
        []),
    "an unrelated module changes": (
        "shop/other.py", "return 1", "return 2", []),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_incremental_run_equals_a_cold_run(tmp_path, edit):
    root = write_project(tmp_path, PROJECT)
    assert rows(run(root)) == []
    path, old, new, expected = EDITS[edit]
    text = (root / path).read_text()
    assert old in text
    (root / path).write_text(text.replace(old, new))
    incremental = run(root)
    assert rows(incremental) == expected
    assert comparable(incremental) == comparable(run(root, use_cache=False))
    assert incremental.stats.cached_files == len(PROJECT) - 2  # every .py file but the edited one


def test_a_file_that_breaks_and_is_fixed_again(tmp_path):
    root = write_project(tmp_path, PROJECT)
    run(root)
    helpers = (root / "shop/helpers.py").read_text()
    (root / "shop/helpers.py").write_text(helpers.replace("return 'constant'", "return value +"))
    broken = run(root)
    assert [(e.code, e.path, e.line) for e in broken.errors] == [("PL901", "shop/helpers.py", 5)]
    assert comparable(broken) == comparable(run(root, use_cache=False))
    (root / "shop/helpers.py").write_text(helpers.replace("return 'constant'", "return value"))
    fixed = run(root)
    assert rows(fixed) == [("PL202", "shop/views.py", 10, "user.contact.email", "stripe")]
    assert comparable(fixed) == comparable(run(root, use_cache=False))


def test_a_changed_manifest_or_a_new_file_rebuilds_everything(tmp_path):
    root = write_project(tmp_path, PROJECT)
    (root / "shop/helpers.py").write_text(HELPERS.replace("return 'constant'", "return value"))
    assert rows(run(root)) == [("PL202", "shop/views.py", 10, "user.contact.email", "stripe")]
    (root / "privacy.yaml").write_text(MANIFEST.replace("[user.financial]", "[user.financial, user.contact.email]"))
    rebuilt = run(root)
    assert rows(rebuilt) == []
    assert rebuilt.stats.cached_files == 4  # every graph is rebuilt, but no file is parsed again
    (root / "shop/new.py").write_text("import logging\n\ndef log(request):\n"
                                      "    logging.info(request.POST['email'])\n")
    report = run(root)
    assert rows(report) == [("PL402", "shop/new.py", 4, "user.contact.email", None)]
    assert comparable(report) == comparable(run(root, use_cache=False))


def test_only_the_affected_module_graphs_are_rebuilt(tmp_path, monkeypatch):
    from privacylint.graph import ProjectGraph

    root = write_project(tmp_path, PROJECT)
    run(root)
    built = []
    original = ProjectGraph.build_module
    monkeypatch.setattr(ProjectGraph, "build_module", lambda self, module: built.append(module) or original(self, module))
    (root / "shop/other.py").write_text("def unrelated():\n    return 3\n")
    run(root)
    assert built == ["shop.other"]
    built.clear()
    (root / "shop/helpers.py").write_text(HELPERS + "\n# a comment\n")
    run(root)
    assert built == ["shop.helpers", "shop.views"]  # views read helpers' facts to resolve its calls


def test_a_flow_through_an_unchanged_module_into_a_changed_one(tmp_path):
    """views.signup -> service.register -> mailer.notify. Only mailer changes; views reads service's
    facts, not mailer's, so its module graph is reused, but its source's walk reached mailer and is
    walked again."""
    root = write_project(tmp_path, {
        "privacy.yaml": MANIFEST, "shop/__init__.py": "",
        "shop/views.py": "from shop.service import register\n\n\ndef signup(request):\n"
                         "    register(request.POST['email'])\n",
        "shop/service.py": "from shop.mailer import notify\n\n\ndef register(address):\n    notify(address)\n",
        "shop/mailer.py": "def notify(to):\n    return None\n"})
    assert [row[0] for row in rows(run(root))] == ["PL501", "PL501"]  # stripe and mixpanel are unused
    (root / "shop/mailer.py").write_text("import stripe\n\n\ndef notify(to):\n    stripe.Customer.create(email=to)\n")
    report = run(root)
    assert rows(report) == [("PL501", "privacy.yaml", 5, None, None),
                            ("PL202", "shop/mailer.py", 5, "user.contact.email", "stripe")]
    assert [step.path for step in report.findings[1].flow.trace][:1] == ["shop/views.py"]
    assert comparable(report) == comparable(run(root, use_cache=False))


def test_facts_loaded_for_a_build_stay_in_memory_only_while_recent(monkeypatch):
    from privacylint import graph
    from privacylint.facts import ModuleFacts

    monkeypatch.setattr(graph, "RECENT_FACTS", 2)
    loads = []

    def load(module):
        loads.append(module)
        return ModuleFacts(path=f"{module}.py", module=module, lines=1)

    given = ModuleFacts(path="a.py", module="a", lines=1)
    modules = graph.TrackedModules("abcde", dict.fromkeys("abcde", "key"), load, {"a": given})
    assert [modules[name].module for name in "bcbdcba"] == list("bcbdcba")
    # b is read again before d comes, so c is the oldest and goes; then c comes back, and b goes
    assert loads == ["b", "c", "d", "c", "b"]
    assert list(modules.recent) == ["c", "b"] and modules["a"] is given
    modules.forget()
    assert not modules.recent and not modules.in_memory


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_incremental_run_that_reloads_evicted_facts_equals_a_cold_run(tmp_path, monkeypatch, edit):
    """After an edit, the unchanged modules' facts come from the cache; with room for one module's
    facts only, a build that reads three loads some again, and the result does not change."""
    from privacylint import graph

    root = write_project(tmp_path, PROJECT)
    run(root)
    path, old, new, expected = EDITS[edit]
    (root / path).write_text((root / path).read_text().replace(old, new))
    monkeypatch.setattr(graph, "RECENT_FACTS", 1)
    incremental = run(root)
    assert rows(incremental) == expected
    assert comparable(incremental) == comparable(run(root, use_cache=False))


def test_parse_workers_store_facts_in_the_cache_instead_of_sending_them(tmp_path):
    from privacylint.api import Parsing, facts_for, open_project, read_sources
    from privacylint.cache import FactsCache
    from privacylint.discovery import discover

    files = {f"shop/m{n}.py": f"import logging\n\n\ndef f{n}(request):\n    logging.info(request.POST['email'])\n"
             for n in range(9)}
    root = write_project(tmp_path, {**PROJECT, **files, "shop/broken.py": "def (:\n"})
    project = open_project(Options(paths=(root,)))
    for enabled in (True, False):
        cache = FactsCache(root, project.catalog.digest, enabled=enabled)
        sources, _ = read_sources(discover(root, ())[0], cache, {})
        facts, errors, parsed = Parsing(sources, project.catalog, cache, jobs=2).collect(sources)
        assert parsed == len(sources) == 14
        assert [(e.path, e.line) for e in errors.values()] == [("shop/broken.py", 1)]
        for source in sources:
            if source.file.module == "shop.broken":
                continue
            expected = facts_for(source.file, source.content, project.catalog)
            if enabled:   # the parent loads them when a build reads them
                assert facts[source.file.module] is None and cache.get(source.key) == expected
            else:
                assert facts[source.file.module] == expected


def test_without_the_cache_a_run_stores_facts_in_a_temporary_folder_deleted_at_the_end(tmp_path, monkeypatch):
    import tempfile

    from privacylint.cache import FactsCache

    passing = HELPERS.replace("return 'constant'", "return value.strip()")
    root = write_project(tmp_path / "project", {**PROJECT, "shop/helpers.py": passing})
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    stored = []
    real_put = FactsCache.put
    monkeypatch.setattr(FactsCache, "put", lambda self, key, outcome: stored.append(self.folder) or
                        real_put(self, key, outcome))
    without = run(root, use_cache=False)
    assert not (root / ".privacylint_cache").exists()
    assert stored and all(folder.is_relative_to(scratch) for folder in stored)
    assert list(scratch.iterdir()) == []
    assert comparable(without) == comparable(run(root))
    assert rows(without) == [("PL202", "shop/views.py", 10, "user.contact.email", "stripe")]


def test_the_garbage_collector_is_paused_during_the_analysis_only(tmp_path, monkeypatch):
    import gc

    from privacylint import api

    root = write_project(tmp_path, PROJECT)
    seen = []
    original = api.analyse
    monkeypatch.setattr(api, "analyse", lambda *args: seen.append(gc.isenabled()) or original(*args))
    assert gc.isenabled()
    run(root)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        run(root)
        assert seen == [False, False] and not gc.isenabled()   # a caller's choice is kept
    finally:
        gc.enable()


def test_the_flow_graph_is_freed_without_the_garbage_collector(tmp_path):
    """networkx graphs are reference cycles: left to the collector, one costs a scan of every edge."""
    import gc

    import networkx as nx

    root = write_project(tmp_path, PROJECT)
    (root / "shop/helpers.py").write_text(HELPERS.replace("return 'constant'", "return value.strip()"))
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert rows(run(root, use_cache=False)) == [("PL202", "shop/views.py", 10, "user.contact.email", "stripe")]
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, nx.MultiDiGraph) and o.number_of_edges()]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []


FRESH_RUN = """
import io, json, os, sys
import privacylint.standby as standby
from privacylint import cli

answers, started = [], []


def watch(kind, start, results):
    kind.__init__ = lambda self: start(self) or started.append(kind.__name__)
    kind.results = lambda self: answers.append(results(self)) or answers[-1]


for kind in (standby.ForkedParser, standby.SpawnedParser):
    watch(kind, kind.__init__, kind.results)
%s
sys.stdout = io.StringIO()
code = cli.main(["check", "--format", "json", "--exit-zero", "--jobs", "2", sys.argv[1]])
report, sys.stdout = json.loads(sys.stdout.getvalue()), sys.__stdout__
try:
    os.waitpid(-1, os.WNOHANG)
    children = "some"
except ChildProcessError:
    children = "none"
print(json.dumps({"code": code, "report": report, "answers": answers, "started": started,
                  "children": children}))
"""


def fresh_run(root, setup: str = "", mode: str = "fork") -> dict:
    """`privacylint check` in a new interpreter, with what its standby parser did (PRIVACYLINT_STANDBY=mode)."""
    import json
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FRESH_RUN % setup, str(root)], capture_output=True, text=True,
                          env={**os.environ, "PRIVACYLINT_STANDBY": mode})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["code"] == 0
    return out


def finding_rows(report: dict) -> list[tuple]:
    return [(f["code"], f["path"], f["line"], f["category"], f["recipient"]) for f in report["findings"]]


def without_stats(report: dict) -> dict:
    return {key: value for key, value in report.items() if key != "stats"}


def helper_edited_after_a_run(tmp_path):
    """The project, cached by a run, then one helper edited: its root and the findings expected now."""
    root = write_project(tmp_path, PROJECT)
    run(root)
    path, old, new, expected = EDITS["a helper now returns its argument (the caller's module is unchanged)"]
    (root / path).write_text((root / path).read_text().replace(old, new))
    return root, expected


posix_only = pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="the test counts children with waitpid")
MODES = [("fork", "ForkedParser"), ("spawn", "SpawnedParser")]


@posix_only
@pytest.mark.parametrize("mode, parser", MODES)
def test_a_few_changed_files_are_parsed_by_a_process_started_with_the_run(tmp_path, mode, parser):
    """LibCST not loaded yet and one changed file: the process started with the command (forked, or a new
    interpreter) parses it and stores its facts (it answers None, not the facts); the report is exactly
    a cold run's."""
    root, expected = helper_edited_after_a_run(tmp_path)
    out = fresh_run(root, mode=mode)
    assert (out["started"], out["answers"], out["children"]) == ([parser], [[None]], "none")
    assert finding_rows(out["report"]) == expected
    assert out["report"]["stats"]["cached_files"] == len(PROJECT) - 2
    assert without_stats(out["report"]) == without_stats(as_dict(run(root, use_cache=False)))


@posix_only
@pytest.mark.parametrize("mode, parser", MODES)
def test_the_standby_process_is_stopped_and_reaped_when_nothing_or_much_is_to_parse(tmp_path, mode, parser):
    root = write_project(tmp_path, BIGGER)
    cold = fresh_run(root, mode=mode)   # 13 files: the process pool parses them
    warm = fresh_run(root, mode=mode)   # nothing changed
    for out in (cold, warm):
        assert (out["started"], out["answers"], out["children"]) == ([parser], [], "none")
    assert cold["report"]["stats"]["cached_files"] == 0
    assert without_stats(cold["report"]) == without_stats(warm["report"]) == without_stats(
        as_dict(run(root, use_cache=False)))


KILL_BEFORE_SEND = """
import signal
def killing(send):
    def killed_first(self, *args):
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.pid = 0
        send(self, *args)
    return killed_first
standby.ForkedParser.send = killing(standby.ForkedParser.send)
standby.SpawnedParser.send = killing(standby.SpawnedParser.send)
"""


@posix_only
@pytest.mark.parametrize("mode, parser", MODES)
def test_a_standby_process_that_dies_leaves_its_files_to_this_one(tmp_path, mode, parser):
    root, expected = helper_edited_after_a_run(tmp_path)
    out = fresh_run(root, KILL_BEFORE_SEND, mode=mode)
    assert (out["started"], out["answers"], out["children"]) == ([parser], [], "none")
    assert finding_rows(out["report"]) == expected


@posix_only
def test_a_spawned_parser_refuses_files_from_another_copy_of_privacylint(tmp_path):
    """A new interpreter may import privacylint from elsewhere than this process did (a checkout in the
    working folder, say): its facts would be stored under this version's cache keys, so it refuses."""
    root, expected = helper_edited_after_a_run(tmp_path)
    out = fresh_run(root, "import privacylint\nprivacylint.__file__ = '/elsewhere/privacylint/__init__.py'\n",
                    mode="spawn")
    assert (out["started"], out["answers"], out["children"]) == (["SpawnedParser"], [], "none")
    assert finding_rows(out["report"]) == expected
    assert without_stats(out["report"]) == without_stats(as_dict(run(root, use_cache=False)))


@posix_only
def test_no_standby_process_when_it_is_off_or_there_is_one_job(tmp_path):
    root, expected = helper_edited_after_a_run(tmp_path)
    out = fresh_run(root, mode="off")
    assert (out["started"], out["answers"], out["children"]) == ([], [], "none")
    assert finding_rows(out["report"]) == expected
    assert standby_mode(1, "spawn") == standby_mode(1, "fork") == standby_mode(None, "off") == "off"


def test_an_unknown_standby_mode_is_a_usage_error(tmp_path):
    import os
    import subprocess
    import sys

    root = write_project(tmp_path, PROJECT)
    done = subprocess.run([sys.executable, "-m", "privacylint", "check", str(root)], capture_output=True, text=True,
                          env={**os.environ, "PRIVACYLINT_STANDBY": "thread"})
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "privacylint: error: PRIVACYLINT_STANDBY must be one of fork, spawn, off, not 'thread'\n"


@posix_only
@pytest.mark.parametrize("mode, parser", MODES)
def test_a_file_larger_than_the_pipe_reaches_the_standby_process_whole(tmp_path, mode, parser):
    """A forked child reads only after its import, so a big file goes in two parts (what the pipe takes
    at once, the rest when the results are wanted); a spawned one reads it in a thread while it
    imports. It must arrive whole."""
    root = write_project(tmp_path, PROJECT)
    run(root)
    filler = "".join(f"def filler_{n}(items):\n    return [item * {n} for item in items]\n\n\n" for n in range(6000))
    (root / "shop/big.py").write_text(filler + "def leak(request):\n    print(request.POST['email'])\n")
    out = fresh_run(root, mode=mode)
    assert len((root / "shop/big.py").read_bytes()) > 256 * 1024
    assert (out["started"], out["answers"], out["children"]) == ([parser], [[None]], "none")
    assert finding_rows(out["report"]) == [("PL402", "shop/big.py", 24002, "user.contact.email", None)]
    assert without_stats(out["report"]) == without_stats(as_dict(run(root, use_cache=False)))


BIGGER = {**PROJECT, **{f"shop/m{n}.py": f"import stripe\nfrom shop.helpers import normalize\n\n\ndef f{n}(request):\n"
                                          f"    stripe.Customer.create(email=normalize(request.POST['email']))\n"
                        for n in range(8)}}


def cold_rows_built_in_pool(root, monkeypatch) -> tuple[list, list]:
    from privacylint import api

    monkeypatch.setattr(api, "POOL_BUILDS", 2)
    pooled = []
    original = api.build_in_pool
    monkeypatch.setattr(api, "build_in_pool", lambda stale, *rest: pooled.append(list(stale)) or original(stale, *rest))
    report, _ = check(Options(paths=(root,), jobs=2))
    return report, pooled


def test_module_graphs_are_built_in_worker_processes_when_many_must_be(tmp_path, monkeypatch):
    root = write_project(tmp_path, BIGGER)
    report, pooled = cold_rows_built_in_pool(root, monkeypatch)
    assert pooled == [["shop", "shop.helpers"] + [f"shop.m{n}" for n in range(8)] + ["shop.other", "shop.views"]]
    assert rows(report) == []   # normalize returns a constant: nothing reaches stripe
    (root / "shop/helpers.py").write_text(HELPERS.replace("return 'constant'", "return value.strip()"))
    report, _ = cold_rows_built_in_pool(root, monkeypatch)   # m0-m7 read helpers: rebuilt, in the pool
    assert rows(report) == [("PL202", path, line, "user.contact.email", "stripe")
                            for path, line in [(f"shop/m{n}.py", 6) for n in range(8)] + [("shop/views.py", 10)]]
    assert comparable(report) == comparable(run(root, use_cache=False))
    (root / "shop/m3.py").write_text("def f3():\n    return 3\n")   # the next run reuses the stored graphs
    assert comparable(run(root)) == comparable(run(root, use_cache=False))


def test_a_worker_that_cannot_read_facts_from_the_cache_leaves_the_build_to_the_parent(tmp_path, monkeypatch):
    from privacylint.cache import FactsCache
    from privacylint.facts import ModuleFacts

    root = write_project(tmp_path, BIGGER)
    original = FactsCache.get
    monkeypatch.setattr(FactsCache, "get", lambda self, key: None if isinstance(original(self, key), ModuleFacts)
                        else original(self, key))   # every facts entry unreadable, here and in the workers
    report, pooled = cold_rows_built_in_pool(root, monkeypatch)
    assert len(pooled) == 1
    assert comparable(report) == comparable(run(root, use_cache=False))


def test_the_cache_keeps_what_the_current_state_uses_and_drops_old_entries(tmp_path):
    """After edits, the entries of old file versions go once a week old; the current ones stay, and
    the next run still reuses everything."""
    import os
    import time

    from privacylint.api import open_project
    from privacylint.cache import KEEP_NEWEST, KEEP_UNUSED, PRUNE_EVERY, FactsCache, prune
    from privacylint.discovery import discover

    root = write_project(tmp_path, PROJECT)
    run(root)
    for number in range(KEEP_NEWEST + 2):  # old versions of helpers: facts, graphs, whole analyses
        (root / "shop/helpers.py").write_text(HELPERS + f"\n# version {number}\n")
        run(root)
    top = root / ".privacylint_cache"
    entries = sorted(p for p in (top / "facts").glob("*/*"))
    analyses = [p for p in entries if p.name.startswith("project-")]
    assert len(analyses) == KEEP_NEWEST + 3
    long_ago = time.time() - KEEP_UNUSED - 60
    for path in entries:
        os.utime(path, (long_ago, long_ago))
    stray = top / "facts" / "ab" / ".tmp-killed-run"
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"half")
    os.utime(stray, (long_ago, long_ago))
    os.utime(top / "pruned", (long_ago, long_ago))   # the last pruning was long ago
    ran_at = time.time()
    (root / "shop/other.py").write_text("def unrelated():\n    return 2\n")
    report = run(root)   # prunes, keeping what this run's state uses
    assert report.stats.cached_files == len(PROJECT) - 2
    left = {p.name for p in (top / "facts").glob("*/*")}
    assert ".tmp-killed-run" not in left and "state" in left
    assert len([name for name in left if name.startswith("project-")]) == KEEP_NEWEST
    # of facts and module graphs, exactly the current versions are left
    project = open_project(Options(paths=(root,)))
    cache = FactsCache(root, project.catalog.digest)
    state = cache.get_entry("state")
    assert {name for name in left if "-" not in name and name != "state"} == {
        cache.key(f.relative, f.module, f.path.read_bytes()) for f in discover(root, ())[0]}
    assert {name for name in left if name.startswith("graph-")} == {s.graph_key for s in state.modules.values()}
    assert comparable(run(root)) == comparable(run(root, use_cache=False))
    assert prune(top, set(), ran_at + PRUNE_EVERY - 60) == 0   # within the hour: not again, whatever is unused


def test_only_the_newest_built_catalogs_are_kept(tmp_path):
    import os
    import time

    from privacylint.cache import KEEP_NEWEST, prune

    folder = tmp_path / "catalog"
    folder.mkdir()
    now = time.time()
    for age in range(KEEP_NEWEST + 3):
        (folder / f"catalog-{age}").write_bytes(b"x")
        os.utime(folder / f"catalog-{age}", (now - age * 60, now - age * 60))
    assert prune(tmp_path, set(), now) == 3
    assert sorted(p.name for p in folder.iterdir()) == [f"catalog-{age}" for age in range(KEEP_NEWEST)]


def test_a_module_graph_missing_from_the_cache_is_built_again_for_the_walk(tmp_path, monkeypatch):
    from privacylint.graph import ProjectGraph

    root = write_project(tmp_path, PROJECT)
    run(root)
    for entry in (root / ".privacylint_cache" / "facts").glob("*/graph-*"):
        entry.unlink()   # pruned, or deleted by hand
    built = []
    original = ProjectGraph.build_module
    monkeypatch.setattr(ProjectGraph, "build_module", lambda self, module: built.append(module) or original(self, module))
    path, old, new, expected = EDITS["a class's client changes to another SDK in another module"]
    (root / path).write_text((root / path).read_text().replace(old, new))
    report = run(root)
    assert built == ["shop.views", "shop.helpers"]   # views is stale; the walk from it needs helpers' graph
    assert rows(report) == expected
    assert comparable(report) == comparable(run(root, use_cache=False))


def test_files_go_to_the_pool_largest_first_in_batches_of_similar_size(tmp_path):
    from privacylint.api import BATCH_BYTES, Parsing, batched, open_project, read_sources
    from privacylint.cache import FactsCache
    from privacylint.discovery import discover

    kilobytes = {"huge": 100, "large": 50, "medium": 20, "small": 10, "tiny": 5, "empty": 0}
    root = write_project(tmp_path, {"privacy.yaml": MANIFEST, **{
        f"pkg/{name}.py": "x = 1\n" * (size * 1024 // 6) for name, size in kilobytes.items()}})
    project = open_project(Options(paths=(root,)))
    cache = FactsCache(root, project.catalog.digest)
    sources, _ = read_sources(discover(root, ())[0], cache, {})
    parsing = Parsing(sources, project.catalog, cache, jobs=1)
    order = [source.file.module for source in parsing.misses.values()]
    assert order == ["pkg.huge", "pkg.large", "pkg.medium", "pkg.small", "pkg.tiny", "pkg.empty"]
    assert BATCH_BYTES == 64 * 1024
    assert [[source.file.module for source in batch] for batch in batched(list(parsing.misses.values()))] == [
        ["pkg.huge"], ["pkg.large"], ["pkg.medium", "pkg.small", "pkg.tiny", "pkg.empty"]]


ORIGINAL = {}   # the functions the dying ones stand in for (forked workers see this module as it is)


def dying_parse(sources):
    """A parse worker killed (out of memory, say) on the batch holding views.py."""
    import os

    if any(source.file.relative == "shop/views.py" for source in sources):
        os._exit(1)
    return ORIGINAL["parse"](sources)


def dying_build(task):
    """A build worker killed on the slice holding shop.views."""
    import os

    if "shop.views" in task[0]:
        os._exit(1)
    return ORIGINAL["build"](task)


@pytest.mark.parametrize("stage", ["parse", "build"])
def test_a_worker_killed_midway_leaves_its_files_to_the_main_process(tmp_path, monkeypatch, stage):
    from privacylint import api

    root = write_project(tmp_path, BIGGER)
    monkeypatch.setattr(api, "POOL_BUILDS", 2)
    if stage == "parse":
        monkeypatch.setitem(ORIGINAL, "parse", api._facts_of_batch)
        monkeypatch.setattr(api, "_facts_of_batch", dying_parse)
        monkeypatch.setattr(api, "BATCH_BYTES", 1)   # one file a batch
    else:
        monkeypatch.setitem(ORIGINAL, "build", api._build_in_worker)
        monkeypatch.setattr(api, "_build_in_worker", dying_build)
    report, _ = check(Options(paths=(root,), jobs=2))
    assert comparable(report) == comparable(run(root, use_cache=False))
    assert report.stats.cached_files == 0


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_the_pools_work_alike_where_processes_are_not_forked(tmp_path, method):
    """macOS and Windows spawn worker processes, and Python 3.14 on Linux uses a fork server: the
    workers get the catalog and cache by pickling, and the report is the cold run's."""
    import json
    import multiprocessing
    import subprocess
    import sys

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    root = write_project(tmp_path, BIGGER)
    script = ("import io, json, multiprocessing, sys\n"
              f"multiprocessing.set_start_method({method!r})\n"
              "from privacylint import api, cli\n"
              "api.POOL_BUILDS = 2   # the module graphs in a pool too\n"
              "sys.stdout = io.StringIO()\n"
              "cli.main(['check', '--format', 'json', '--exit-zero', '--jobs', '2', sys.argv[1]])\n"
              "sys.__stdout__.write(sys.stdout.getvalue())\n")
    done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["stats"]["cached_files"] == 0
    assert without_stats(report) == without_stats(as_dict(run(root, use_cache=False)))
