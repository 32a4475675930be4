"""A Draft -> the text of a privacy.yaml (DESIGN.md, "The manifest"), with comments for its reviewer.

Every claim carries `quote:` and `line:`; with several policy files a comment names the file each one
comes from, and a claim that only some files make says so. Bans the manifest cannot hold as entries
(sharing nothing with anyone: PL201 already means that) and disclosures to unnamed third parties are
written as comments, for review.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from privacylint.policy.extract import Evidence
from privacylint.policy.merge import Draft, DraftBan, DraftRecipient

WIDTH = 100


def render_draft(draft: Draft, manifest_dir: Path) -> str:
    return _Writer(draft, manifest_dir).write()


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text, ensure_ascii=False)


def short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


class _Writer:
    def __init__(self, draft: Draft, manifest_dir: Path):
        self.draft, self.manifest_dir = draft, manifest_dir
        self.lines: list[str] = []
        self.several = len(draft.files) > 1

    def write(self) -> str:
        self._header()
        self._collects()
        self._recipients()
        self._transfers()
        self._prohibits()
        self._security()
        return "\n".join(self.lines) + "\n"

    # ----- sections ---------------------------------------------------------------------------
    def _header(self) -> None:
        out = self.lines.append
        out("# DRAFT privacy.yaml written by `privacylint policy draft` from the policy text:")
        for path, language in self.draft.files:
            out(f"#   {self._relative(path)} ({language})")
        out("# A rule-based reading: it misses claims and can misread them. Review every claim against its")
        out("# quote before relying on it, decide the lines marked `review:`, and add `organization:`.")
        out("version: 1")
        if not self.several and self.draft.files:
            out(f"policy: {quoted(self._relative(self.draft.files[0][0]))}")

    def _collects(self) -> None:
        out = self.lines.append
        out("")
        if not self.draft.collects:
            out("# collects: the policy names no category of personal data it collects.")
            return
        out("collects:")
        for item in self.draft.collects:
            out(f"  - data: {item.category}")
            self._claim(item.evidence, "    ")

    def _recipients(self) -> None:
        out = self.lines.append
        out("")
        if not self.draft.recipients:
            out("# recipients: the policy names no one it shares personal data with.")
        else:
            out("recipients:")
            for recipient in self.draft.recipients:
                self._recipient(recipient)
        if self.draft.unnamed:
            out("# Not drafted: disclosures to recipients the policy does not name (\"third parties\"). Declare")
            out("# them once you know who they are:")
            for data, evidence in self.draft.unnamed:
                out(f"#   {self._where(evidence)}: {quoted(short(evidence.quote))} (data: {', '.join(data)})")

    def _recipient(self, recipient: DraftRecipient) -> None:
        out = self.lines.append
        out(f"  {recipient.id}:")
        if not recipient.in_catalog:
            out(f"    kind: {recipient.kind}")
        note = "" if recipient.data_named else "  # review: the policy names no data for it"
        out(f"    data: [{', '.join(recipient.data)}]{note}")
        if recipient.purposes:
            out(f"    purposes: [{', '.join(recipient.purposes)}]")
        self._claim(recipient.evidence, "    ")
        if self.several and len(set(recipient.by_file.values())) > 1:
            for path, (data, purposes) in recipient.by_file.items():
                said = f"data [{', '.join(data)}]" + (f", purposes [{', '.join(purposes)}]" if purposes else "")
                out(f"    # disagreement: {Path(path).name} says {said}")
        for ban in self.draft.bans:
            if recipient in self.draft.conflicts(ban):
                out(f"    # review: the ban at {self._where(ban.evidence[0])} forbids part of this")

    def _transfers(self) -> None:
        out = self.lines.append
        out("")
        transfers = self.draft.transfers
        if transfers is None:
            out("# transfers: the policy does not say where personal data is kept, so no residency rule is drafted.")
            for countries, evidence in self.draft.destinations:
                out(f"#   it may send data abroad{' to ' + ', '.join(countries) if countries else ''}: "
                    f"{self._where(evidence)}: {quoted(short(evidence.quote))}")
            return
        if not transfers.allowed:
            out("# transfers: the policy keeps personal data in its home country without naming it. Add:")
            out("# transfers:")
            out("#   allowed_countries: [XX]")
            for evidence in transfers.evidence:
                out(f"#   {self._where(evidence)}: {quoted(short(evidence.quote))}")
            return
        out("transfers:")
        out(f"  allowed_countries: [{', '.join(transfers.allowed)}]")
        self._claim(transfers.evidence, "  ")

    def _prohibits(self) -> None:
        out = self.lines.append
        out("")
        if self.draft.bans:
            out("prohibits:")
            for ban in self.draft.bans:
                self._ban(ban)
        elif self.draft.blanket_bans:
            out("# prohibits: the policy makes no ban narrower than \"no sharing with anyone\".")
        else:
            out("# prohibits: the policy bans no disclosure.")
        if self.draft.blanket_bans:
            out("# Not drafted: bans on sharing any personal data with anyone, which the manifest already")
            out("# enforces: personal data may reach only the recipients declared above (PL201).")
            for evidence in self.draft.blanket_bans:
                out(f"#   {self._where(evidence)}: {quoted(short(evidence.quote))}")

    def _ban(self, ban: DraftBan) -> None:
        out = self.lines.append
        out(f"  - data: [{', '.join(ban.data)}]")
        if ban.purposes:
            self._wrapped("    purposes: ", list(ban.purposes))
        if ban.to_kind:
            out(f"    to: {{kind: {ban.to_kind}}}")
        elif ban.to_recipient:
            out(f"    to: {{recipient: {ban.to_recipient}}}")
        self._claim(ban.evidence, "    ")
        if ban.only_for:
            out(f"    # the policy: used only for {', '.join(ban.only_for)}; these are all the other purposes")
        conflicts = self.draft.conflicts(ban)
        if conflicts:
            out(f"    # review: it forbids what the policy says elsewhere: "
                f"{', '.join(f'{r.id} ({self._where(r.evidence[0])})' for r in conflicts)}")

    def _security(self) -> None:
        out = self.lines.append
        out("")
        if not (self.draft.transport or self.draft.logs):
            out("# security: the policy makes no claim about encryption in transit or about logs.")
            return
        out("security:")
        if self.draft.transport:
            out("  transport: tls")
        if self.draft.logs:
            out("  logs: no-personal-data")
        self._claim(self.draft.transport or self.draft.logs, "  ")
        if self.draft.transport and self.draft.logs:
            out(f"  # logs: {self._where(self.draft.logs[0])}: {quoted(short(self.draft.logs[0].quote))}")

    # ----- pieces -----------------------------------------------------------------------------
    def _claim(self, evidence: list[Evidence], indent: str) -> None:
        """quote and line of the first sentence; the other sentences, qualifiers, exceptions and files as comments."""
        out = self.lines.append
        first = evidence[0]
        out(f"{indent}quote: {quoted(first.quote)}")
        out(f"{indent}line: {first.line}{'  # ' + Path(first.path).name if self.several else ''}")
        if first.qualifier:
            out(f"{indent}# qualified: {quoted(first.qualifier)}")
        if first.exception:
            out(f"{indent}# unless: {quoted(first.exception)}")
        others = [e for e in evidence[1:] if (e.path, e.line) != (first.path, first.line)]
        seen = {(first.path, first.line)}
        for other in others:
            if (other.path, other.line) not in seen:
                seen.add((other.path, other.line))
                out(f"{indent}# also {self._where(other)}: {quoted(short(other.quote, 70))}")
        if self.several:
            files = self.draft.files_of(evidence)
            missing = [Path(p).name for p in self.draft.paths if p not in files]
            if missing:
                out(f"{indent}# disagreement: only in {', '.join(Path(p).name for p in files)}; "
                    f"not in {', '.join(missing)}")

    def _wrapped(self, prefix: str, items: list[str]) -> None:
        line = prefix + "["
        for index, item in enumerate(items):
            piece = item + (", " if index < len(items) - 1 else "]")
            if len(line) + len(piece) > WIDTH and not line.endswith("["):
                self.lines.append(line.rstrip())
                line = " " * (len(prefix) + 1)
            line += piece
        self.lines.append(line)

    def _where(self, evidence: Evidence) -> str:
        return f"{Path(evidence.path).name}:{evidence.line}" if self.several else f"line {evidence.line}"

    def _relative(self, path: str) -> str:
        try:
            return Path(os.path.relpath(Path(path).resolve(), self.manifest_dir.resolve())).as_posix()
        except ValueError:                     # another drive on Windows
            return Path(path).resolve().as_posix()
