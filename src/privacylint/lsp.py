"""`privacylint lsp`: the language server. The pipeline's findings become LSP diagnostics.

An open file is analysed with its editor buffer standing in for the file on disk (the rest of the
project comes from the facts cache), on a worker thread, after a pause in typing. Positions are
1-based code points inside privacylint; they are converted here, and only here, to LSP's 0-based
positions in the client's units (UTF-16 unless it asks for another).
"""

from __future__ import annotations

import asyncio
import io
import tokenize
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence, Union
from urllib.parse import unquote

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace.position_codec import PositionCodec

from privacylint import __version__
from privacylint.api import Options, Project, check, open_project
from privacylint.discovery import find_root
from privacylint.errors import LocatedError, PrivacylintError
from privacylint.model import FileError, Finding, Location
from privacylint.positions import SUPPRESSION
from privacylint.report.text import where

SOURCE = "privacylint"
TYPING_PAUSE = 0.3                   # seconds without edits before a changed buffer is analysed
SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}
UNSUPPRESSIBLE = {"PL901"}           # an unparsable file is an error, not a finding: no comment hides it


# ----- analysis (on the worker thread) -----------------------------------------------------------

@dataclass
class DocumentReport:
    """What one run says about one document: plain data handed from the worker to the event loop."""

    root: Path
    relative: str                    # the document's path from the root, with /
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    failure: Optional[PrivacylintError] = None   # the run stopped: manifest, config or rules error
    notes: list[str] = field(default_factory=list)


class Projects:
    """Projects by root (config, rules catalog, manifest), kept between runs so that an edit costs
    the pipeline alone, and reopened when pyproject.toml or the manifest changes on disk. A failure
    to open is kept too, so a broken manifest is not re-read on every keystroke."""

    def __init__(self) -> None:
        self.opened: dict[Path, tuple[tuple, Union[Project, PrivacylintError]]] = {}

    def get(self, root: Path) -> Project:
        known = self.opened.get(root)
        if known is None or known[0] != watched_state(root, known[1]):
            try:
                outcome: Union[Project, PrivacylintError] = open_project(Options(paths=(root,)))
            except PrivacylintError as error:
                outcome = error
            known = (watched_state(root, outcome), outcome)
            self.opened[root] = known
        if isinstance(known[1], PrivacylintError):
            raise known[1]
        return known[1]


def watched_state(root: Path, outcome: Union[Project, PrivacylintError]) -> tuple:
    """Size and mtime of the files a project is opened from (and of the file that failed to load)."""
    files = [root / "pyproject.toml", root / "privacy.yaml"]
    if isinstance(outcome, Project) and outcome.manifest.path is not None:
        files.append(root / outcome.manifest.path)
    if isinstance(outcome, LocatedError):
        files.append(root / outcome.path)
    state = []
    for path in files:
        try:
            stat = path.stat()
            state.append((stat.st_mtime_ns, stat.st_size))
        except OSError:
            state.append(None)
    return tuple(state)


def analyse(projects: Projects, path: Path, text: str) -> DocumentReport:
    """Findings and errors located in `path`, from a whole-project run with `text` as its content.

    A Python file is checked from its buffer; the manifest, from disk (the pipeline reads it there),
    with every finding reported, so PL501 shows on it. Other files get nothing.
    """
    root = find_root(path)
    relative = path.relative_to(root).as_posix()
    try:
        project = projects.get(root)
        if path.suffix == ".py":
            options = Options(stdin_filename=path, stdin_text=text)
        elif project.manifest.path is not None and path == (root / project.manifest.path).resolve():
            options = Options(paths=(path,))
        else:
            return DocumentReport(root, relative)
        report, _ = check(options, project)
    except PrivacylintError as error:
        return DocumentReport(root, relative, failure=error)
    return DocumentReport(root, relative, findings=[f for f in report.findings if f.location.path == relative],
                    errors=[e for e in report.errors if e.path == relative], notes=list(project.notes))


# ----- findings -> diagnostics -------------------------------------------------------------------

def client_range(location: Location, lines: Optional[Sequence[str]], codec: PositionCodec) -> types.Range:
    """1-based line and column (end column exclusive) -> LSP's 0-based range in the client's units.

    A place without an end runs to the end of its line. Without the file's lines (another file than
    the one analysed) code points are sent as they are.
    """
    start = types.Position(line=max(location.line - 1, 0), character=max(location.column - 1, 0))
    if location.end_line:
        end = types.Position(line=location.end_line - 1, character=max(location.end_column - 1, 0))
    elif lines is not None and start.line < len(lines):
        end = types.Position(line=start.line, character=max(len(lines[start.line].rstrip()), start.character))
    else:
        end = start
    code_points = types.Range(start=start, end=end)
    return codec.range_to_client_units(lines, code_points) if lines is not None else code_points


def finding_diagnostic(finding: Finding, result: DocumentReport, lines: Sequence[str], codec: PositionCodec,
                       with_related: bool) -> types.Diagnostic:
    """The finding at its place; the trace and the claim as related information (or, for clients
    that cannot show related information, the source in the message)."""
    message = finding.message
    if finding.claim_quote:
        message += f'\nclaim: "{finding.claim_quote}" ({finding.claim_where})'
    flow = finding.flow
    if flow is not None and not with_related:
        message += f"\nsource: {where(flow.source)} {flow.source.label}"
    return types.Diagnostic(
        range=client_range(finding.location, lines, codec), message=message,
        severity=SEVERITY[finding.severity], code=finding.code, source=SOURCE,
        related_information=(related_information(finding, result, lines, codec) or None) if with_related else None)


def related_information(finding: Finding, result: DocumentReport, lines: Sequence[str],
                        codec: PositionCodec) -> list[types.DiagnosticRelatedInformation]:
    """The flow's source and steps, in order, then the manifest claim the finding cites."""
    def place(location: Location, message: str) -> types.DiagnosticRelatedInformation:
        own_lines = lines if location.path == result.relative else None
        return types.DiagnosticRelatedInformation(
            location=types.Location(uri=file_uri(result.root / location.path),
                                    range=client_range(location, own_lines, codec)),
            message=message)

    related = []
    if finding.flow is not None:
        related.append(place(finding.flow.source, f"source: {finding.flow.source.label}"))
        related += [place(step, f"step: {step.label}") for step in finding.flow.trace]
    manifest, _, line = (finding.claim_where or "").rpartition(":")
    if manifest and (manifest, int(line)) != (finding.location.path, finding.location.line):
        claim = f'claim: "{finding.claim_quote}"' if finding.claim_quote else f"claim in {manifest}"
        related.append(place(Location(manifest, int(line), 1, end_line=int(line) + 1, end_column=1), claim))
    return related


def error_diagnostic(error: FileError, lines: Sequence[str], codec: PositionCodec) -> types.Diagnostic:
    return types.Diagnostic(range=client_range(Location(error.path, error.line, error.column), lines, codec),
                            message=error.message, severity=types.DiagnosticSeverity.Error, code=error.code,
                            source=SOURCE)


def failure_diagnostic(error: LocatedError, lines: Optional[Sequence[str]], codec: PositionCodec) -> types.Diagnostic:
    hint = f"; {error.hint}" if error.hint else ""
    return types.Diagnostic(range=client_range(Location(error.path, error.line, error.column), lines, codec),
                            message=error.message + hint, severity=types.DiagnosticSeverity.Error, source=SOURCE)


def file_uri(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


# ----- the quick fix ------------------------------------------------------------------------------

@dataclass
class Layout:
    """Where a file's comments are, and which lines multi-line strings span (0-based)."""

    comments: dict[int, tuple[int, str]]      # line -> (column, text) of its comment
    strings: list[tuple[int, int]]            # (first line, last line) of each multi-line string


def layout_of(source: str) -> Layout:
    layout = Layout({}, [])
    starts = {getattr(tokenize, name) for name in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, name)}
    ends = {getattr(tokenize, name) for name in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, name)}
    opened: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                layout.comments[token.start[0] - 1] = (token.start[1], token.string)
            elif token.type == tokenize.STRING and token.start[0] != token.end[0]:
                layout.strings.append((token.start[0] - 1, token.end[0] - 1))
            elif token.type in starts:
                opened.append(token.start[0] - 1)
            elif token.type in ends and opened:
                first = opened.pop()
                if first != token.end[0] - 1:
                    layout.strings.append((first, token.end[0] - 1))
    except (tokenize.TokenError, SyntaxError):
        pass  # an unfinished edit: what was read so far still helps
    return layout


def suppression_edit(source: str, lines: Sequence[str], line: int, code: str) -> Optional[types.TextEdit]:
    """The edit (in code points) that suppresses `code` for a finding on 0-based `line`.

    It extends an ignore comment on that line, or alone on the line above; else it appends one to
    the line, or puts it on a new line above when the line ends inside a string or a backslash
    continuation. None when the code is already suppressed there or no comment can be placed.
    """
    layout = layout_of(source)
    for target in (line, line - 1):
        column, comment = layout.comments.get(target, (-1, ""))
        match = SUPPRESSION.search(comment)
        if match is None or (target != line and lines[target][:column].strip()):
            continue
        codes = [c.strip() for c in (match.group("codes") or "").split(",") if c.strip()]
        if not codes or any(code.startswith(c.upper()) for c in codes):
            return None                        # a bare ignore, or one that covers the code already
        start, end = column + match.start(), column + match.end()
        return types.TextEdit(range=types.Range(start=types.Position(line=target, character=start),
                                                end=types.Position(line=target, character=end)),
                              new_text=f"# privacylint: ignore[{', '.join(codes + [code])}]")
    text = lines[line].rstrip("\r\n")
    comment = f"# privacylint: ignore[{code}]"
    if any(first <= line < last for first, last in layout.strings) or text.rstrip().endswith("\\"):
        if any(first < line <= last for first, last in layout.strings) or (
                line > 0 and lines[line - 1].rstrip("\r\n").rstrip().endswith("\\")):
            return None
        newline = lines[line][len(text):] or "\n"
        indent = text[:len(text) - len(text.lstrip())]
        at = types.Position(line=line, character=0)
        return types.TextEdit(range=types.Range(start=at, end=at), new_text=f"{indent}{comment}{newline}")
    code_end = len(text.rstrip())
    return types.TextEdit(range=types.Range(start=types.Position(line=line, character=code_end),
                                            end=types.Position(line=line, character=len(text))),
                          new_text=f"  {comment}")


def suppression_actions(uri: str, source: str, lines: Sequence[str], diagnostics: Sequence[types.Diagnostic],
                        codec: PositionCodec) -> list[types.CodeAction]:
    """One quick fix per (line, code) among privacylint's diagnostics."""
    actions = []
    seen = set()
    for diagnostic in diagnostics:
        code, line = diagnostic.code, diagnostic.range.start.line
        if (diagnostic.source != SOURCE or not isinstance(code, str) or code in UNSUPPRESSIBLE
                or (line, code) in seen or line >= len(lines)):
            continue
        seen.add((line, code))
        edit = suppression_edit(source, lines, line, code)
        if edit is None:
            continue
        edit.range = codec.range_to_client_units(lines, edit.range)
        actions.append(types.CodeAction(title=f"Suppress {code} on this line", kind=types.CodeActionKind.QuickFix,
                                        diagnostics=[diagnostic],
                                        edit=types.WorkspaceEdit(changes={uri: [edit]})))
    return actions


# ----- the server (on the event loop) ------------------------------------------------------------

class PrivacylintServer(LanguageServer):
    """Runs one analysis at a time on a worker thread; the event loop only schedules and publishes."""

    def __init__(self) -> None:
        super().__init__("privacylint", __version__)
        self.projects = Projects()
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="privacylint-analysis")
        self.scheduled: dict[str, asyncio.Task] = {}
        self.failure_uris: dict[Path, set[str]] = {}   # where a failure diagnostic is shown, by root
        self.failure_shown: dict[Path, str] = {}        # the failure last announced, by root
        self.announced: set[str] = set()                # notes and internal errors: each shown once

    def schedule(self, uri: str, delay: float = 0.0) -> None:
        """(Re)start the analysis of `uri` after `delay` seconds; a newer request replaces a waiting one."""
        previous = self.scheduled.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.scheduled[uri] = asyncio.get_running_loop().create_task(self.refresh(uri, delay))

    def forget(self, uri: str) -> None:
        previous = self.scheduled.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.publish(uri, [])

    async def refresh(self, uri: str, delay: float) -> None:
        await asyncio.sleep(delay)
        document = self.open_document(uri)
        path = local_path(uri)
        if document is None or path is None or not self.in_workspace(path):
            return
        source, lines, version = document.source, list(document.lines), document.version
        try:
            result = await asyncio.get_running_loop().run_in_executor(
                self.worker, analyse, self.projects, path, source)
        except Exception as error:  # noqa: BLE001 - a bug in one run must not take the editor's server down
            trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=trace))
            self.announce_once(types.MessageType.Error, f"privacylint: internal error on {path.name}: {error!r}")
            return
        finally:
            if self.scheduled.get(uri) is asyncio.current_task():
                del self.scheduled[uri]
        if self.open_document(uri) is None:
            return                       # closed meanwhile
        if result.failure is not None:
            self.show_failure(uri, version, result)
            return
        self.clear_failures(result.root)
        for note in result.notes:
            self.announce_once(types.MessageType.Info, note)
        codec = self.workspace.position_codec
        with_related = bool(get_capability(self.client_capabilities,
                                           "text_document.publish_diagnostics.related_information", False))
        diagnostics = ([error_diagnostic(e, lines, codec) for e in result.errors]
                       + [finding_diagnostic(f, result, lines, codec, with_related) for f in result.findings])
        self.publish(uri, diagnostics, version)

    def show_failure(self, uri: str, version: int, result: DocumentReport) -> None:
        """A run that stopped: its error on the file at fault (when it has a place), and once as a message;
        the document's own diagnostics are withdrawn, since nothing is known about it meanwhile."""
        failure = result.failure
        failure_uri = file_uri(result.root / failure.path) if isinstance(failure, LocatedError) else None
        if failure_uri is None or unquote(failure_uri) != unquote(uri):
            self.publish(uri, [], version)
        if isinstance(failure, LocatedError):
            failure_document = self.open_document(failure_uri)
            lines = list(failure_document.lines) if failure_document is not None else None
            self.publish(failure_uri, [failure_diagnostic(failure, lines, self.workspace.position_codec)],
                         failure_document.version if failure_document is not None else None)
            self.failure_uris.setdefault(result.root, set()).add(failure_uri)
        if self.failure_shown.get(result.root) != str(failure):
            self.failure_shown[result.root] = str(failure)
            self.announce(types.MessageType.Error, f"privacylint: {failure}")

    def clear_failures(self, root: Path) -> None:
        """The project opens again: withdraw its failure diagnostics (an open file gets its own again)."""
        self.failure_shown.pop(root, None)
        for uri in self.failure_uris.pop(root, set()):
            if self.open_document(uri) is not None:
                self.schedule(uri)
            else:
                self.publish(uri, [])

    def open_document(self, uri: str):
        return self.workspace.text_documents.get(unquote(uri))  # pygls keys documents by unquoted uri

    def publish(self, uri: str, diagnostics: list[types.Diagnostic], version: Optional[int] = None) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    def announce(self, kind: types.MessageType, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def announce_once(self, kind: types.MessageType, message: str) -> None:
        if message not in self.announced:
            self.announced.add(message)
            self.announce(kind, message)

    def in_workspace(self, path: Path) -> bool:
        """Files outside the client's workspace folders (a library opened by go-to-definition) are not analysed."""
        folders = [local_path(folder.uri) for folder in self.workspace.folders.values()]
        if self.workspace.root_path:
            folders.append(Path(self.workspace.root_path).resolve())
        folders = [folder for folder in folders if folder is not None]
        return not folders or any(folder == path or folder in path.parents for folder in folders)

    def stop_analysing(self) -> None:
        for task in self.scheduled.values():
            task.cancel()
        self.scheduled.clear()
        self.worker.shutdown(wait=False, cancel_futures=True)


def local_path(uri: str) -> Optional[Path]:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path).resolve() if path else None


def build_server() -> PrivacylintServer:
    server = PrivacylintServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PrivacylintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PrivacylintServer, params: types.DidChangeTextDocumentParams) -> None:
        if params.text_document.uri.endswith(".py"):   # other files are read from disk, on save
            ls.schedule(params.text_document.uri, TYPING_PAUSE)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PrivacylintServer, params: types.DidSaveTextDocumentParams) -> None:
        for document in list(ls.workspace.text_documents.values()):  # a save can change flows into any file
            ls.schedule(document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PrivacylintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: PrivacylintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = ls.open_document(params.text_document.uri)
        if document is None or not params.text_document.uri.endswith(".py"):
            return []
        return suppression_actions(document.uri, document.source, list(document.lines),
                                   params.context.diagnostics, ls.workspace.position_codec)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: PrivacylintServer, params: None) -> None:
        ls.stop_analysing()

    return server


def serve() -> None:
    """Speak LSP over standard input and output until the client says exit."""
    build_server().start_io()
