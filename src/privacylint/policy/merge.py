"""Claims of one or more policy files -> one Draft: each claim once, with every sentence that makes it,
the files that make it, and where the claims contradict each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from privacylint.catalog import covers
from privacylint.policy.extract import ALL_DATA, Banned, Claim, Collected, Evidence, Kept, Secured, Shared, Unnamed
from privacylint.policy.lexicon import Lexicon


@dataclass
class DraftCollection:
    category: str
    evidence: list[Evidence]


@dataclass
class DraftRecipient:
    id: str
    kind: str
    in_catalog: bool
    data: list[str]                        # [user] when no sentence names the data
    data_named: bool
    purposes: list[str]
    evidence: list[Evidence]
    by_file: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]   # path -> (data, purposes) it says


@dataclass
class DraftBan:
    data: tuple[str, ...]
    purposes: tuple[str, ...]
    to_kind: Optional[str]
    to_recipient: Optional[str]
    only_for: tuple[str, ...]
    evidence: list[Evidence]


@dataclass
class DraftTransfers:
    allowed: list[str]                     # empty: the policy keeps data at home without naming it
    evidence: list[Evidence]               # "not across borders" first, then "stored in", then destinations


@dataclass
class Draft:
    files: list[tuple[str, str]]           # (path, language)
    collects: list[DraftCollection] = field(default_factory=list)
    recipients: list[DraftRecipient] = field(default_factory=list)
    bans: list[DraftBan] = field(default_factory=list)
    blanket_bans: list[Evidence] = field(default_factory=list)
    unnamed: list[tuple[tuple[str, ...], Evidence]] = field(default_factory=list)
    transfers: Optional[DraftTransfers] = None
    destinations: list[tuple[tuple[str, ...], Evidence]] = field(default_factory=list)  # abroad, without a rule
    transport: list[Evidence] = field(default_factory=list)
    logs: list[Evidence] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.files]

    def files_of(self, evidence: list[Evidence]) -> list[str]:
        return [p for p in self.paths if any(e.path == p for e in evidence)]

    def conflicts(self, ban: DraftBan) -> list[DraftRecipient]:
        """Recipients this draft declares that the ban would forbid: the policy contradicts itself, or
        the ban's exception is what allows them."""
        return [r for r in self.recipients
                if (ban.to_recipient in (None, r.id)) and (ban.to_kind in (None, r.kind, "third_party"))
                and _overlap(ban.data, r.data) and (not ban.purposes or _overlap(ban.purposes, r.purposes))]


def merge_claims(files: list[tuple[str, str, list[Claim]]], lexicon: Lexicon) -> Draft:
    """files: (path, language, claims) in the order given."""
    draft = Draft(files=[(path, language) for path, language, _ in files])
    collects: dict[str, DraftCollection] = {}
    shares: dict[str, list[Shared]] = {}
    bans: dict[tuple, DraftBan] = {}
    kept: list[Kept] = []
    for _, _, claims in files:
        for claim in claims:
            if isinstance(claim, Collected):
                collects.setdefault(claim.category, DraftCollection(claim.category, [])).evidence.append(claim.evidence)
            elif isinstance(claim, Shared):
                shares.setdefault(claim.recipient, []).append(claim)
            elif isinstance(claim, Banned) and claim.blanket:
                draft.blanket_bans.append(claim.evidence)
            elif isinstance(claim, Banned):
                key = (claim.data, claim.purposes, claim.to_kind, claim.to_recipient, claim.only_for)
                bans.setdefault(key, DraftBan(*key, evidence=[])).evidence.append(claim.evidence)
            elif isinstance(claim, Kept):
                kept.append(claim)
            elif isinstance(claim, Secured):
                (draft.transport if claim.rule == "transport" else draft.logs).append(claim.evidence)
            elif isinstance(claim, Unnamed):
                draft.unnamed.append((claim.data, claim.evidence))
    draft.collects = list(collects.values())
    draft.recipients = [_recipient(rid, claims, lexicon) for rid, claims in shares.items()]
    draft.bans = list(bans.values())
    draft.transfers, draft.destinations = _transfers(kept)
    return draft


def _recipient(rid: str, claims: list[Shared], lexicon: Lexicon) -> DraftRecipient:
    entry = lexicon.recipients[rid]
    named = [c for c in claims if c.data]
    by_file: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for claim in claims:
        data, purposes = by_file.get(claim.evidence.path, ((), ()))
        by_file[claim.evidence.path] = (data + claim.data, purposes + claim.purposes)
    by_file = {path: (tuple(reduce_keys(d or (ALL_DATA,))), tuple(reduce_keys(p))) for path, (d, p) in by_file.items()}
    return DraftRecipient(
        id=rid, kind=entry.kind, in_catalog=entry.in_catalog,
        data=reduce_keys([k for c in named for k in c.data] or [ALL_DATA]), data_named=bool(named),
        purposes=reduce_keys([p for c in claims for p in c.purposes]),
        evidence=[c.evidence for c in claims], by_file=by_file)


def _transfers(kept: list[Kept]) -> tuple[Optional[DraftTransfers], list[tuple[tuple[str, ...], Evidence]]]:
    """Data kept at home ("not across borders", "stored in China") is a residency rule; named
    destinations abroad are added to it. Destinations alone impose nothing."""
    rules = [k for k in kept if k.how in ("domestic", "stored")]
    abroad = [k for k in kept if k.how == "abroad"]
    if not rules:
        return None, [(k.countries, k.evidence) for k in abroad]
    rules.sort(key=lambda k: k.how != "domestic")
    allowed = list(dict.fromkeys(c for k in rules + abroad for c in k.countries))
    return DraftTransfers(allowed, [k.evidence for k in rules + abroad if k.countries or k.how == "domestic"]), []


def reduce_keys(keys) -> list[str]:
    """Each key once, without those a broader key in the list covers."""
    unique = list(dict.fromkeys(keys))
    return [k for k in unique if not any(other != k and covers(other, k) for other in unique)]


def _overlap(first, second) -> bool:
    return any(covers(a, b) or covers(b, a) for a in first for b in second)
