"""What every check is: a code, a name, docs in three parts, and examples that become tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Iterable, Optional

from privacylint.catalog import Catalog, covers
from privacylint.manifest import Claim, Manifest
from privacylint.model import Finding, Flow, Location, ResolvedRecipient, SdkUse, SourceRead


@dataclass(frozen=True)
class Example:
    """A tiny project: files by name (a privacy.yaml among them), and where the check must fire."""

    files: dict
    expect: tuple = ()               # ((path, line), ...) where this check fires; empty for VALID


@dataclass
class CheckContext:
    """Everything checks judge; they read nothing else and print nothing."""

    manifest: Manifest
    catalog: Catalog
    flows: list[Flow]
    source_reads: list[SourceRead]
    sdk_uses: list[SdkUse]
    allowed: Optional[frozenset] = field(default=None)
    # for checks that judge the other checks' results (phase "findings"):
    findings: list[Finding] = field(default_factory=list)
    suppressions: dict[str, dict[int, frozenset[str]]] = field(default_factory=dict)
    selected: frozenset[str] = frozenset()
    all_codes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.manifest.transfers is not None:
            self.allowed = self.manifest.transfers.allowed


class Check:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    summary: ClassVar[str]           # what it does
    why: ClassVar[str]               # why it matters
    example: ClassVar[str]           # an example that fires
    fix: ClassVar[str]               # and how to fix it
    valid: ClassVar[tuple[Example, ...]] = ()
    invalid: ClassVar[tuple[Example, ...]] = ()
    phase: ClassVar[str] = "flows"   # "findings": runs after the others, on their findings

    def run(self, context: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, location: Location, message: str, *, flow: Optional[Flow] = None,
                category: Optional[str] = None, claim: Optional[Claim] = None,
                recipient: Optional[ResolvedRecipient] = None) -> Finding:
        recipient = flow.sink.recipient if flow is not None else recipient
        return Finding(
            code=self.code, name=self.name, severity=self.severity, message=message, location=location,
            category=category or (flow.category if flow else None), recipient=recipient,
            purpose=flow.sink.purpose if flow else None, flow=flow,
            claim_quote=claim.quote if claim else None, claim_where=claim.where if claim else None)


def any_covers(declared: Iterable[str], key: str) -> bool:
    return any(covers(d, key) for d in declared)


def describe(flow: Flow) -> str:
    """`segment (US)`, `api.example.com (country unknown)`."""
    recipient = flow.sink.recipient
    if recipient is None:
        return flow.sink.location.label
    country = recipient.country or "country unknown"
    return f"{recipient.id} ({country})"
