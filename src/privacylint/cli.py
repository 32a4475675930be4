"""Command line: arguments -> api call -> reporter -> exit code. Nothing else lives here."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Optional, Sequence

from privacylint import __version__

if TYPE_CHECKING:
    from privacylint.standby import StandbyParser

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
                       choices=["text", "concise", "json", "sarif", "github"])
    check.add_argument("--output", "-o", type=Path, help="write the report to FILE instead of stdout")
    check.add_argument("--manifest", type=Path, help="the manifest (default: privacy.yaml at the project root)")
    check.add_argument("--select", action="append", default=[], metavar="CODE",
                       help="only these codes or prefixes (PL2, PL301); repeat or separate with commas")
    check.add_argument("--ignore", action="append", default=[], metavar="CODE", help="skip these codes or prefixes")
    check.add_argument("--stdin-filename", type=Path, metavar="NAME",
                       help="read the source of NAME from standard input (for editors)")
    baseline = check.add_mutually_exclusive_group()
    baseline.add_argument("--baseline", type=Path, metavar="FILE",
                          help="do not report the findings recorded in FILE (only new findings fail)")
    baseline.add_argument("--write-baseline", type=Path, metavar="FILE",
                          help="record the current findings in FILE, report nothing, and exit 0")
    check.add_argument("--no-cache", action="store_true", help="do not read or write .privacylint_cache/")
    check.add_argument("--jobs", "-j", type=int, help="parallel processes for parsing (default: all cores)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    check.add_argument("--show-trace", action="store_true", help="show every step from source to sink")

    explain = commands.add_parser("explain", help="what a check does, why it matters, and how to fix it")
    explain.add_argument("code", metavar="CODE")

    rules = commands.add_parser("rules", help="list the checks and the recipients the catalog knows")
    rules.add_argument("--kind", metavar="KIND", help="only recipients of this kind (payment_processor, ai, ...)")
    rules.add_argument("--country", metavar="CC", help="only recipients that can hold data in this country or "
                       "group (by default, by region or by host)")
    rules.add_argument("--format", default="text", choices=["text", "json"])

    data_map = commands.add_parser("map", help="draw the data map: every flow found, beside what the manifest "
                                   "declares")
    data_map.add_argument("path", nargs="?", type=Path, metavar="PATH",
                          help="the project (default: the current folder); a file or folder inside it maps only "
                               "the flows through it")
    data_map.add_argument("--format", default="markdown",
                          choices=["markdown", "mermaid", "dot", "html", "json", "fides"],
                          help="fides: a Fides system manifest (needs privacylint[fides])")
    data_map.add_argument("--output", "-o", type=Path, metavar="FILE",
                          help="write the map to FILE instead of stdout")
    data_map.add_argument("--manifest", type=Path, metavar="FILE",
                          help="the manifest (default: privacy.yaml at the project root)")
    data_map.add_argument("--link-base", metavar="URL", help="prefix of code links in HTML, e.g. "
                          "https://github.com/ORG/REPO/blob/main/ (default: paths relative to the output file)")
    data_map.add_argument("--no-cache", action="store_true", help="do not read or write .privacylint_cache/")
    data_map.add_argument("--jobs", "-j", type=int, help="parallel processes for parsing (default: all cores)")

    init = commands.add_parser("init", help="write a starting privacy.yaml from what the code does")
    init.add_argument("path", nargs="?", type=Path, metavar="PATH", help="the project (default: the current folder)")
    start_from = init.add_mutually_exclusive_group()
    start_from.add_argument("--policy", action="append", default=[], type=Path, metavar="POLICY.txt",
                            help="merge with the manifest `privacylint policy draft` makes of this policy text "
                                 "(repeat for several files, say the English and Chinese versions)")
    start_from.add_argument("--fides", type=Path, metavar="FILE",
                            help="merge with a Fides system manifest (needs privacylint[fides])")
    init.add_argument("--fides-system", metavar="KEY", help="the application's system in the Fides manifest "
                      "(default: the only system, or the only one that sends data to others)")
    init.add_argument("--lang", default="auto", choices=["en", "zh", "auto"],
                      help="the policy's language (default: detected per file)")
    init.add_argument("--output", "-o", metavar="FILE", help="where to write it (default: where `check` looks); "
                      "- for standard output")
    init.add_argument("--force", action="store_true", help="replace an existing manifest")
    init.add_argument("--no-cache", action="store_true", help="do not read or write .privacylint_cache/")
    init.add_argument("--jobs", "-j", type=int, help="parallel processes for parsing (default: all cores)")

    policy = commands.add_parser("policy", help="draft privacy.yaml from privacy-policy text, or compare the two")
    policy.set_defaults(print_policy_help=policy.print_help)
    policy_commands = policy.add_subparsers(dest="policy_command", metavar="COMMAND")
    draft = policy_commands.add_parser("draft", help="draft privacy.yaml from policy text (English, Chinese): every "
                                       "claim with its quote and line, for review")
    draft.add_argument("policies", nargs="+", type=Path, metavar="POLICY",
                       help="policy text files; several (say the English and Chinese versions) merge into one draft")
    draft.add_argument("--lang", default="auto", choices=["en", "zh", "auto"], help="the policy's language "
                       "(default: detected per file)")
    draft.add_argument("--output", "-o", type=Path, help="write the draft to FILE instead of stdout")
    draft.add_argument("--force", action="store_true", help="replace FILE if it exists")
    policy_check = policy_commands.add_parser("check", help="compare a manifest with its policy: claims no sentence "
                                              "supports, and claims the manifest leaves out")
    policy_check.add_argument("policies", nargs="*", type=Path, metavar="POLICY",
                              help="policy text files (default: the manifest's `policy:`)")
    policy_check.add_argument("--manifest", type=Path, help="the manifest (default: privacy.yaml at the project root)")
    policy_check.add_argument("--lang", default="auto", choices=["en", "zh", "auto"],
                              help="the policy's language (default: detected per file)")

    lsp = commands.add_parser("lsp", help="run the language server for editors (needs privacylint[lsp])")
    lsp.add_argument("--stdio", action="store_true",
                     help="talk over standard input and output: the only transport, accepted because some "
                          "editors pass it")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_FAILURE
    if args.command == "policy" and args.policy_command is None:
        args.print_policy_help(sys.stderr)
        return EXIT_FAILURE
    from privacylint.errors import PrivacylintError

    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "explain":
            return run_explain(args.code)
        if args.command == "lsp":
            return run_lsp()
        if args.command == "map":
            return run_map(args)
        if args.command == "init":
            return run_init(args)
        if args.command == "policy":
            return run_policy_draft(args) if args.policy_command == "draft" else run_policy_check(args)
        return run_rules(args.kind, args.country, args.format)
    except PrivacylintError as error:
        print(f"privacylint: error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except BrokenPipeError:  # `privacylint rules | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS
    except Exception:  # noqa: BLE001 - a bug of ours must not pass for findings (exit 1) in CI
        import traceback

        traceback.print_exc()
        print("privacylint: internal error: this is a bug in privacylint; please report it with the trace above",
              file=sys.stderr)
        return EXIT_FAILURE


def run() -> NoReturn:
    """The `privacylint` command: `main`, then, once the output is flushed, an exit that skips the
    interpreter's teardown of every loaded module (0.05 s, a tenth of an editor check; mypy does the
    same). Every file a run writes is closed by then, and its worker processes are gone."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None and not stream.closed:   # the language server closes its output
                stream.flush()
        except BrokenPipeError:   # `privacylint rules | head`: as in main
            code = code or EXIT_FINDINGS
        except OSError:   # the output is lost (a full disk, say): not a clean run
            code = EXIT_FAILURE
    os._exit(code)


def split_codes(values: list[str]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


def run_check(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        print("privacylint: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_FAILURE
    from privacylint.standby import standby_mode, standby_parser

    try:
        mode = standby_mode(args.jobs, os.environ.get("PRIVACYLINT_STANDBY") or None)
    except ValueError as error:
        print(f"privacylint: error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    with standby_parser(mode) as standby:   # started first, to load LibCST while this process loads the rest
        return checked(args, standby)


def checked(args: argparse.Namespace, standby: Optional[StandbyParser]) -> int:
    from privacylint.api import Options, check
    from privacylint.baseline import load_baseline, without_baselined, write_baseline
    from privacylint.errors import PrivacylintError
    from privacylint.progress import ProgressBar
    from privacylint.report import render

    known = load_baseline(args.baseline) if args.baseline is not None else frozenset()
    stdin_text = sys.stdin.read() if args.stdin_filename is not None else None
    options = Options(paths=tuple(args.paths), manifest=args.manifest, select=split_codes(args.select),
                      ignore=split_codes(args.ignore), use_cache=not args.no_cache, jobs=args.jobs,
                      stdin_filename=args.stdin_filename, stdin_text=stdin_text)
    progress = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        report, project = check(options, progress=progress, standby=standby)
    finally:
        if progress is not None:
            progress.close()
    for note in project.notes:
        print(note, file=sys.stderr)
    if report.stats.files == 0:   # an empty report must not pass for a clean project
        print(f"privacylint: warning: no Python files to check under {project.root} (skipped: build/, dist/, "
              "site-packages/, virtualenvs and the like, what .gitignore ignores and the `exclude` setting)",
              file=sys.stderr)
    if args.write_baseline is not None:
        write_baseline(report, args.write_baseline)
        print(f"privacylint: recorded {len(report.findings)} findings in {args.write_baseline}", file=sys.stderr)
        return EXIT_CLEAN
    report = without_baselined(report, known)
    output = render(report, args.format, show_trace=args.show_trace, project_dir=from_working_dir(project.root))
    if args.output is not None:
        try:
            args.output.write_text(output, encoding="utf-8")
        except OSError as exc:
            raise PrivacylintError(f"{args.output}: cannot write the report: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(output)
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if report.failing or report.errors else EXIT_CLEAN


def from_working_dir(root: Path) -> str:
    """The project root as CI formats name it: from the working directory, which is the repository in CI."""
    try:
        relative = root.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return root.resolve().as_posix() + "/"
    return "" if relative == Path() else relative.as_posix() + "/"


def run_map(args: argparse.Namespace) -> int:
    import os

    from privacylint.api import Options, check
    from privacylint.datamap import build_map
    from privacylint.report.map_formats import render_map

    if args.jobs is not None and args.jobs < 1:
        print("privacylint: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_FAILURE
    path = args.path or Path.cwd()
    report, project = check(Options(paths=(path,), manifest=args.manifest, use_cache=not args.no_cache,
                                    jobs=args.jobs))
    for note in project.notes:
        print(note, file=sys.stderr)
    whole_project = path.resolve() == project.root.resolve()
    data_map = build_map(report, project.manifest, project.catalog, show_unseen=whole_project)
    if args.link_base is not None:
        link_base = args.link_base
    elif args.output is not None:
        relative = Path(os.path.relpath(project.root.resolve(), args.output.resolve().parent)).as_posix()
        link_base = "" if relative == "." else relative + "/"
    else:
        link_base = from_working_dir(project.root)
    output = render_map(data_map, args.format, title=project.root.resolve().name, link_base=link_base)
    if args.output is not None:
        write_file(args.output, output, "the map")
    else:
        sys.stdout.write(output)
    return EXIT_CLEAN


def write_file(path: Path, text: str, what: str) -> None:
    from privacylint.errors import PrivacylintError

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PrivacylintError(f"{path}: cannot write {what}: {exc.strerror or exc}") from None


def run_init(args: argparse.Namespace) -> int:
    from privacylint.starting_manifest import (init_project, manifest_target, merged_with_draft, observe_project,
                                               policy_draft, starting_manifest, validated)

    if args.jobs is not None and args.jobs < 1:
        print("privacylint: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_FAILURE
    project = init_project(args.path or Path.cwd())
    to_stdout = args.output == "-"
    target = Path(args.output) if args.output and not to_stdout else manifest_target(project)
    if not to_stdout and target.exists() and not args.force:
        print(f"privacylint: error: {target} already exists; `--force` replaces it, `-o -` prints the new one",
              file=sys.stderr)
        return EXIT_FAILURE
    for policy in args.policy:
        if not policy.is_file():
            print(f"privacylint: error: {policy}: no such file", file=sys.stderr)
            return EXIT_FAILURE
    if args.fides is not None:
        from privacylint.fides import import_manifest

        if not args.fides.is_file():
            print(f"privacylint: error: {args.fides}: no such file", file=sys.stderr)
            return EXIT_FAILURE
        draft = import_manifest(args.fides.read_text(encoding="utf-8"), str(args.fides), project.catalog,
                                args.fides_system)
    else:
        draft = policy_draft(args.policy, args.lang, target, project) if args.policy else None
    observed = observe_project(project, use_cache=not args.no_cache, jobs=args.jobs)
    source = "the Fides manifest" if args.fides is not None else "the policy"
    text = merged_with_draft(draft, observed, project.catalog, source) if draft is not None else \
        starting_manifest(observed)
    validated(text, target, project)
    if to_stdout:
        sys.stdout.write(text)
        return EXIT_CLEAN
    write_file(target, text, "the manifest")
    print(f"privacylint: wrote {target}: {len(observed.collects)} categories read and {len(observed.recipients)} "
          "recipients reached in the code; review it against your privacy policy, then run `privacylint check`",
          file=sys.stderr)
    return EXIT_CLEAN


def run_policy_draft(args: argparse.Namespace) -> int:
    from privacylint.policy.draft import draft_text

    if args.output is not None and args.output.exists() and not args.force:
        print(f"privacylint: error: {args.output} already exists; `--force` replaces it", file=sys.stderr)
        return EXIT_FAILURE
    text = draft_text(args.policies, args.lang, args.output.resolve().parent if args.output else Path.cwd())
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        print(f"privacylint: wrote the draft {args.output}; review every claim against its quote", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_CLEAN


def run_policy_check(args: argparse.Namespace) -> int:
    from privacylint.config import load_config
    from privacylint.discovery import find_root
    from privacylint.policy.check import check_manifest, shown_path

    manifest = args.manifest
    if manifest is None:
        root = find_root(Path.cwd())
        configured = load_config(root).manifest
        manifest = root / configured if configured else root / "privacy.yaml"
    shown = shown_path(manifest)
    mismatches = check_manifest(manifest, args.policies, args.lang, display_path=shown)
    for mismatch in mismatches:
        print(f"{mismatch.path}:{mismatch.line}: {mismatch.message}")
        if mismatch.quote:
            print(f'    "{mismatch.quote}"')
    if mismatches:
        print(f"{len(mismatches)} mismatch{'es' if len(mismatches) > 1 else ''} between {shown} and the policy")
        return EXIT_FINDINGS
    print(f"{shown} and the policy agree")
    return EXIT_CLEAN


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


def run_lsp() -> int:
    try:
        from privacylint.lsp import serve
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        print("privacylint: error: the language server needs pygls and lsprotocol: "
              "pip install 'privacylint[lsp]'", file=sys.stderr)
        return EXIT_FAILURE
    serve()
    return EXIT_CLEAN


def run_rules(kind: Optional[str], country: Optional[str], output_format: str) -> int:
    import json

    from privacylint.catalog import load_catalog
    from privacylint.checks import CHECKS, UNPARSABLE
    from privacylint.config import load_config
    from privacylint.discovery import find_root

    catalog = load_catalog(extend=load_config(find_root(Path.cwd())).extend_rules)
    recipients = catalog.select_recipients(kind, country)
    checks = [{"code": c.code, "name": c.name, "severity": c.severity, "summary": c.summary} for c in CHECKS]
    checks.append({key: UNPARSABLE[key] for key in ("code", "name", "severity", "summary")})
    if output_format == "json":
        records = [{"id": r.id, "name": r.name, "kind": r.kind, "country": r.country,
                    "countries": list(catalog.countries_of(r)), "purposes": list(r.purposes),
                    "modules": list(r.modules), "hosts": list(r.hosts), "region_provider": r.region_provider,
                    "calls": [c.pattern for c in r.calls]} for r in recipients]
        print(json.dumps({"checks": checks, "recipients": records}, indent=2, ensure_ascii=False))
        return EXIT_CLEAN
    filtered = kind is not None or country is not None
    if not filtered:
        print("Checks:")
        for check in checks:
            print(f"  {check['code']}  {check['name']:<32} {check['severity']:<8} {check['summary']}")
        print()
    print(f"Recipients ({len(recipients)}):")
    for recipient in recipients:
        home = recipient.country or "by region"
        others = [c for c in catalog.countries_of(recipient) if c != recipient.country]
        where = home + (f" (+{len(others)})" if others else "")
        print(f"  {recipient.id:<20} {recipient.kind:<18} {where:<16} {', '.join(recipient.modules)}")
    if not filtered:
        print(f"\nData categories: {len(catalog.categories)}; purposes: {len(catalog.purposes)}; "
              f"countries: {len(catalog.countries)}")
    return EXIT_CLEAN
