"""The pipeline: discover -> facts (cached, parallel) -> graph -> flows -> checks -> Report."""

from __future__ import annotations

import ast
import functools
import gc
import hashlib
import itertools
import io
import os
import sys
import tempfile
import time
import tokenize
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from privacylint import __version__
from privacylint.cache import CACHE_FOLDER, FactsCache
from privacylint.catalog import Catalog, load_catalog
from privacylint.checks import CHECKS, CheckContext, suppression_for
from privacylint.config import Config, load_config
from privacylint.discovery import (ProjectFile, discover, find_root, named_files, project_file, relative_path,
                                   select_files)
from privacylint.errors import PrivacylintError
from privacylint.facts import ModuleFacts
from privacylint.manifest import Manifest, empty_manifest, load_manifest
from privacylint.model import FileError, Finding, Flow, Report, SdkUse, SourceRead, UnresolvedCall
from privacylint.standby import StandbyParser

Progress = Callable[[int, int], None]   # (files parsed, files to parse), for a progress bar
ALL_CODES = tuple(check.code for check in CHECKS) + ("PL901",)


@dataclass
class Options:
    paths: tuple[Path, ...] = ()
    manifest: Optional[Path] = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    use_cache: bool = True
    jobs: Optional[int] = None
    stdin_filename: Optional[Path] = None
    stdin_text: Optional[str] = None


@dataclass
class Project:
    root: Path
    config: Config
    catalog: Catalog
    manifest: Manifest
    notes: list[str]                 # things the user should know, printed on stderr by the CLI
    manifest_digest: str = ""        # of the manifest's text: cached analyses depend on it


def open_project(options: Options) -> Project:
    start = options.paths[0] if options.paths else (options.stdin_filename or Path.cwd())
    if not start.exists() and options.stdin_filename is None:
        raise PrivacylintError(f"{start}: no such file or directory")
    root = find_root(start if start.exists() else Path.cwd())
    config = load_config(root)
    catalog = load_catalog(cache_folder=root / CACHE_FOLDER if options.use_cache else None,
                           extend=config.extend_rules)
    notes: list[str] = []
    manifest_path = options.manifest or (root / config.manifest if config.manifest else root / "privacy.yaml")
    digest = ""
    if manifest_path.is_file():
        relative = relative_path(manifest_path.resolve(), root)
        text = manifest_path.read_text(encoding="utf-8")
        manifest = load_manifest(text, relative, catalog)
        digest = hashlib.sha256(f"{relative}\0{text}".encode()).hexdigest()
    elif options.manifest or config.manifest:
        raise PrivacylintError(f"{manifest_path}: manifest not found")
    else:
        notes.append(f"privacylint: no privacy.yaml found in {root}; checking against an empty manifest "
                     "(every flow is undeclared). `privacylint init` writes a starting one.")
        manifest = empty_manifest()
    return Project(root, config, catalog, manifest, notes, digest)


def check(options: Options, project: Optional[Project] = None, progress: Optional[Progress] = None,
          standby: Optional[StandbyParser] = None) -> tuple[Report, Project]:
    """The report of one run. `standby`, a process the CLI starts before its imports, parses the
    files if there are only a few to parse (the caller stops it at the end)."""
    started = time.perf_counter()
    project = project or open_project(options)
    selected_codes = enabled_codes(options.select or project.config.select, options.ignore or project.config.ignore)
    files, listing_problems = discover(project.root, project.config.exclude)
    extra, more_problems = named_files(options.paths, project.root, project.config.exclude, files)
    files, listing_problems = files + extra, listing_problems + more_problems
    stdin_file = None
    if options.stdin_filename is not None:
        stdin_file = project_file(options.stdin_filename.resolve(), project.root)
        files = [f for f in files if f.relative != stdin_file.relative] + [stdin_file]
    report = Report(version=__version__, manifest=project.manifest.path)
    report.errors += [FileError("PL901", path, 1, 1, f"cannot read: {reason}") for path, reason in listing_problems]
    overrides = {stdin_file.relative: options.stdin_text or ""} if stdin_file else {}
    with facts_store(project.root, project.catalog.digest, options.use_cache) as cache, collection_paused():
        sources, read_errors = read_sources(files, cache, overrides)
        analysis = analyse(sources, project, cache, options.jobs, progress, standby)
    report.errors += read_errors + analysis.errors
    # Personal data reaching a call picked at run time is said in stats, not reported as a flow.
    flows = [flow for flow in analysis.flows if flow.sink.kind != "unresolved"]
    unresolved = [flow for flow in analysis.flows if flow.sink.kind == "unresolved"]
    context = CheckContext(project.manifest, project.catalog, flows, analysis.source_reads, analysis.sdk_uses,
                           suppressions=analysis.suppressions, selected=frozenset(selected_codes),
                           all_codes=frozenset(ALL_CODES))
    for phase in ("flows", "findings"):
        context.findings += [finding for check_class in CHECKS
                             if check_class.code in selected_codes and check_class.phase == phase
                             for finding in check_class().run(context)]
    # Fingerprints first: they must not depend on suppressions or on which files were named.
    findings = with_fingerprints(sorted(unique(context.findings), key=finding_order))
    findings = [f for f in findings if f.code == "PL503" or suppression_for(f, analysis.suppressions) is None]
    paths = list(options.paths) + ([options.stdin_filename] if options.stdin_filename else [])
    wanted = select_files(files, paths, project.root) if paths else None
    if wanted is not None and project.manifest.path is not None:
        manifest_file = (project.root / project.manifest.path).resolve()
        if any(p.resolve() == manifest_file or p.resolve() in manifest_file.parents for p in paths):
            wanted = None  # the manifest is named: every finding may have changed
    if wanted is not None:
        findings = [f for f in findings if touches(f, wanted)]
        flows = [f for f in flows if flow_touches(f, wanted)]
        unresolved = [f for f in unresolved if flow_touches(f, wanted)]
        report.errors = [e for e in report.errors if e.path in wanted]
    if "PL901" not in selected_codes:
        report.errors = []
    report.findings = findings
    report.flows = flows
    codes_by_flow: dict[int, list[str]] = {}
    for finding in report.findings:
        if finding.flow is not None:
            codes_by_flow.setdefault(id(finding.flow), []).append(finding.code)
    report.flow_codes = {index: sorted(set(codes_by_flow.get(id(flow), ()))) for index, flow in enumerate(flows)}
    report.stats.files = len(files)
    report.stats.lines = analysis.lines
    report.stats.cached_files = analysis.cached_files
    report.stats.unresolved_call_sites = sorted({UnresolvedCall(f.sink.location.path, f.sink.location.line,
                                                                f.sink.unresolved) for f in unresolved},
                                                key=lambda u: (u.path, u.line, u.reason))
    report.stats.seconds = round(time.perf_counter() - started, 3)
    return report, project


def enabled_codes(select: tuple[str, ...], ignore: tuple[str, ...]) -> set[str]:
    for selector in (*select, *ignore):
        if selector != "ALL" and not any(code.startswith(selector) for code in ALL_CODES):
            raise PrivacylintError(f"unknown rule selector '{selector}' (codes are {ALL_CODES[0]}..{ALL_CODES[-1]}; "
                                   "a prefix such as PL2 selects a family)")
    chosen = {c for c in ALL_CODES if not select or any(s == "ALL" or c.startswith(s) for s in select)}
    return {c for c in chosen if not any(s == "ALL" or c.startswith(s) for s in ignore)}


@contextmanager
def facts_store(root: Path, rules_digest: str, use_cache: bool) -> Iterator[FactsCache]:
    """The project's cache; or, with --no-cache or a read-only project, a cache of this run only in a
    temporary folder, deleted at the end: facts and module graphs still go through it, so that the
    process pools work alike and the main process never holds every module's facts."""
    cache = FactsCache(root, rules_digest, enabled=use_cache)
    if cache.enabled:
        yield cache
        return
    try:
        folder = tempfile.TemporaryDirectory(prefix="privacylint-run-")
    except OSError:   # nowhere to write: facts stay in memory
        yield cache
        return
    with folder:
        yield FactsCache(Path(folder.name), rules_digest)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while the analysis loads and builds (it restarts
    after, and collects any cycle then). Facts and graphs hold no cycles, but the collector scans
    every live object again and again as they are made: loading cached facts took 4x as long."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ----- facts ------------------------------------------------------------------------------------

@dataclass
class SourceFile:
    file: ProjectFile
    content: bytes
    key: str                         # the facts cache key: content, path, module, version, rules


@dataclass
class Analysis:
    """Everything the checks need from the code; cached whole when no file, rule or manifest changed."""

    flows: list[Flow]
    source_reads: list[SourceRead]
    sdk_uses: list[SdkUse]
    suppressions: dict[str, dict[int, frozenset[str]]]
    errors: list[FileError]
    lines: int
    cached_files: int


def read_sources(files: list[ProjectFile], cache: FactsCache, overrides: dict[str, str],
                 ) -> tuple[list[SourceFile], list[FileError]]:
    sources, errors = [], []
    for file in files:
        try:
            content = overrides[file.relative].encode("utf-8") if file.relative in overrides else file.path.read_bytes()
        except OSError as exc:
            errors.append(FileError("PL901", file.relative, 1, 1, f"cannot read: {exc.strerror or exc}"))
            continue
        sources.append(SourceFile(file, content, cache.key(file.relative, file.module, content)))
    return sources, errors


def analyse(sources: list[SourceFile], project: Project, cache: FactsCache, jobs: Optional[int],
            progress: Optional[Progress], standby: Optional[StandbyParser] = None) -> Analysis:
    """Facts (cached per file) -> module graphs -> flows, reusing the last run's work for whatever
    a change cannot affect (see incremental.py); the result is cached for the whole project."""
    project_key = cache.project_key([s.key for s in sources], project.manifest_digest)
    found = cache.get_entry(project_key)
    if isinstance(found, Analysis):
        found.cached_files = len(sources)
        if standby is not None:
            standby.close()
        return found
    parsing = Parsing(sources, project.catalog, cache, jobs, standby)  # runs while networkx and the state load
    try:
        return analyse_parsed(sources, parsing, project, cache, project_key, jobs, progress)
    finally:
        parsing.close()


def analyse_parsed(sources: list[SourceFile], parsing: Parsing, project: Project, cache: FactsCache,
                   project_key: str, jobs: Optional[int], progress: Optional[Progress]) -> Analysis:
    from privacylint.incremental import STATE_KEY, Built, ProjectState, build_modules, state_salt, update  # networkx

    chosen: dict[str, SourceFile] = {}
    for source in sources:
        chosen.setdefault(source.file.module, source)
    salt = state_salt(cache.analysis_salt, project.manifest_digest, list(chosen))
    previous = cache.get_entry(STATE_KEY)
    if not isinstance(previous, ProjectState) or previous.salt != salt:
        previous = ProjectState(salt)
    known = {module: summary.facts_key for module, summary in previous.modules.items()}
    known.update({module: key for module, (key, _) in previous.errors.items()})
    needed = [source for module, source in chosen.items() if known.get(module) != source.key]
    fresh, new_errors, parsed = parsing.collect(needed, progress)
    keys, errors = {}, {}
    for module, source in chosen.items():
        if module in new_errors:
            errors[module] = (source.key, new_errors[module])
        elif module in fresh or module in previous.modules:
            keys[module] = source.key
        else:
            errors[module] = previous.errors[module]

    def load_facts(module: str) -> ModuleFacts:
        facts = cache.get(keys[module])
        if not isinstance(facts, ModuleFacts):  # the entry was evicted: the same content gives the same facts
            facts = facts_for(chosen[module].file, chosen[module].content, project.catalog)
        if not isinstance(facts, ModuleFacts):
            raise PrivacylintError(f"{chosen[module].file.relative}: facts could not be rebuilt: {facts.message}")
        return facts

    in_memory = {module: facts for module, facts in fresh.items() if facts is not None}
    names = frozenset(keys) | frozenset(errors)

    def build(stale: list[str]) -> Iterator[Built]:
        here = functools.partial(build_modules, names=names, keys=keys, salt=salt, load_facts=load_facts,
                                 in_memory=in_memory, store_graph=cache.put_entry, catalog=project.catalog,
                                 manifest=project.manifest)
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        if workers > 1 and len(stale) >= POOL_BUILDS and cache.enabled:
            yield from build_in_pool(stale, here, (names, keys, salt, project.manifest), project.catalog, cache,
                                     workers)
        else:
            yield from here(stale)

    outcome = update(previous, salt, keys, errors, build, load_facts, cache.get_entry, project.catalog,
                     project.manifest)
    cache.put_entry(STATE_KEY, outcome.state)
    summaries = [outcome.state.modules[m] for m in chosen if m in outcome.state.modules]
    analysis = Analysis(outcome.flows, [read for s in summaries for read in s.source_reads],
                        [use for s in summaries for use in s.sdk_uses], {s.path: s.suppressions for s in summaries},
                        [errors[m][1] for m in chosen if m in errors], sum(s.lines for s in summaries),
                        len(sources) - parsed)
    cache.put_entry(project_key, analysis)
    used = {project_key, STATE_KEY, *(key for key, _ in outcome.state.errors.values())}
    for summary in outcome.state.modules.values():
        used |= {summary.facts_key, summary.graph_key}
    cache.prune(used, time.time())
    return analysis


POOL_FILES = 8   # this many files to parse, or more, go to a process pool; fewer to a standby parser


class Parsing:
    """The files whose facts are not in the cache, parsed from the start of a run: in a process pool
    when there are many, or, for a few, by the run's standby parser (if it has one), while this process
    imports networkx and loads the last run's state. `collect` then gives the facts of the modules a
    run needs. Facts that a worker stored in the cache are not sent back (None): the graph build
    loads them when it reads them, so they need not all fit in memory."""

    def __init__(self, sources: list[SourceFile], catalog: Catalog, cache: FactsCache, jobs: Optional[int],
                 standby: Optional[StandbyParser] = None):
        self.catalog, self.cache = catalog, cache
        # the largest first: a huge file starts early, and small ones fill the end of the run
        misses = sorted((source for source in sources if not cache.has(source.key)), key=lambda m: -len(m.content))
        self.misses = {source.key: source for source in misses}
        self.pool = None
        self.pending: Optional[Iterator] = None
        self.standby: Optional[StandbyParser] = None
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        use_pool = workers > 1 and len(self.misses) >= POOL_FILES
        if standby is not None and (use_pool or not self.misses):
            standby.close()   # not needed: stopped before the pool forks, so that no worker holds its pipes
        elif standby is not None:
            self.standby = standby
            standby.send(list(self.misses.values()), catalog, cache)
        if use_pool:
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(catalog, cache))
            batches = batched(list(self.misses.values()))
            self.pending = itertools.chain.from_iterable(self.pool.map(_facts_of_batch, batches))

    def collect(self, needed: list[SourceFile], progress: Optional[Progress] = None,
                ) -> tuple[dict[str, Optional[ModuleFacts]], dict[str, FileError], int]:
        """Facts of each needed module, or the PL901 error saying why it has none (errors are cached
        too: a broken file is parsed once), and how many files were parsed."""
        misses = list(self.misses.values())
        outcomes: list = []
        if self.pending is not None:
            from concurrent.futures import BrokenExecutor

            try:
                outcomes.extend(reporting(self.pending, len(misses), progress))
            except BrokenExecutor:  # a worker was killed (out of memory, say): the rest are parsed here
                pass
            self.close()
        elif self.standby is not None:
            try:
                outcomes.extend(self.standby.results())
            except ChildProcessError:  # the standby process died: its files are parsed here
                pass
        outcomes += reporting((facts_stored(m.file, m.content, m.key, self.catalog, self.cache, keep=True)
                               for m in misses[len(outcomes):]), len(misses) - len(outcomes), progress)
        parsed = dict(zip(self.misses, outcomes))
        modules: dict[str, Optional[ModuleFacts]] = {}
        errors: dict[str, FileError] = {}
        for source in needed:
            outcome = parsed[source.key] if source.key in parsed else self.cache.get(source.key)
            if outcome is None and source.key not in parsed:   # an unreadable entry: parse it again here
                outcome = parsed[source.key] = facts_stored(source.file, source.content, source.key, self.catalog,
                                                             self.cache, keep=True)
            if isinstance(outcome, FileError):
                errors[source.file.module] = outcome
            else:
                modules[source.file.module] = outcome
        return modules, errors, len(parsed)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = self.pending = None


BATCH_BYTES = 64 * 1024   # files are sent to the pool's workers in batches of about this much source


def batched(sources: list[SourceFile]) -> Iterator[list[SourceFile]]:
    """Consecutive batches of about BATCH_BYTES each; a larger file makes a batch of its own, so that
    one huge file never holds back others behind it in a worker."""
    batch: list[SourceFile] = []
    size = 0
    for source in sources:
        if batch and size + len(source.content) > BATCH_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(source)
        size += len(source.content)
    if batch:
        yield batch


# Module graphs are built in worker processes when this many must be (a cold run, a new manifest):
# each worker loads the facts it reads from the cache, and stores the graphs it builds there.
POOL_BUILDS = 64


def build_in_pool(stale: list[str], here: Callable, context: tuple, catalog: Catalog, cache: FactsCache,
                  workers: int) -> Iterator:
    """`here(modules)` (build_modules) run by worker processes on slices of `stale` (consecutive
    modules, which mostly read the same facts), 4 slices a worker; a slice whose facts a worker could
    not read from the cache is built here."""
    from concurrent.futures import BrokenExecutor, ProcessPoolExecutor

    size = -(-len(stale) // (workers * 4))
    slices = [stale[start:start + size] for start in range(0, len(stale), size)]
    done = 0
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(catalog, cache)) as pool:
        try:
            for chosen, results in zip(slices, pool.map(_build_in_worker, [(chosen, *context) for chosen in slices])):
                done += 1
                yield from (here(chosen) if results is None else results)
        except BrokenExecutor:  # a worker was killed (out of memory, say): the rest are built here
            pass
    for chosen in slices[done:]:
        yield from here(chosen)


class _FactsNotCached(Exception):
    pass


def _build_in_worker(task: tuple) -> Optional[list]:
    from privacylint.incremental import build_modules

    chosen, names, keys, salt, manifest = task

    def load_facts(module: str) -> ModuleFacts:
        facts = _WORKER_CACHE.get(keys[module])
        if not isinstance(facts, ModuleFacts):
            raise _FactsNotCached(module)
        return facts

    with collection_paused():
        try:
            return [(module, summary, None if _WORKER_CACHE.enabled else module_graph)  # stored: not sent
                    for module, summary, module_graph in build_modules(
                        chosen, names, keys, salt, load_facts, {}, _WORKER_CACHE.put_entry, _WORKER_CATALOG, manifest)]
        except _FactsNotCached:
            return None


def reporting(outcomes: Iterable, total: int, progress: Optional[Progress]) -> Iterator:
    """Pass the outcomes through, telling `progress` how many of the files to parse are done."""
    for done, outcome in enumerate(outcomes, 1):
        if progress is not None:
            progress(done, total)
        yield outcome


_WORKER_CATALOG: Optional[Catalog] = None
_WORKER_CACHE: Optional[FactsCache] = None


def _init_worker(catalog: Catalog, cache: FactsCache) -> None:
    """Workers get the parent's catalog (it may hold the user's rules, extend-rules) and cache."""
    global _WORKER_CATALOG, _WORKER_CACHE
    _WORKER_CATALOG, _WORKER_CACHE = catalog, cache
    gc.enable()  # a forked worker inherits the paused collector; a worker's trees come and go


def _facts_of_batch(sources: list[SourceFile]) -> list:
    return facts_of(sources, _WORKER_CATALOG, _WORKER_CACHE)


def facts_of(sources: list[SourceFile], catalog: Catalog, cache: FactsCache) -> list:
    """What each file gave, as facts_stored returns it (for a worker or a standby parser)."""
    return [facts_stored(source.file, source.content, source.key, catalog, cache, keep=False) for source in sources]


def facts_stored(file: ProjectFile, content: bytes, key: str, catalog: Catalog, cache: FactsCache, keep: bool):
    """A file's facts or PL901 error, stored in the cache; facts are returned only when `keep` is
    set or the cache could not take them (None otherwise)."""
    outcome = facts_for(file, content, catalog)
    stored = cache.put(key, outcome)
    return outcome if keep or not stored or isinstance(outcome, FileError) else None


# CPython 3.11 and later refuse deeper trees in ast.parse (RecursionError). Earlier versions accept
# them, and LibCST's native parser then overflows its stack on a 10,000-term sum: a crash, not an
# exception. There the depth is checked by hand (0.04x of LibCST's parse on CPython 3.9).
CHECK_NESTING = sys.version_info < (3, 11)
MAX_NESTING = 3000


def nested_deeper(tree: ast.AST, limit: int) -> bool:
    """Whether the tree nests deeper than `limit` nodes (walked without recursion)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for _, value in ast.iter_fields(node):
            if isinstance(value, ast.AST):
                stack.append((value, depth + 1))
            elif isinstance(value, list):
                stack.extend((item, depth + 1) for item in value if isinstance(item, ast.AST))
    return False


def facts_for(file: ProjectFile, content: bytes, catalog: Catalog):
    """Facts of one file, or the PL901 error saying why there are none."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(content).readline)
        text = content.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        return FileError("PL901", file.relative, 1, 1, f"cannot decode: {exc}")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\0" in text:
        return FileError("PL901", file.relative, 1, 1, "cannot parse: the file contains null bytes")
    # CPython's parser first: its errors are the ones users know, and it refuses nesting that would
    # overflow LibCST's native parser (a crash, not an exception).
    try:
        with warnings.catch_warnings():  # scanned code's own warnings (invalid escapes) are not ours to print
            warnings.simplefilter("ignore")
            parsed = ast.parse(text)
    except SyntaxError as error:
        return FileError("PL901", file.relative, error.lineno or 1, error.offset or 1, f"cannot parse: {error.msg}")
    except (RecursionError, MemoryError):
        return FileError("PL901", file.relative, 1, 1, "cannot analyse: expressions are nested too deeply")
    except ValueError as error:
        return FileError("PL901", file.relative, 1, 1, f"cannot parse: {error}")
    if CHECK_NESTING and nested_deeper(parsed, MAX_NESTING):
        return FileError("PL901", file.relative, 1, 1, "cannot analyse: expressions are nested too deeply")
    from privacylint.extract import extract_facts  # LibCST is loaded only when a file must be parsed

    try:
        return extract_facts(text, parsed, file.relative, file.module, file.is_package, catalog)
    except RecursionError:
        return FileError("PL901", file.relative, 1, 1, "cannot analyse: expressions are nested too deeply")
    except MemoryError:
        return FileError("PL901", file.relative, 1, 1, "cannot analyse: out of memory")
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run; it is reported
        if type(exc).__name__ == "ParserSyntaxError":
            line, column = getattr(exc, "raw_line", 1) or 1, (getattr(exc, "raw_column", 0) or 0) + 1
            first_line = str(exc).splitlines()[0] if str(exc) else "syntax error"
            return FileError("PL901", file.relative, line, column, f"cannot parse (LibCST): {first_line}")
        return FileError("PL901", file.relative, 1, 1,
                         f"internal error while analysing ({type(exc).__name__}): {exc}")


# ----- findings ---------------------------------------------------------------------------------

def unique(findings: list[Finding]) -> list[Finding]:
    """One finding per (code, place, category): the first, which has the shortest trace."""
    seen: dict[tuple, Finding] = {}
    for finding in findings:
        loc = finding.location
        key = (finding.code, loc.path, loc.line, loc.column, finding.category,
               finding.recipient.id if finding.recipient else None)
        if key not in seen or (finding.flow and seen[key].flow and
                               len(finding.flow.trace) < len(seen[key].flow.trace)):
            seen[key] = finding
    return list(seen.values())


def flow_touches(flow, wanted: set[str]) -> bool:
    return (flow.sink.location.path in wanted or flow.source.path in wanted
            or any(step.path in wanted for step in flow.trace))


def touches(finding: Finding, wanted: set[str]) -> bool:
    if finding.flow is not None:
        return flow_touches(finding.flow, wanted)
    return finding.location.path in wanted


def finding_order(finding: Finding) -> tuple:
    loc = finding.location
    return (loc.path, loc.line, loc.column, finding.code, finding.category or "",
            finding.recipient.id if finding.recipient else "")


def with_fingerprints(findings: list[Finding]) -> list[Finding]:
    """Stable across line shifts: code, path, normalised sink text, category, recipient, occurrence."""
    counts: dict[tuple, int] = {}
    result = []
    for finding in findings:
        base = (finding.code, finding.location.path, " ".join(finding.location.label.split()) or finding.message,
                finding.category or "", finding.recipient.id if finding.recipient else "")
        counts[base] = counts.get(base, 0) + 1
        digest = hashlib.sha256("\0".join(map(str, base + (counts[base],))).encode()).hexdigest()[:20]
        result.append(replace(finding, fingerprint=digest))
    return result
