"""A manifest beside its policy text: claims no sentence supports, and claims the manifest leaves out.

A manifest claim with a `quote:` is supported when the quote is in the policy (whitespace and quote
marks aside; "..." may stand for words left out), and its `line:`, if given, must be where the quote
starts. A claim without a quote is supported when the drafter finds the same claim in the text. The
other way round, every claim the drafter finds must be covered by the manifest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from privacylint.catalog import Catalog, covers
from privacylint.manifest import Claim, DeclaredRecipient, Manifest
from privacylint.policy.merge import Draft, DraftRecipient
from privacylint.policy.sentences import Document

ELLIPSIS = re.compile(r"\.\.\.|…")
QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})


@dataclass(frozen=True)
class Mismatch:
    path: str
    line: int
    message: str
    quote: Optional[str] = None


class PolicyText:
    """The policy files, searchable for quotes."""

    def __init__(self, documents: list[Document]):
        self.files = []
        for document in documents:
            chars, lines = [], []
            for number, line in enumerate(document.text.split("\n"), 1):
                for char in _normal(line):
                    chars.append(char)
                    lines.append(number)
            self.files.append((document.path, "".join(chars), lines))

    def find(self, quote: str) -> Optional[tuple[str, int]]:
        """(path, line) where the quote starts, or None."""
        pieces = [_normal(p) for p in ELLIPSIS.split(quote) if _normal(p)]
        if not pieces:
            return None
        for path, text, lines in self.files:
            start = text.find(pieces[0])
            while start >= 0:
                position = start + len(pieces[0])
                for piece in pieces[1:]:
                    position = text.find(piece, position)
                    if position < 0:
                        break
                    position += len(piece)
                else:
                    return path, lines[start]
                start = text.find(pieces[0], start + 1)
        return None


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(QUOTE_MARKS)).casefold()


def compare(manifest: Manifest, draft: Draft, documents: list[Document], catalog: Catalog) -> list[Mismatch]:
    text = PolicyText(documents)
    found = _unsupported(manifest, draft, text, catalog) + _left_out(manifest, draft, catalog)
    order = {path: index for index, path in enumerate([manifest.path] + draft.paths)}
    return sorted(found, key=lambda m: (order.get(m.path, len(order)), m.line, m.message))


# ----- manifest -> text -----------------------------------------------------------------------

def _unsupported(manifest: Manifest, draft: Draft, text: PolicyText, catalog: Catalog) -> list[Mismatch]:
    found = []

    def judge(claim: Claim, what: str, in_draft: bool) -> None:
        path, _, line = claim.where.rpartition(":")
        if claim.quote is None:
            if not in_draft:
                found.append(Mismatch(path, int(line), f"{what} has no quote, and no sentence of the policy says it"))
            return
        place = text.find(claim.quote)
        if place is None:
            found.append(Mismatch(path, int(line), f"{what}: its quote is not in the policy", claim.quote))
        elif claim.policy_line is not None and claim.policy_line != place[1]:
            found.append(Mismatch(path, int(line), f"{what}: its quote is on line {place[1]} of {place[0]}, "
                                                   f"not line {claim.policy_line}", claim.quote))

    for item in manifest.collects:
        judge(item.claim, f"collects {item.data}",
              any(covers(item.data, c.category) or covers(c.category, item.data) for c in draft.collects))
    for entry in manifest.recipients:
        judge(entry.claim, f"recipient '{entry.id}'", any(_names(entry, r, catalog) for r in draft.recipients))
    if manifest.transfers is not None:
        judge(manifest.transfers.claim, "transfers", draft.transfers is not None)
    for ban in manifest.prohibits:
        judge(ban.claim, "a prohibits entry", any(
            (ban.to_kind, ban.to_recipient) == (d.to_kind, d.to_recipient) and _overlaps(ban.data or ("user",), d.data)
            for d in draft.bans))
    if manifest.security is not None:
        said = (manifest.security.transport != "tls" or bool(draft.transport)) and \
               (manifest.security.logs != "no-personal-data" or bool(draft.logs))
        judge(manifest.security.claim, "security", said)
    return found


# ----- text -> manifest -----------------------------------------------------------------------

def _left_out(manifest: Manifest, draft: Draft, catalog: Catalog) -> list[Mismatch]:
    found = []

    def missing(evidence, message: str) -> None:
        found.append(Mismatch(evidence.path, evidence.line, message, evidence.quote))

    for item in draft.collects:
        if not any(covers(c.data, item.category) for c in manifest.collects):
            missing(item.evidence[0], f"the policy collects {item.category}; `collects` does not cover it")
    for recipient in draft.recipients:
        entries = [e for e in manifest.recipients if _names(e, recipient, catalog)]
        label = recipient.id if recipient.in_catalog else f"{recipient.id} (kind {recipient.kind})"
        if not entries:
            missing(recipient.evidence[0], f"the policy shares personal data with {label}; no recipient declares it")
            continue
        if recipient.data_named:
            for key in recipient.data:
                if not any(covers(d, key) for e in entries for d in e.data):
                    missing(recipient.evidence[0], f"the policy gives {key} to {label}; the manifest does not declare it")
    for ban in draft.bans:
        if not any(_covers_ban(p, ban) for p in manifest.prohibits):
            target = f"kind {ban.to_kind}" if ban.to_kind else ban.to_recipient or "anyone"
            missing(ban.evidence[0], f"the policy bans {', '.join(ban.data)}"
                                     f"{' for ' + ', '.join(ban.purposes) if ban.purposes else ''} to {target}; "
                                     "no prohibits entry says so")
    if draft.transfers is not None and draft.transfers.allowed:
        evidence = draft.transfers.evidence[0]
        policy = catalog.expand_countries(draft.transfers.allowed)
        if manifest.transfers is None:
            missing(evidence, f"the policy keeps personal data in {', '.join(draft.transfers.allowed)}; "
                              "the manifest has no `transfers`")
        else:
            extra = sorted(manifest.transfers.allowed - policy)
            if extra:
                missing(evidence, f"the manifest allows {', '.join(extra)}; the policy allows only "
                                  f"{', '.join(draft.transfers.allowed)}")
    transport = manifest.security.transport if manifest.security else None
    if draft.transport and transport != "tls":
        missing(draft.transport[0], "the policy promises encryption in transit; "
                                    "the manifest lacks `security.transport: tls`")
    logs = manifest.security.logs if manifest.security else None
    if draft.logs and logs != "no-personal-data":
        missing(draft.logs[0], "the policy keeps personal data out of logs; "
                               "the manifest lacks `security.logs: no-personal-data`")
    return found


def _names(entry: DeclaredRecipient, recipient: DraftRecipient, catalog: Catalog) -> bool:
    """Does the manifest entry declare the recipient the policy names (by id, or by kind)?"""
    if entry.id == recipient.id or entry.covers_kind == "third_party":
        return True
    kind = entry.covers_kind or entry.kind or (entry.catalog.kind if entry.catalog else None)
    if recipient.in_catalog:
        return entry.covers_kind is not None and entry.covers_kind == catalog.recipients[recipient.id].kind
    return kind == recipient.kind


def _covers_ban(prohibition, ban) -> bool:
    data = not prohibition.data or all(any(covers(p, d) for p in prohibition.data) for d in ban.data)
    purposes = not prohibition.purposes or all(any(covers(p, q) for p in prohibition.purposes) for q in ban.purposes)
    target = (prohibition.to_kind is None and prohibition.to_recipient is None) or \
             (prohibition.to_kind, prohibition.to_recipient) == (ban.to_kind, ban.to_recipient)
    return data and purposes and target


def _overlaps(first, second) -> bool:
    return any(covers(a, b) or covers(b, a) for a in first for b in second)

