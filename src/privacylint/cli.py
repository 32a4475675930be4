"""Command line: arguments -> api call -> reporter -> exit code. Nothing else lives here."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from privacylint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_FAILURE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="privacylint", description="Check a Python project's personal-data "
                                     "flows against the claims of its privacy policy (privacy.yaml).")
    parser.add_argument("--version", action="version", version=f"privacylint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="find personal-data flows the manifest does not cover")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="report on these files or folders (the whole project is still analysed)")
    check.add_argument("--format", "--output-format", dest="format", default="text",
                       choices=["text", "concise", "json"])
    check.add_argument("--output", "-o", type=Path, help="write the report to FILE instead of stdout")
    check.add_argument("--manifest", type=Path, help="the manifest (default: privacy.yaml at the project root)")
    check.add_argument("--select", action="append", default=[], metavar="CODE",
                       help="only these codes or prefixes (PL2, PL301); repeat or separate with commas")
    check.add_argument("--ignore", action="append", default=[], metavar="CODE", help="skip these codes or prefixes")
    check.add_argument("--stdin-filename", type=Path, metavar="NAME",
                       help="read the source of NAME from standard input (for editors)")
    check.add_argument("--no-cache", action="store_true", help="do not read or write .privacylint_cache/")
    check.add_argument("--jobs", "-j", type=int, help="parallel processes for parsing (default: all cores)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    check.add_argument("--show-trace", action="store_true", help="show every step from source to sink")

    explain = commands.add_parser("explain", help="what a check does, why it matters, and how to fix it")
    explain.add_argument("code", metavar="CODE")

    commands.add_parser("rules", help="list the checks and what the catalog knows")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_FAILURE
    from privacylint.errors import PrivacylintError

    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "explain":
            return run_explain(args.code)
        return run_rules()
    except PrivacylintError as error:
        print(f"privacylint: error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE


def split_codes(values: list[str]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


def run_check(args: argparse.Namespace) -> int:
    from privacylint.api import Options, check
    from privacylint.report import render

    if args.jobs is not None and args.jobs < 1:
        print("privacylint: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_FAILURE
    stdin_text = sys.stdin.read() if args.stdin_filename is not None else None
    options = Options(paths=tuple(args.paths), manifest=args.manifest, select=split_codes(args.select),
                      ignore=split_codes(args.ignore), use_cache=not args.no_cache, jobs=args.jobs,
                      stdin_filename=args.stdin_filename, stdin_text=stdin_text)
    report, project = check(options)
    for note in project.notes:
        print(note, file=sys.stderr)
    output = render(report, args.format, show_trace=args.show_trace)
    if args.output is not None:
        args.output.write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if report.failing or report.errors else EXIT_CLEAN


def run_explain(code: str) -> int:
    from privacylint.checks import UNPARSABLE, by_code

    code = code.upper()
    checks = by_code()
    if code == UNPARSABLE["code"]:
        doc = UNPARSABLE
    elif code in checks:
        check = checks[code]
        doc = {"code": check.code, "name": check.name, "severity": check.severity, "summary": check.summary,
               "why": check.why, "example": check.example, "fix": check.fix}
    else:
        print(f"privacylint: error: unknown code '{code}'; `privacylint rules` lists them", file=sys.stderr)
        return EXIT_FAILURE
    print(f"{doc['code']} {doc['name']} ({doc['severity']})\n\n## What it does\n{doc['summary']}\n\n"
          f"## Why it matters\n{doc['why']}\n\n## Example\n    {doc['example']}\n\n## Fix\n{doc['fix']}")
    return EXIT_CLEAN


def run_rules() -> int:
    from privacylint.catalog import load_catalog
    from privacylint.checks import CHECKS, UNPARSABLE

    catalog = load_catalog()
    print("Checks:")
    for check in CHECKS:
        print(f"  {check.code}  {check.name:<32} {check.severity:<8} {check.summary}")
    print(f"  {UNPARSABLE['code']}  {UNPARSABLE['name']:<32} {UNPARSABLE['severity']:<8} {UNPARSABLE['summary']}")
    print(f"\nRecipients ({len(catalog.recipients)}):")
    for recipient in sorted(catalog.recipients.values(), key=lambda r: r.id):
        country = recipient.country or "by region"
        print(f"  {recipient.id:<20} {recipient.kind:<18} {country:<9} {', '.join(recipient.modules)}")
    print(f"\nData categories: {len(catalog.categories)}; purposes: {len(catalog.purposes)}; "
          f"countries: {len(catalog.countries)}")
    return EXIT_CLEAN
