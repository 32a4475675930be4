"""The plain data that phases hand each other: locations, flows, findings, errors, the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Location:
    """A place in the project: path relative to the root with /, 1-based line and column."""

    path: str
    line: int
    column: int
    label: str = ""
    end_line: int = 0
    end_column: int = 0


@dataclass(frozen=True)
class ResolvedRecipient:
    id: str
    name: str
    kind: str
    country: Optional[str]          # None: cannot be determined statically
    country_note: str = ""           # how the country was found, or why it is unknown


@dataclass(frozen=True)
class Sink:
    location: Location
    kind: str                        # "third_party", "endpoint", "log", "storage"; in the graph also
                                     # "unresolved": a call picked at run time, never a flow of the Report
    recipient: Optional[ResolvedRecipient]
    purpose: Optional[str]
    plaintext: bool = False          # data travels over plain http://
    unresolved: str = ""             # for "endpoint": why the host is unknown; for "unresolved": why


@dataclass(frozen=True)
class Flow:
    category: str
    source: Location
    sink: Sink
    trace: tuple[Location, ...]     # steps between source and sink, in order


@dataclass(frozen=True)
class SourceRead:
    """A place where the code reads personal data (PL101 is about these)."""

    location: Location
    category: str


@dataclass(frozen=True)
class SdkUse:
    """The first import or construction of a catalog SDK in a file (PL502)."""

    location: Location
    recipient_id: str
    module: str


@dataclass(frozen=True)
class FileError:
    code: str                        # "PL901"
    path: str
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: str                    # "error", "warning", "info"
    message: str
    location: Location
    category: Optional[str] = None
    recipient: Optional[ResolvedRecipient] = None
    purpose: Optional[str] = None
    flow: Optional[Flow] = None
    claim_quote: Optional[str] = None
    claim_where: Optional[str] = None
    fingerprint: str = ""


@dataclass(frozen=True)
class UnresolvedCall:
    """A call whose target is picked at run time (`getattr(obj, name)(...)`, `HANDLERS[kind](...)`)
    and whose arguments carry personal data: where that data goes next is not known."""

    path: str
    line: int
    reason: str


@dataclass
class Stats:
    files: int = 0
    lines: int = 0
    seconds: float = 0.0
    cached_files: int = 0
    unresolved_call_sites: list[UnresolvedCall] = field(default_factory=list)  # sorted, one per (path, line, reason)


@dataclass
class Report:
    version: str
    manifest: Optional[str]
    findings: list[Finding] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    flow_codes: dict[int, list[str]] = field(default_factory=dict)  # index in flows -> codes found on it
    errors: list[FileError] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)

    @property
    def failing(self) -> bool:
        return any(f.severity in ("error", "warning") for f in self.findings)
