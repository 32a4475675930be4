"""Every check, by code. Codes are stable: a retired code is never reused."""

from __future__ import annotations

from privacylint.checks.base import Check, CheckContext, Example
from privacylint.checks.collection import UndeclaredCollection
from privacylint.checks.hygiene import UndeclaredSdk, UnusedDeclaration, UnusedSuppression, suppression_for
from privacylint.checks.security import PersonalDataInLogs, PlaintextTransport, StoredCardSecurityCode
from privacylint.checks.sharing import (ProhibitedFlow, UndeclaredDataForRecipient, UndeclaredPurpose,
                                        UndeclaredRecipient, UnresolvedEndpoint)
from privacylint.checks.transfers import CrossBorderTransfer, UnknownRegion

CHECKS: tuple[type[Check], ...] = (
    UndeclaredCollection, UndeclaredRecipient, UndeclaredDataForRecipient, UndeclaredPurpose, ProhibitedFlow,
    UnresolvedEndpoint, CrossBorderTransfer, UnknownRegion, PlaintextTransport, PersonalDataInLogs,
    StoredCardSecurityCode, UnusedDeclaration, UndeclaredSdk, UnusedSuppression,
)

# PL901 is not a check over flows: unreadable files are reported in `errors`, with this code.
UNPARSABLE = {"code": "PL901", "name": "unparsable-file", "severity": "error",
              "summary": "Reports a file that could not be read or parsed; the rest of the project is still checked.",
              "why": "A file the linter cannot read is a file it cannot vouch for: the run must not look clean.",
              "example": "def broken(:   # a syntax error",
              "fix": "Fix the syntax (or the encoding), or exclude the file in [tool.privacylint] exclude."}

__all__ = ["CHECKS", "Check", "CheckContext", "Example", "UNPARSABLE", "by_code", "suppression_for"]


def by_code() -> dict[str, type[Check]]:
    return {check.code: check for check in CHECKS}
