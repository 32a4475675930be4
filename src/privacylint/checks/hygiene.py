"""PL501, PL502: the manifest and the code keeping track of each other."""

from __future__ import annotations

from typing import Optional

from privacylint.catalog import covers
from privacylint.checks.base import Check, Example
from privacylint.model import Location, ResolvedRecipient


class UnusedDeclaration(Check):
    code = "PL501"
    name = "unused-declaration"
    severity = "info"
    summary = "Reports a declared recipient or collected category that the code never shows."
    why = "A manifest that says more than the code does hides the next real change in noise; prune or explain it."
    example = "recipients: {braintree: {data: [user.financial]}}   # braintree is never called"
    fix = "Remove the declaration, or keep it deliberately (the finding is information and never fails a run)."
    valid = (Example({"privacy.yaml": "version: 1\ncollects: [user.contact.email]\n",
                      "app.py": 'def view(request):\n    return request.POST["email"]\n'}),)
    invalid = (Example({"privacy.yaml": "version: 1\ncollects: [user.contact.email, user.location]\n",
                        "app.py": 'def view(request):\n    return request.POST["email"]\n'},
                       (("privacy.yaml", 2),)),)

    def run(self, context):
        manifest = context.manifest
        if manifest.path is None:
            return
        seen_categories = {read.category for read in context.source_reads}
        for collection in manifest.collects:
            if not any(covers(collection.data, c) for c in seen_categories):
                yield self.finding(claim_location(collection.claim.where), f"collects {collection.data}, but the "
                                   "code never reads it", category=collection.data, claim=collection.claim)
        reached = [f.sink.recipient for f in context.flows if f.sink.recipient is not None]
        used = {use.recipient_id for use in context.sdk_uses}
        for entry in manifest.recipients:
            if entry.covers_kind is not None:
                hit = any(entry.covers_kind in (r.kind, "third_party") for r in reached) or any(
                    context.catalog.recipients[u].kind == entry.covers_kind for u in used)
            else:
                hit = any(r.id == entry.id for r in reached) or entry.id in used
            if not hit:
                yield self.finding(claim_location(entry.claim.where), f"recipient '{entry.id}' is declared, but no "
                                   "personal data reaches it in the code", claim=entry.claim)


class UndeclaredSdk(Check):
    code = "PL502"
    name = "undeclared-sdk"
    severity = "warning"
    summary = "Reports the import of a catalog SDK whose recipient the manifest does not declare (once per file)."
    why = "An SDK in the code is a recipient in waiting: many send device data by themselves once initialised."
    example = "import sentry_sdk   # no `sentry` under recipients"
    fix = "Declare the recipient, or remove the SDK."
    valid = (Example({"privacy.yaml": "version: 1\nrecipients:\n  stripe: {data: [user.financial]}\n",
                      "app.py": "import stripe\n"}),)
    invalid = (Example({"privacy.yaml": "version: 1\n", "app.py": "import json\nimport stripe\n"},
                       (("app.py", 2),)),)

    def run(self, context):
        for use in context.sdk_uses:
            recipient = context.catalog.recipients[use.recipient_id]
            if not context.manifest.entries_for_resolved(recipient):
                yield self.finding(use.location, f"imports {use.module}, the SDK of {recipient.name} "
                                   f"({recipient.id}), which the manifest does not declare",
                                   recipient=ResolvedRecipient(recipient.id, recipient.name, recipient.kind,
                                                               recipient.country))


def claim_location(where: str) -> Location:
    path, _, line = where.rpartition(":")
    return Location(path, int(line), 1)


class UnusedSuppression(Check):
    code = "PL503"
    name = "unused-suppression"
    severity = "warning"
    phase = "findings"
    summary = "Reports a `# privacylint: ignore[...]` comment that suppresses nothing (as ruff's RUF100)."
    why = "Stale suppressions pile up and will silently hide the next real finding on that line."
    example = "requests.get(url)  # privacylint: ignore[PL201]   # no PL201 here any more"
    fix = "Remove the comment, or narrow it to the codes that still fire."
    valid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\n",
                      "app.py": 'import stripe\n\ndef f(request):\n'
                                '    stripe.Customer.create(email=request.POST["email"])  # privacylint: ignore[PL201]\n'}),)
    invalid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\n",
                        "app.py": 'def f(request):\n    return len(request.POST["email"])  # privacylint: ignore[PL201]\n'},
                       (("app.py", 2),)),)

    def run(self, context):
        used: set[tuple[str, int]] = set()
        for finding in context.findings:
            hit = suppression_for(finding, context.suppressions)
            if hit is not None:
                used.add(hit)
        for path, lines in sorted(context.suppressions.items()):
            for line, codes in sorted(lines.items()):
                if (path, line) in used or not judgeable(codes, context):
                    continue
                what = ", ".join(sorted(codes)) if "" not in codes else "every code"
                yield self.finding(Location(path, line, 1, f"# privacylint: ignore[{what}]"),
                                   f"this suppression ({what}) matches no finding")


def judgeable(codes: frozenset[str], context) -> bool:
    """Only a suppression whose every code ran this time can be called unused."""
    prefixes = ("PL",) if "" in codes else tuple(codes)
    return all(code in context.selected for code in context.all_codes if code.startswith(prefixes))


def suppression_for(finding, suppressions: dict[str, dict[int, frozenset[str]]]) -> Optional[tuple[str, int]]:
    """The (path, line) of the comment that suppresses `finding`: on its line or the line above."""
    lines = suppressions.get(finding.location.path, {})
    for line in (finding.location.line, finding.location.line - 1):
        codes = lines.get(line, frozenset())
        if "" in codes or any(finding.code.startswith(c) for c in codes):
            return finding.location.path, line
    return None
