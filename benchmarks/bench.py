"""Speed benchmark (issue 7): medians and ratios against baselines measured in the same run.

    python benchmarks/bench.py [--lines 100000] [--repeat 3] [--skip-stdlib]

Builds a synthetic project (Django-style views, helpers, SDK calls) of the requested size in a
temporary folder, and times whole `privacylint` processes, as users run them:
  1. cold full run (2 jobs) vs bare `libcst.parse_module` of the same files in 2 processes
  2. warm run, nothing changed            (target < 1.0 s, interpreter start included)
  3. warm run after one file changed, whole report and pre-commit style (that file only)
  4. single-file editor check with a warm cache (target < 0.5 s): `--stdin-filename` in a new
     process (its standby parser forked, as on Linux; spawned, as on macOS and Windows; and none),
     and the language server's answer to an edit (what an editor runs)
  5. peak memory of a cold run (empty cache; also with --no-cache)     (target < 300 MiB)
  6. time per 1k lines at 1/4, 1/2 and all of the size
and the same cold-run ratio on the running Python's standard library. bandit is timed too when
it is installed. Nothing here is a test: the figures go into the issue notes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
from pathlib import Path

PYTHON = sys.executable
QUICK_RUNS = 9   # samples of each sub-second run (warm, one file changed, editor), whatever --repeat

MANIFEST = """version: 1
organization: {name: Bench Shop, country: CN}
collects: [user.contact, user.name, user.device]
recipients:
  stripe: {data: [user.contact.email, user.financial]}
  mixpanel: {data: [user.device]}
transfers: {allowed_countries: [CN, US]}
security: {transport: tls, logs: no-personal-data}
"""

VIEW = '''
import logging

import requests
import stripe
from mixpanel import Mixpanel

from {package}.helpers_{index} import normalize_{index}, build_payload_{index}
from {package}.models_{index} import Order{index}

logger = logging.getLogger(__name__)
TRACKING_URL = "https://collector.example.com/v1/events"
mp = Mixpanel("token")


def signup_{index}(request):
    email = normalize_{index}(request.POST["email"])
    phone = request.POST.get("phone_number")
    customer = stripe.Customer.create(email=email, description="signup")
    mp.track(customer.id, "signup", {{"plan": request.POST.get("plan")}})
    logger.info("signup for order %s", request.POST.get("order_id"))
    return build_payload_{index}(email, phone)


def checkout_{index}(request, order_id):
    order = Order{index}.objects.get(pk=order_id)
    payload = build_payload_{index}(order.email, order.shipping_address)
    requests.post(TRACKING_URL, json={{"order": order_id, "total": str(order.total)}}, timeout=5)
    if order.total > 100:
        logger.info("large order %s", order_id)
    return payload
'''

HELPERS = '''
import hashlib
import json


def normalize_{index}(value):
    return value.strip().lower()


def build_payload_{index}(email, phone):
    digest = hashlib.sha256(email.encode()).hexdigest()
    return json.dumps({{"user": digest, "has_phone": bool(phone)}})


def format_amount_{index}(amount, currency="CNY"):
    return f"{{amount:.2f}} {{currency}}"
'''

MODELS = '''
from django.db import models


class Order{index}(models.Model):
    email = models.EmailField()
    shipping_address = models.TextField()
    total = models.DecimalField(max_digits=10, decimal_places=2)

    def describe(self):
        return "order %s" % self.pk
'''


def padding(index: int, count: int) -> str:
    """Ordinary functions without personal data, so files have a realistic size."""
    blocks = []
    for n in range(count):
        blocks.append(textwrap.dedent(f'''
            def compute_{index}_{n}(items, factor=2):
                """Sum the weighted items."""
                total = 0
                for position, item in enumerate(items):
                    if item is None:
                        continue
                    total += item * factor + position
                return {{"total": total, "count": len(items)}}
            '''))
    return "".join(blocks)


def make_project(root: Path, lines: int) -> tuple[Path, int]:
    package = "shop"
    (root / package).mkdir(parents=True)
    (root / package / "__init__.py").write_text("")
    (root / "privacy.yaml").write_text(MANIFEST)
    (root / ".gitignore").write_text("__pycache__/\n*.pyc\n.venv/\nbuild/\n")  # as most projects have one
    total, index = 0, 0
    while total < lines:
        for name, template in (("views", VIEW), ("helpers", HELPERS), ("models", MODELS)):
            text = template.format(package=package, index=index) + padding(index, 20)
            (root / package / f"{name}_{index}.py").write_text(text)
            total += text.count("\n")
        index += 1
    return root / package / "views_0.py", total


# Bytecode caches are written, as on a user's machine (pip compiles on install), even where the
# environment says otherwise: compiling privacylint's modules on every run would be timed too.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path, stdin: str | None = None, standby: str | None = None) -> float:
    """Wall time of a whole process; standby: its PRIVACYLINT_STANDBY (fork, spawn or off)."""
    environment = ENVIRONMENT if standby is None else {**ENVIRONMENT, "PRIVACYLINT_STANDBY": standby}
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, text=True, env=environment)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def median_of(repeat: int, run) -> float:
    return statistics.median(run() for _ in range(repeat))


def check_command(*args: str) -> list[str]:
    return [PYTHON, "-m", "privacylint", "check", "--exit-zero", "--format", "json", *args]


def parse_file(path: str) -> None:
    import libcst

    try:
        libcst.parse_module(Path(path).read_bytes())
    except Exception:  # noqa: BLE001 - the baseline only parses; failures cost what they cost
        pass


def bare_parse(files: list[str], jobs: int) -> float:
    """Baseline: a fresh process pool parsing every file with LibCST, timed with its start-up."""
    code = ("import sys, runpy; from concurrent.futures import ProcessPoolExecutor;"
            f"sys.path.insert(0, {str(Path(__file__).parent)!r});"
            "import bench; files = sys.stdin.read().split('\\n');"
            f"ex = ProcessPoolExecutor({jobs}); list(ex.map(bench.parse_file, files, chunksize=8)); ex.shutdown()")
    started = time.perf_counter()
    subprocess.run([PYTHON, "-c", code], input="\n".join(files), text=True, check=True)
    return time.perf_counter() - started


def peak_memory_mib(project: Path, *options: str) -> float:
    """Peak memory of a cold run: the cache is emptied first (or, with --no-cache, not used)."""
    clear_cache(project)
    code = ("import resource, sys; from privacylint.cli import main;"
            f"main(['check', '--exit-zero', '--format', 'json', '--output', '/dev/null', '--jobs', '2', *{options!r}]);"
            "me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
            "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
            "print(me, kids)")
    out = subprocess.run([PYTHON, "-c", code], cwd=project, capture_output=True, text=True, check=True).stdout
    me, kids = (int(v) for v in out.split())
    return (me + 2 * kids) / 1024  # the parent plus two workers at their peak (an upper bound)


def lsp_latencies(project: Path, target: Path, buffers: list[str]) -> list[float]:
    """Seconds from each edit of `target` in `privacylint lsp` to its diagnostics, less the pause
    the server waits for typing to stop (TYPING_PAUSE) (pygls must be installed)."""
    from privacylint.lsp import TYPING_PAUSE

    server = subprocess.Popen([PYTHON, "-m", "privacylint", "lsp"], cwd=project, env=ENVIRONMENT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def send(message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        server.stdin.flush()

    def diagnostics_for(version: int) -> None:
        while True:
            length = 0
            while (line := server.stdout.readline().strip()):
                name, _, value = line.decode().partition(":")
                length = int(value) if name.lower() == "content-length" else length
            if not length:
                raise SystemExit("privacylint lsp exited")
            message = json.loads(server.stdout.read(length))
            if message.get("method") == "textDocument/publishDiagnostics" and \
                    message["params"].get("version") == version:
                return

    uri = target.resolve().as_uri()
    send({"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": project.resolve().as_uri(),
                                                      "capabilities": {}}})
    send({"method": "initialized", "params": {}})
    send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 0, "text": target.read_text()}}})
    diagnostics_for(0)  # the first answer loads the project; the ones timed are edits after it
    latencies = []
    for version, text in enumerate(buffers, 1):
        started = time.perf_counter()
        send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version},
                                                             "contentChanges": [{"text": text}]}})
        diagnostics_for(version)
        latencies.append(time.perf_counter() - started - TYPING_PAUSE)
    send({"id": 2, "method": "shutdown"})
    send({"method": "exit"})
    server.wait(timeout=30)
    return latencies


def python_files(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*.py") if ".privacylint_cache" not in p.parts]


def clear_cache(project: Path) -> None:
    shutil.rmtree(project / ".privacylint_cache", ignore_errors=True)


def cold(project: Path, repeat: int) -> tuple[float, float]:
    """Medians of cold runs and of the baseline, taken in turns so that a change in the machine's load
    (this is often a shared virtual machine) weighs on both alike."""
    files = python_files(project)
    ours, base = [], []
    for _ in range(repeat):
        clear_cache(project)
        ours.append(timed(check_command("--jobs", "2"), project))
        base.append(bare_parse(files, 2))
    return statistics.median(ours), statistics.median(base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-stdlib", action="store_true")
    args = parser.parse_args()
    workspace = Path(tempfile.mkdtemp(prefix="privacylint-bench-"))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; medians of {args.repeat} runs "
          f"({max(args.repeat, QUICK_RUNS)} of each sub-second one)\n")
    try:
        print("size      files  lines    cold(2 jobs)  bare parse(2)  ratio   per 1k lines")
        for fraction in (4, 2, 1):
            project = workspace / f"p{fraction}"
            _, lines = make_project(project, args.lines // fraction)
            ours, base = cold(project, args.repeat)
            print(f"1/{fraction:<7} {len(python_files(project)):>5} {lines:>6} {ours:>10.2f} s {base:>11.2f} s "
                  f"{ours / base:>7.2f}x {ours / lines * 1000:>9.3f} s")
        project = workspace / "p1"
        target = project / "shop" / "views_3.py"
        timed(check_command(), project)  # warm the cache
        quick = max(args.repeat, QUICK_RUNS)   # sub-second runs: more samples, for a noisy machine
        warm = median_of(quick, lambda: timed(check_command(), project))

        def one_changed(only: bool) -> float:
            target.write_text(target.read_text() + "\n# touched\n")
            return timed(check_command(*([str(target)] if only else [])), project)

        changed_all = median_of(quick, lambda: one_changed(False))
        changed_one = median_of(quick, lambda: one_changed(True))
        edits = iter(range(1_000_000))

        def edited_buffer() -> str:  # a new buffer each time, as when typing: no cached analysis applies
            return target.read_text() + f"\n\ndef added_{next(edits)}(request):\n    return request.POST['email']\n"

        def editor_check(standby: str | None = None) -> float:
            return timed(check_command("--stdin-filename", str(target)), project, stdin=edited_buffer(),
                         standby=standby)

        editor = median_of(quick, editor_check)
        # the standby parser as a new interpreter, as on macOS and Windows; and none (LibCST loaded here)
        editor_spawned = median_of(quick, lambda: editor_check("spawn"))
        editor_alone = median_of(quick, lambda: editor_check("off"))
        server = None
        if importlib.util.find_spec("pygls") is not None:   # the language server needs it
            server = statistics.median(lsp_latencies(project, target, [edited_buffer() for _ in range(quick)]))
        memory, memory_without_cache = peak_memory_mib(project), peak_memory_mib(project, "--no-cache")
        print(f"\nwarm run, nothing changed:          {warm:6.2f} s   (target < 1.0 s)")
        print(f"warm run, one file changed:         {changed_all:6.2f} s   (target < 1.0 s)")
        print(f"  the same, pre-commit (that file): {changed_one:6.2f} s   (target < 1.0 s)")
        print(f"editor check (--stdin-filename):    {editor:6.2f} s   (target < 0.5 s)")
        print(f"  standby parser spawned:           {editor_spawned:6.2f} s   (as on macOS and Windows)")
        print(f"  no standby parser:                {editor_alone:6.2f} s")
        print("editor check (language server):     " + (f"{server:6.2f} s   (target < 0.5 s; after the typing pause)"
                                                        if server is not None else "  pygls is not installed"))
        print(f"peak memory, cold run:              {memory:6.0f} MiB (target < 300 MiB)")
        print(f"  the same with --no-cache:         {memory_without_cache:6.0f} MiB (a cache of the run, in a temporary folder)")
        if shutil.which("bandit"):
            bandit = median_of(args.repeat, lambda: timed(["bandit", "-q", "-r", str(project / "shop")], project))
            print(f"bandit -r, same project:            {bandit:6.2f} s")
        if not args.skip_stdlib:
            stdlib = Path(sysconfig.get_paths()["stdlib"])
            copy = workspace / "stdlib"
            shutil.copytree(stdlib, copy, ignore=shutil.ignore_patterns("site-packages", "__pycache__", "test",
                                                                         "tests", "idlelib", "lib2to3"))
            (copy / "privacy.yaml").write_text("version: 1\n")
            ours, base = cold(copy, 1)
            print(f"\nstdlib ({len(python_files(copy))} files): cold {ours:.2f} s, bare parse {base:.2f} s, "
                  f"ratio {ours / base:.2f}x")
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    main()
