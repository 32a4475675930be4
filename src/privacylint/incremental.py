"""Incremental analysis: after a change, rebuild only the module graphs it can affect and walk again
only the sources whose flows it can change.

What a run keeps for the next one (`ProjectState`, one cache entry per project):
- per module (`ModuleSummary`): its facts key, the cache key of its module graph, the facts keys of
  the modules its build read, the modules its edges leave from, and what the checks need from it;
- per source (`SourceWalk`): its flows and the modules its walk reached.

A module graph is stale when its module or a module its build read has changed. A source is walked
again when its module graph was rebuilt, or when its walk reached a module from which a rebuilt (or
dropped) module graph has edges. Everything else is reused as it was: a cold run is the same
computation with nothing to reuse, so both give the same flows (tests/test_incremental.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional

from privacylint.catalog import Catalog
from privacylint.facts import ModuleFacts
from privacylint.graph import ModuleGraph, ProjectGraph, TrackedModules, flow_key, flow_order, sdk_uses, source_reads
from privacylint.manifest import Manifest
from privacylint.model import FileError, Flow, Location, SdkUse, SourceRead

STATE_KEY = "state"


@dataclass
class ModuleSummary:
    facts_key: str
    graph_key: str
    depends_on: dict[str, str]
    tail_modules: frozenset[str]
    sources: list[tuple[tuple, str, Location]]
    source_reads: list[SourceRead]
    sdk_uses: list[SdkUse]
    suppressions: dict[int, frozenset[str]]
    path: str
    lines: int


@dataclass
class SourceWalk:
    flows: list[Flow]
    reached: frozenset[str]


@dataclass
class ProjectState:
    salt: str                                        # version, code, rules, manifest, module names
    modules: dict[str, ModuleSummary] = field(default_factory=dict)
    errors: dict[str, tuple[str, FileError]] = field(default_factory=dict)   # module -> (facts key, PL901)
    walks: dict[tuple, SourceWalk] = field(default_factory=dict)


@dataclass
class Outcome:
    state: ProjectState
    flows: list[Flow]


def state_salt(cache_salt: bytes, manifest_digest: str, module_names: list[str]) -> str:
    digest = hashlib.sha256(cache_salt + b"\0state\0" + manifest_digest.encode())
    for name in sorted(module_names):
        digest.update(name.encode() + b"\0")
    return digest.hexdigest()


Built = tuple  # (module, its ModuleSummary, its ModuleGraph or None when only the cache has it)


def update(previous: Optional[ProjectState], salt: str, keys: dict[str, str],
           errors: dict[str, tuple[str, FileError]], build: Callable[[list[str]], Iterable[Built]],
           load_facts: Callable[[str], ModuleFacts], load_graph: Callable[[str], Optional[ModuleGraph]],
           catalog: Catalog, manifest: Manifest) -> Outcome:
    """The project's flows, reusing what `previous` computed from facts that have not changed.

    keys: module -> facts key for every module with facts; errors: modules without facts;
    build(modules) builds their graphs and summaries (`build_modules`, here or in worker processes);
    load_facts / load_graph read the caches (load_graph may miss)."""
    if previous is None or previous.salt != salt:
        previous = ProjectState(salt)
    changed = {m for m, key in keys.items() if m not in previous.modules or previous.modules[m].facts_key != key}
    dropped = set(previous.modules) - set(keys)          # modules that no longer have facts
    stale = changed | {m for m in keys if m not in changed
                       and any(keys.get(d, "") != k for d, k in previous.modules[m].depends_on.items())}

    summaries = {m: summary for m, summary in previous.modules.items() if m in keys and m not in stale}
    built: dict[str, ModuleGraph] = {}
    for module, summary, module_graph in build(sorted(stale)):
        summaries[module] = summary
        if module_graph is not None:
            built[module] = module_graph
    # for the walk, and for a module graph missing from the cache, built again from the same facts
    graph = ProjectGraph(TrackedModules(set(keys) | set(errors), keys, load_facts), catalog, manifest)

    touched: set[str] = set()
    for module in stale | dropped:
        if module in previous.modules:
            touched |= previous.modules[module].tail_modules
        if module in summaries:
            touched |= summaries[module].tail_modules
    walks = {node: walk for node, walk in previous.walks.items()
             if node[1] in summaries and node[1] not in stale and not walk.reached & touched}

    contributors: dict[str, set[str]] = {}
    for module, summary in summaries.items():
        for tail in summary.tail_modules:
            contributors.setdefault(tail, set()).add(module)

    def module_graph(module: str) -> Optional[ModuleGraph]:
        """A module graph, for the walk to put into networkx (once): no copy is kept here."""
        return built.pop(module, None) or load_graph(summaries[module].graph_key)

    graph.load_graph, graph.contributors = module_graph, contributors
    for module in sorted(summaries):
        for node, category, origin in summaries[module].sources:
            if node not in walks:
                walks[node] = SourceWalk(*graph.flows_from(node, category, origin))
    graph.release()

    state = ProjectState(salt, summaries, errors, walks)
    return Outcome(state, merged_flows(walks.values()))


def build_modules(chosen: list[str], names: frozenset[str], keys: dict[str, str], salt: str,
                  load_facts: Callable[[str], ModuleFacts], in_memory: dict[str, ModuleFacts],
                  store_graph: Callable[[str, ModuleGraph], None], catalog: Catalog,
                  manifest: Manifest) -> Iterator[Built]:
    """Build the graphs of the chosen modules and what the next run keeps of them (in this process
    or a worker's). in_memory: facts at hand (the others are loaded when a build reads them), all
    dropped at the end; store_graph(key, graph) caches a module graph."""
    modules = TrackedModules(names, keys, load_facts, in_memory)
    graph = ProjectGraph(modules, catalog, manifest)
    top_packages = {name.split(".")[0] for name in names}
    for module in chosen:
        module_graph = graph.build_module(module)
        facts = modules[module]
        summary = ModuleSummary(
            keys[module], graph_key(salt, module_graph), module_graph.depends_on, module_graph.tail_modules,
            module_graph.sources, source_reads(facts), sdk_uses(facts, top_packages, catalog), facts.suppressions,
            facts.path, facts.lines)
        store_graph(summary.graph_key, module_graph)
        yield module, summary, module_graph
    modules.forget()


def merged_flows(walks) -> list[Flow]:
    """All flows, one per (source, sink, category): the one with the shortest trace."""
    found: dict[tuple, Flow] = {}
    for walk in walks:
        for flow in walk.flows:
            key = flow_key(flow)
            if key not in found or len(flow.trace) < len(found[key].trace):
                found[key] = flow
    return sorted(found.values(), key=flow_order)


def graph_key(salt: str, module_graph: ModuleGraph) -> str:
    digest = hashlib.sha256(f"{salt}\0{module_graph.module}".encode())
    for name, key in module_graph.depends_on.items():
        digest.update(f"\0{name}\0{key}".encode())
    return "graph-" + digest.hexdigest()
