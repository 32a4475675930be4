"""`privacylint lsp` end to end: the real server process, spoken to over stdio as an editor does."""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import run_check, write_project
import privacylint
from privacylint import __version__

needs_pygls = pytest.mark.skipif(
    importlib.util.find_spec("pygls") is None or importlib.util.find_spec("lsprotocol") is None,
    reason="the language server needs the lsp extra: pip install 'privacylint[lsp]'")

# The server runs in the project's folder, as editors start it, with the privacylint under test.
SAME_PRIVACYLINT = {**os.environ, "PYTHONPATH": os.pathsep.join(
    [str(Path(privacylint.__file__).resolve().parents[1])] + os.environ.get("PYTHONPATH", "").split(os.pathsep))}
TIMEOUT = 30                         # seconds for any one answer; a cold first run takes ~3 s here

MANIFEST = """\
version: 1
organization: {name: Example Shop, country: CN}
collects: [user.contact]
recipients:
  segment:
    data: [user.unique_id]
transfers:
  allowed_countries: [CN]
  quote: "We do not transfer your personal information across borders."
"""
FORMS = """\
def signup_email(request):
    return request.POST["email"]
"""
SIGNUP = """\
import segment.analytics as analytics

from shop.forms import signup_email


def signup(request):
    email = signup_email(request)
    analytics.track(email, "signup")
"""


class Client:
    """A minimal LSP client: Content-Length framed JSON-RPC over the server's stdin and stdout."""

    def __init__(self, cwd: Path):
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen([sys.executable, "-m", "privacylint", "lsp"], cwd=cwd, env=SAME_PRIVACYLINT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr)
        self.inbox: queue.Queue = queue.Queue()
        self.backlog: list[dict] = []
        self.last_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            self.inbox.put(json.loads(stream.read(int(headers["content-length"]))))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params):
        self.last_id += 1
        number = self.last_id
        self.send({"id": number, "method": method, "params": params})
        answer = self.wait(lambda m: m.get("id") == number and "method" not in m)
        assert "error" not in answer, answer
        return answer["result"]

    def wait(self, matches, timeout: float = TIMEOUT) -> dict:
        """The first message (already received or still to come) that `matches`."""
        for message in self.backlog:
            if matches(message):
                self.backlog.remove(message)
                return message
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.inbox.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                raise AssertionError(f"no answer in {timeout} s; server stderr:\n{self.server_stderr()}") from None
            if message is None:
                raise AssertionError(f"the server exited; its stderr:\n{self.server_stderr()}")
            if "method" in message and "id" in message:   # a request from the server
                self.send({"id": message["id"], "result": None})
            if matches(message):
                return message
            self.backlog.append(message)

    def diagnostics(self, uri: str) -> dict:
        """The next publishDiagnostics for `uri`: {"version": ..., "diagnostics": [...]}."""
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                            and m["params"]["uri"] == uri)
        return {"version": message["params"].get("version"), "diagnostics": message["params"]["diagnostics"]}

    def server_stderr(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    def close(self) -> int:
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.process.wait(timeout=TIMEOUT)

    def release(self) -> None:
        """Stop the server if it still runs and close the pipes and the stderr file."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=TIMEOUT)
        for stream in (self.process.stdin, self.process.stdout, self.stderr):
            stream.close()


@pytest.fixture
def shop(tmp_path):
    return write_project(tmp_path, {"privacy.yaml": MANIFEST, "shop/__init__.py": "", "shop/forms.py": FORMS,
                                    "shop/signup.py": SIGNUP})


@pytest.fixture
def start(shop):
    """start(capabilities) -> an initialized Client on the shop project; stopped at the end of the test."""
    clients = []

    def started(capabilities: dict) -> Client:
        client = Client(shop)
        clients.append(client)
        result = client.request("initialize", {"processId": None, "rootUri": shop.as_uri(),
                                               "capabilities": capabilities})
        assert result["serverInfo"] == {"name": "privacylint", "version": __version__}
        assert result["capabilities"]["textDocumentSync"] == {"openClose": True, "change": 2, "save": True}
        assert result["capabilities"]["codeActionProvider"] == {"codeActionKinds": ["quickfix"]}
        client.notify("initialized", {})
        return client

    yield started
    for client in clients:
        client.release()


def position(line: int, character: int) -> dict:
    return {"line": line, "character": character}


def span(line: int, start: int, end_line: int, end: int) -> dict:
    return {"start": position(line, start), "end": position(end_line, end)}


def related(uri: str, where: dict, message: str) -> dict:
    return {"location": {"uri": uri, "range": where}, "message": message}


def expected_diagnostics(root: Path) -> list[dict]:
    forms, signup, manifest = (root / "shop/forms.py").as_uri(), (root / "shop/signup.py").as_uri(), \
        (root / "privacy.yaml").as_uri()
    trace = [related(forms, span(1, 11, 1, 32), "source: request.POST[\"email\"] (key 'email')"),
             related(forms, span(1, 4, 1, 32), 'step: return request.POST["email"]'),
             related(signup, span(6, 4, 6, 33), "step: email = signup_email(request)")]
    return [
        {"range": span(7, 4, 7, 36), "severity": 1, "code": "PL202", "source": "privacylint",
         "message": "user.contact.email reaches segment (US), declared only for user.unique_id",
         "relatedInformation": trace + [related(manifest, span(4, 0, 5, 0), "claim in privacy.yaml")]},
        {"range": span(7, 4, 7, 36), "severity": 1, "code": "PL301", "source": "privacylint",
         "message": "user.contact.email reaches segment (US), outside allowed countries CN\n"
                    'claim: "We do not transfer your personal information across borders." (privacy.yaml:8)',
         "relatedInformation": trace + [related(manifest, span(7, 0, 8, 0),
                                                'claim: "We do not transfer your personal information '
                                                'across borders."')]},
    ]


def open_document(client: Client, path: Path, text: str, language: str = "python") -> str:
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": 1,
                                                            "text": text}})
    return uri


def change(client: Client, uri: str, version: int, edits: list[dict]) -> None:
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": edits})


@needs_pygls
def test_diagnostics_quick_fixes_and_suppression_from_the_buffer(start, shop):
    client = start({"textDocument": {"publishDiagnostics": {"relatedInformation": True}}})
    uri = open_document(client, shop / "shop/signup.py", SIGNUP)
    expected = expected_diagnostics(shop)
    # The first result (it loads the rules and parses every file) runs on a worker thread, so a
    # request sent after didOpen is answered before the diagnostics are ready.
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": span(7, 4, 7, 36), "context": {"diagnostics": expected}})
    assert [m for m in client.backlog if m.get("method") == "textDocument/publishDiagnostics"] == []
    assert actions == [
        {"title": f"Suppress {d['code']} on this line", "kind": "quickfix", "diagnostics": [d],
         "edit": {"changes": {uri: [{"range": span(7, 36, 7, 36),
                                     "newText": f"  # privacylint: ignore[{d['code']}]"}]}}}
        for d in expected]
    assert client.diagnostics(uri) == {"version": 1, "diagnostics": expected}

    # Apply the first fix as an editor does; the buffer, not the file on disk, is analysed.
    fix = actions[0]["edit"]["changes"][uri][0]
    change(client, uri, 2, [{"range": fix["range"], "text": fix["newText"]}])
    assert client.diagnostics(uri) == {"version": 2, "diagnostics": expected[1:]}

    # The second fix extends the comment the first one wrote.
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": span(7, 4, 7, 36), "context": {"diagnostics": expected[1:]}})
    fix = {"range": span(7, 38, 7, 66), "newText": "# privacylint: ignore[PL202, PL301]"}
    assert actions == [{"title": "Suppress PL301 on this line", "kind": "quickfix", "diagnostics": expected[1:],
                        "edit": {"changes": {uri: [fix]}}}]
    change(client, uri, 3, [{"range": fix["range"], "text": fix["newText"]}])
    assert client.diagnostics(uri) == {"version": 3, "diagnostics": []}

    # Edits are analysed after a pause in typing (0.3 s), the last one only.
    change(client, uri, 4, [{"range": span(7, 36, 7, 74), "text": ""}])
    change(client, uri, 5, [{"range": span(6, 33, 6, 33), "text": "("}])
    typed = time.monotonic()
    published = client.diagnostics(uri)
    assert time.monotonic() - typed >= 0.3
    if sys.version_info >= (3, 10):
        where, message = span(6, 33, 6, 34), "'(' was never closed"
    else:   # CPython 3.9's parser says less, at the end of the file
        where, message = span(7, 36, 7, 36), "unexpected EOF while parsing"
    assert published == {"version": 5, "diagnostics": [
        {"range": where, "severity": 1, "code": "PL901", "source": "privacylint", "message": f"cannot parse: {message}"}]}
    assert (shop / "shop/signup.py").read_text() == SIGNUP
    assert client.close() == 0


@needs_pygls
def test_clients_without_related_information_get_the_source_in_the_message(shop):
    from pygls.workspace.position_codec import PositionCodec

    from privacylint.lsp import DocumentReport, finding_diagnostic

    report = run_check(shop)
    lines = SIGNUP.splitlines(keepends=True)
    result = DocumentReport(shop.resolve(), "shop/signup.py", findings=report.findings)
    diagnostics = [finding_diagnostic(f, result, lines, PositionCodec(), with_related=False).message
                   for f in report.findings]
    source = "\nsource: shop/forms.py:2:12 request.POST[\"email\"] (key 'email')"
    assert diagnostics == [d["message"] + source for d in expected_diagnostics(shop)]


@needs_pygls
def test_columns_are_sent_in_the_clients_units(project):
    from lsprotocol.types import PositionEncodingKind
    from pygls.workspace.position_codec import PositionCodec

    from privacylint.lsp import DocumentReport, finding_diagnostic

    line = '    label = "😀é"; analytics.track(email, "signup")\n'
    root = project({"privacy.yaml": MANIFEST, "app.py": "import segment.analytics as analytics\n\n\n"
                    "def signup(request):\n    email = request.POST['email']\n" + line})
    finding = run_check(root, select=("PL301",)).findings[0]
    lines = (root / "app.py").read_text(encoding="utf-8").splitlines(keepends=True)
    result = DocumentReport(root.resolve(), "app.py", findings=[finding])
    ranges = {encoding: finding_diagnostic(finding, result, lines, PositionCodec(encoding), True).range
              for encoding in (PositionEncodingKind.Utf32, PositionEncodingKind.Utf16, PositionEncodingKind.Utf8)}
    code_points = (line.index("analytics.track"), line.index("\n"))
    assert {encoding: (r.start.line, r.start.character, r.end.line, r.end.character)
            for encoding, r in ranges.items()} == {
        PositionEncodingKind.Utf32: (5, code_points[0], 5, code_points[1]),
        PositionEncodingKind.Utf16: (5, code_points[0] + 1, 5, code_points[1] + 1),   # 😀 is two UTF-16 units
        PositionEncodingKind.Utf8: (5, code_points[0] + 4, 5, code_points[1] + 4)}    # 😀 four bytes, é two


@needs_pygls
def test_saving_the_manifest_rechecks_open_files_and_shows_its_errors(start, shop):
    client = start({"textDocument": {"publishDiagnostics": {"relatedInformation": True}}})
    uri = open_document(client, shop / "shop/signup.py", SIGNUP)
    assert [d["code"] for d in client.diagnostics(uri)["diagnostics"]] == ["PL202", "PL301"]
    manifest_uri = open_document(client, shop / "privacy.yaml", MANIFEST, "yaml")
    assert client.diagnostics(manifest_uri) == {"version": 1, "diagnostics": []}
    edits = iter(range(2, 100))

    def save_manifest(text: str) -> int:
        version = next(edits)
        change(client, manifest_uri, version, [{"text": text}])
        (shop / "privacy.yaml").write_text(text, encoding="utf-8")
        client.notify("textDocument/didSave", {"textDocument": {"uri": manifest_uri}})
        return version

    declared = (MANIFEST.replace("[user.unique_id]", "[user.contact]\n  stripe:\n    data: [user.financial]")
                .replace("[CN]", "[CN, US]"))
    version = save_manifest(declared)
    assert client.diagnostics(uri) == {"version": 1, "diagnostics": []}
    unused = {"range": span(6, 0, 6, 9), "severity": 3, "code": "PL501", "source": "privacylint",
              "message": "recipient 'stripe' is declared, but no personal data reaches it in the code"}
    assert client.diagnostics(manifest_uri) == {"version": version, "diagnostics": [unused]}

    version = save_manifest(declared.replace("[user.contact]", "[user.contact.emial]", 1))
    error = "unknown data category 'user.contact.emial'; did you mean 'user.contact.email'?"
    shown = client.wait(lambda m: m.get("method") == "window/showMessage")
    assert shown["params"] == {"type": 1, "message": f"privacylint: privacy.yaml:3:12: {error}"}
    assert client.diagnostics(uri) == {"version": 1, "diagnostics": []}
    assert client.diagnostics(manifest_uri) == {"version": version, "diagnostics": [
        {"range": span(2, 11, 2, 30), "severity": 1, "source": "privacylint", "message": error}]}

    version = save_manifest(declared)
    assert client.diagnostics(uri) == {"version": 1, "diagnostics": []}
    assert client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                       and m["params"] == {"uri": manifest_uri, "version": version, "diagnostics": [unused]})
    assert client.close() == 0


@needs_pygls
@pytest.mark.parametrize("before, line, code, after", [
    # appended at the end of the sink line
    ("send(email)\n", 0, "PL201", "send(email)  # privacylint: ignore[PL201]\n"),
    ("send(email)   \r\n", 0, "PL201", "send(email)  # privacylint: ignore[PL201]\r\n"),
    # an ignore comment already on the line, or alone on the line above, is extended
    ("send(email)  # privacylint: ignore[PL201]\n", 0, "PL301",
     "send(email)  # privacylint: ignore[PL201, PL301]\n"),
    ("x = 1  # noqa: E501 # privacylint: ignore[pl2]\n", 0, "PL301",
     "x = 1  # noqa: E501 # privacylint: ignore[pl2, PL301]\n"),
    ("if x:\n    # privacylint: ignore[PL402]\n    send(email)\n", 2, "PL201",
     "if x:\n    # privacylint: ignore[PL402, PL201]\n    send(email)\n"),
    # a comment after code on the line above belongs to that line: a new comment is added
    ("log(email)  # privacylint: ignore[PL402]\nsend(email)\n", 1, "PL201",
     "log(email)  # privacylint: ignore[PL402]\nsend(email)  # privacylint: ignore[PL201]\n"),
    # a line that ends inside a string or a continuation gets the comment on a new line above
    ('def f():\n    send(email, """\n    text""")\n', 1, "PL201",
     'def f():\n    # privacylint: ignore[PL201]\n    send(email, """\n    text""")\n'),
    ("send(email, \\\n     x)\n", 0, "PL201", "# privacylint: ignore[PL201]\nsend(email, \\\n     x)\n"),
])
def test_suppression_edit(before, line, code, after):
    from privacylint.lsp import suppression_edit

    lines = before.splitlines(keepends=True)
    edit = suppression_edit(before, lines, line, code)
    start, end = edit.range.start, edit.range.end
    offsets = [sum(len(text) for text in lines[:p.line]) + p.character for p in (start, end)]
    assert before[:offsets[0]] + edit.new_text + before[offsets[1]:] == after


@needs_pygls
@pytest.mark.parametrize("source, line", [
    ("send(email)  # privacylint: ignore[PL2]\n", 0),     # a prefix covers the code already
    ("send(email)  # privacylint: ignore\n", 0),          # so does a bare ignore
    ('x = """\n""" + send(email, """\nmore""")\n', 1),    # the line starts and ends inside strings
])
def test_no_suppression_edit_where_none_is_needed_or_possible(source, line):
    from privacylint.lsp import suppression_edit

    assert suppression_edit(source, source.splitlines(keepends=True), line, "PL201") is None


def test_without_pygls_the_command_says_how_to_install_it():
    blocked = ("import sys; sys.modules['pygls'] = None; from privacylint.cli import main; "
               "raise SystemExit(main(['lsp']))")
    result = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=TIMEOUT,
                            env=SAME_PRIVACYLINT)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("privacylint: error: the language server needs pygls and lsprotocol: "
                             "pip install 'privacylint[lsp]'\n")
