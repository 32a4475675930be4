"""`privacylint init`: a starting privacy.yaml drawn from what the code does, optionally merged with a
manifest drafted from the policy text or imported from Fides, for a team to adopt in minutes and then
tighten."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from privacylint.api import Options, Project, check
from privacylint.catalog import Catalog, covers, load_catalog
from privacylint.config import load_config
from privacylint.discovery import find_root
from privacylint.errors import PrivacylintError
from privacylint.manifest import DeclaredRecipient, empty_manifest, load_manifest
from privacylint.model import Location, Report
from privacylint.yamlsource import Node, load_yaml

PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


@dataclass
class ObservedRecipient:
    id: str
    name: str
    kind: str
    host: Optional[str]                               # set for a host the catalog does not know
    data: set[str] = field(default_factory=set)
    purposes: set[str] = field(default_factory=set)
    countries: dict[Optional[str], str] = field(default_factory=dict)   # country -> first sink, path:line
    unknown_country: str = ""                         # why the country could not be determined
    imported_at: str = ""                             # an SDK imported with no personal data seen reaching it


@dataclass
class Observed:
    """What the code shows, from a Report checked against an empty manifest (so every read is a PL101)."""

    collects: dict[str, str] = field(default_factory=dict)          # category -> first read, path:line
    recipients: dict[str, ObservedRecipient] = field(default_factory=dict)


def observe(report: Report, catalog: Catalog) -> Observed:
    observed = Observed()
    for finding in report.findings:
        if finding.code == "PL101" and finding.category:
            observed.collects.setdefault(finding.category, place(finding.location))
    for flow in report.flows:
        recipient = flow.sink.recipient
        if flow.sink.kind != "third_party" or recipient is None:
            continue
        entry = observed.recipients.get(recipient.id)
        if entry is None:
            host = recipient.id if recipient.id not in catalog.recipients else None
            entry = observed.recipients[recipient.id] = ObservedRecipient(recipient.id, recipient.name,
                                                                          recipient.kind, host)
        entry.data.add(flow.category)
        if flow.sink.purpose:
            entry.purposes.add(flow.sink.purpose)
        entry.countries.setdefault(recipient.country, place(flow.sink.location))
        if recipient.country is None and not entry.unknown_country:
            entry.unknown_country = recipient.country_note
    for finding in report.findings:
        if finding.code == "PL502" and finding.recipient and finding.recipient.id not in observed.recipients:
            sdk = finding.recipient
            observed.recipients[sdk.id] = ObservedRecipient(sdk.id, sdk.name, sdk.kind, None,
                                                            imported_at=place(finding.location))
    return observed


def place(location: Location) -> str:
    return f"{location.path}:{location.line}"


HEADER = ["# privacy.yaml: a starting manifest written by `privacylint init` from what the code does.",
          "# It declares today's behaviour, which is not yet a policy: check every entry against your",
          "# privacy policy, add each claim's `quote:` and `line:`, and remove what the policy does not allow."]


def starting_manifest(observed: Observed) -> str:
    lines = HEADER + ["version: 1",
                      "# organization: {name: \"...\", country: XX}   # your home country, an ISO 3166 alpha-2 code",
                      ""]
    collected = collects_lines(observed, [])
    lines += ["collects:", *collected] if collected else [
        "collects: []                     # the code reads no personal data privacylint knows"]
    lines.append("")
    recipients = recipients_lines(observed, {})
    lines += ["recipients:", *recipients] if recipients else [
        "recipients: {}                   # no personal data reaches a third party in the code"]
    lines += ["", "# Left for you, since the code cannot say what the policy promises:",
              "#   `transfers: {allowed_countries: [...]}` (where personal data may go)",
              "#   `prohibits:` (what the policy promises never to share)",
              "#   `security: {transport: tls, logs: no-personal-data}`"]
    return "\n".join(lines) + "\n"


def collects_lines(observed: Observed, declared: list[str], note: str = "read at") -> list[str]:
    """List items for the categories the code reads that `declared` does not cover."""
    added = [(scalar(c), first) for c, first in sorted(observed.collects.items())
             if not any(covers(d, c) for d in declared)]
    width = max((len(name) for name, _ in added), default=0)
    return [f"  - {name.ljust(width)}   # {note} {first}" for name, first in added]


def recipients_lines(observed: Observed, declared: dict, note: str = "") -> list[str]:
    """Entries for the recipients the code reaches that `declared` (id -> fields) does not list."""
    lines = []
    for rid, seen in sorted(observed.recipients.items()):
        if rid in declared:
            continue
        comments = describe(seen)
        lines += [f"  # {note}{comments[0]}", *(f"  # {comment}" for comment in comments[1:])]
        lines.append(f"  {scalar(rid)}:")
        if seen.host is not None:
            lines.append(f"    hosts: [{scalar(seen.host)}]")
        lines.append(f"    data: [{', '.join(scalar(c) for c in sorted(seen.data))}]")
        if seen.purposes:
            lines.append(f"    purposes: [{', '.join(scalar(p) for p in sorted(seen.purposes))}]")
    return lines


# ----- merging with a policy draft --------------------------------------------------------------

def merged_with_draft(draft: str, observed: Observed, catalog: Catalog, source: str = "the policy") -> str:
    """A draft (from `source`: the policy text, a Fides manifest) with its quotes, lines and comments kept,
    and what the code shows that the draft does not say added where it belongs, each addition marked."""
    mark = f"from the code, not in {source}"
    root = load_yaml(draft, "the policy draft")
    kinds = [e for e in load_manifest(draft, "the policy draft", catalog).recipients if e.covers_kind]
    top = root.value if isinstance(root.value, dict) else {}
    lines = draft.splitlines()
    edits: list[tuple[int, int, list[str]]] = []          # (from, to, new lines), 0-based, `to` exclusive

    declared = [item.value["data"].value if isinstance(item.value, dict) else item.value
                for item in (top["collects"].value if "collects" in top and top["collects"].value else [])]
    added = collects_lines(observed, declared, f"{mark}: read at")
    if added:
        edits.append(section_edit(lines, root, "collects", added, before=("recipients", "transfers")))

    drafted = top["recipients"].value if "recipients" in top and top["recipients"].value else {}
    for rid, entry in drafted.items():
        seen = observed.recipients.get(rid)
        if seen is not None and isinstance(entry.value, dict):
            for key, values in (("data", seen.data), ("purposes", seen.purposes)):
                if key in entry.value and (key == "data" or entry.value[key].value):
                    edits += list_edit(lines, entry, key, sorted(values), mark)
    covered = {rid for rid, seen in observed.recipients.items() if kind_covers(kinds, seen)}
    added = recipients_lines(observed, {**drafted, **dict.fromkeys(covered)}, f"{mark}: ")
    if added:
        edits.append(section_edit(lines, root, "recipients", added, before=("transfers", "prohibits", "security")))
    for start, stop, replacement in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[start:stop] = replacement
    note = ["# Merged by `privacylint init` with what the code does: lines marked `from the code` are what",
            f"# the code does that {source} does not say: change one or the other."]
    return "\n".join(note + lines) + "\n"


def kind_covers(entries: list[DeclaredRecipient], seen: ObservedRecipient) -> bool:
    """A drafted `kind:` entry (`advertisers: {kind: advertiser, ...}`) already declares all it receives."""
    matching = [e for e in entries if e.covers_kind in (seen.kind, "third_party")]
    return any(all(any(covers(d, c) for d in e.data) for c in seen.data)
               and (not e.purposes or all(any(covers(p, q) for p in e.purposes) for q in seen.purposes))
               for e in matching)


def section_edit(lines: list[str], root: Node, key: str, items: list[str],
                 before: tuple[str, ...]) -> tuple[int, int, list[str]]:
    """Append `items` to a top-level block, or start the block before the first of `before`."""
    if key in root.value:
        key_line = root.keys[key].line - 1
        if root.value[key].value:                         # a block with entries: append after its last line
            end = block_end(lines, key_line, 0)
            return (end, end, items)
        return (key_line, key_line + 1, [f"{key}:", *items])   # `key:`, `key: []` or `key: {}`
    following = [root.keys[k].line - 1 for k in before if k in root.value]
    at = min(following) if following else len(lines)
    return (at, at, [f"{key}:", *items, ""])


def list_edit(lines: list[str], entry: Node, key: str, values: list[str],
              mark: str) -> list[tuple[int, int, list[str]]]:
    """Extend a drafted recipient's `data` or `purposes` with what the code adds, in the list's own style."""
    node, key_line = entry.value[key], entry.keys[key].line - 1
    present = [item.value for item in node.value] if isinstance(node.value, list) else []
    added = [v for v in values if not any(covers(p, v) for p in present)]
    if not added:
        return []
    line = lines[key_line]
    indent = len(line) - len(line.lstrip())
    comment = [f"{' ' * indent}# {mark}: {key} {', '.join(added)}"]
    if node.line - 1 == key_line:                          # `key: [a, b]`, `key: []` or `key:` alone
        opening, closing = line.find("[", entry.keys[key].column), line.find("]", entry.keys[key].column)
        items = ", ".join(scalar(v) for v in present + added)
        if 0 <= opening < closing:
            return [(key_line, key_line + 1, comment + [line[:opening + 1] + items + line[closing:]])]
        return [(key_line, key_line + 1, comment + [f"{' ' * indent}{key}: [{items}]"])]
    end = block_end(lines, key_line, indent)              # a block list under `key:`
    return [(end, end, comment + [f"{' ' * (node.column - 1)}- {scalar(v)}" for v in added])]


def block_end(lines: list[str], key_line: int, key_indent: int) -> int:
    """The index after the last line of the block under the key on `key_line` (0-based): the lines after
    it that are blank, indented deeper, or list items at the key's own indentation."""
    end = key_line + 1
    while end < len(lines):
        text = lines[end]
        indent = len(text) - len(text.lstrip())
        if text.strip() and indent <= key_indent and not (indent == key_indent and text.lstrip().startswith("- ")):
            break
        end += 1
    while end > key_line + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def describe(seen: ObservedRecipient) -> list[str]:
    """What a reviewer needs beside the entry: who it is, where its data goes, and why a country is missing."""
    if seen.host is not None:
        first = ", ".join(sorted(seen.countries.values()))
        return [f"a host the catalog does not know, reached at {first};",
                "add `country:` once you know where it processes the data"]
    who = f"{seen.name} ({seen.kind})"
    if seen.imported_at:
        return [f"{who}: imported at {seen.imported_at}; no personal data was seen reaching it"]
    known = [f"{country} ({first})" for country, first in sorted(seen.countries.items(), key=lambda i: i[0] or "")
             if country is not None]
    comments = [f"{who}: data goes to {', '.join(known)}" if known else who]
    if None in seen.countries:
        reason = f": {seen.unknown_country}" if seen.unknown_country else ""
        comments.append(f"country unknown at {seen.countries[None]}{reason}")
    return comments


def scalar(value: str) -> str:
    if PLAIN.fullmatch(value) and value.lower() not in YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


# ----- running it -------------------------------------------------------------------------------

def init_project(start: Path) -> Project:
    """The project at `start` with an empty manifest: init describes the code, not a manifest it may replace."""
    if not start.exists():
        raise PrivacylintError(f"{start}: no such file or directory")
    root = find_root(start)
    config = load_config(root)
    return Project(root, config, load_catalog(extend=config.extend_rules), empty_manifest(), [])


def observe_project(project: Project, use_cache: bool = True, jobs: Optional[int] = None) -> Observed:
    """Every check on, whatever `select`/`ignore` in pyproject.toml say: init must see every read and SDK."""
    everything = replace(project, config=replace(project.config, select=(), ignore=()))
    report, _ = check(Options(paths=(project.root,), use_cache=use_cache, jobs=jobs), everything)
    return observe(report, project.catalog)


def manifest_target(project: Project) -> Path:
    """Where `check` will look: `[tool.privacylint] manifest`, else privacy.yaml at the root."""
    return project.root / (project.config.manifest or "privacy.yaml")


def validated(text: str, target: Path, project: Project) -> str:
    """The text, once `check` would accept it; anything else is a bug in init, not the user's mistake."""
    try:
        load_manifest(text, target.name, project.catalog)
    except PrivacylintError as error:
        raise PrivacylintError(f"init wrote a manifest that does not validate ({error}); please report it") from None
    return text


def policy_draft(paths: list[Path], language: str, target: Path, project: Project) -> str:
    """The text `privacylint policy draft` makes of these policy files, `policy:` relative to the target."""
    from privacylint.policy.draft import draft_text

    return draft_text([p.resolve() for p in paths], language, target.resolve().parent, project.catalog)
