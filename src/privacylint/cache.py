"""Module facts, and whole-project analyses, cached by content hash under .privacylint_cache/
(with CACHEDIR.TAG and its own .gitignore, as ruff does)."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Iterator, Union

from privacylint import __version__
from privacylint.facts import ModuleFacts
from privacylint.model import FileError

CACHE_FOLDER = ".privacylint_cache"
CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by privacylint.\n"
                "# For information about cache directory tags see https://bford.info/cachedir/\n")


class FactsCache:
    """Entries are keyed on everything facts depend on; a bad entry is a miss, never an error."""

    def __init__(self, root: Path, rules_digest: str, enabled: bool = True):
        self.folder = root / CACHE_FOLDER / "facts"
        self.salt = f"{__version__}\0{code_digest()}\0{rules_digest}".encode()   # for facts
        self.analysis_salt = self.salt + code_digest(ANALYSIS_CODE).encode()     # for what is built from them
        self.enabled = enabled and self._prepare(root / CACHE_FOLDER)

    def _prepare(self, top: Path) -> bool:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for name, text in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", "*\n")):
                if not (top / name).exists():
                    (top / name).write_text(text, encoding="utf-8")
            return os.access(self.folder, os.W_OK)
        except OSError:
            return False  # a read-only project still works, without the cache

    def key(self, relative: str, module: str, content: bytes) -> str:
        digest = hashlib.sha256(self.salt)
        digest.update(f"\0{relative}\0{module}\0".encode())
        digest.update(content)
        return digest.hexdigest()

    def project_key(self, file_keys: list[str], manifest_digest: str) -> str:
        digest = hashlib.sha256(self.analysis_salt + b"\0project\0" + manifest_digest.encode())
        for key in sorted(file_keys):
            digest.update(key.encode())
        return "project-" + digest.hexdigest()

    def get(self, key: str) -> Union[ModuleFacts, FileError, None]:
        """A file's facts, or the PL901 error it gave, or None."""
        found = self._load(key)
        return found if isinstance(found, (ModuleFacts, FileError)) else None

    def has(self, key: str) -> bool:
        """Whether an entry is stored under the key (it may still turn out unreadable)."""
        return self.enabled and (self.folder / key[-2:] / key).is_file()

    def put(self, key: str, outcome: Union[ModuleFacts, FileError]) -> bool:
        """Store a file's facts or error; False when the cache is off or could not take it."""
        return self._store(key, outcome)

    def get_entry(self, key: str):
        """Any other value stored under a key (the project's analysis, module graphs, the incremental
        state), or None; the caller checks its type."""
        return self._load(key)

    def put_entry(self, key: str, value) -> None:
        self._store(key, value)

    def prune(self, used: set[str], now: float) -> int:
        """See `prune`: entries the current state does not use go after a week."""
        return prune(self.folder.parent, used, now) if self.enabled else 0

    def _load(self, key: str):
        return load_pickle(self.folder / key[-2:] / key) if self.enabled else None

    def _store(self, key: str, value) -> bool:
        if self.enabled and not store_pickle(self.folder / key[-2:] / key, value):
            self.enabled = False
        return self.enabled


PRUNE_EVERY = 3600               # seconds: a cache is pruned at most once an hour
KEEP_UNUSED = 7 * 24 * 3600      # seconds an entry the current state does not use is kept (another branch's)
KEEP_NEWEST = 8                  # whole-project analyses and built catalogs kept, the newest, whatever their age
STALE_TEMPORARY = 3600           # seconds after which a half-written entry (a killed run's) is deleted


def prune(top: Path, used: set[str], now: float) -> int:
    """Delete the entries under `top` (.privacylint_cache) that the current state does not use, once
    they are a week old, and all but the newest whole-project analyses and catalogs; at most once an
    hour. A run that still wanted a deleted entry finds a miss and computes it again. Returns how many
    entries were deleted."""
    stamp = top / "pruned"
    try:
        if now - stamp.stat().st_mtime < PRUNE_EVERY:
            return 0
        stamp.touch()
    except FileNotFoundError:
        stamp.touch()
    except OSError:
        return 0
    doomed, newest_kept = [], []
    for path, name, modified in _entries(top):
        if name.startswith(".tmp-"):
            if now - modified > STALE_TEMPORARY:
                doomed.append(path)
        elif name.startswith("project-") or path.parent.name == "catalog":
            newest_kept.append((modified, path))
        elif name not in used and now - modified > KEEP_UNUSED:
            doomed.append(path)
    newest_kept.sort(reverse=True)
    for kind in ("project-", ""):
        same_kind = [path for _, path in newest_kept if path.name.startswith("project-") == bool(kind)]
        doomed += same_kind[KEEP_NEWEST:]
    removed = 0
    for path in doomed:
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass   # gone already (a concurrent run), or not ours to delete
    return removed


def _entries(top: Path) -> Iterator[tuple[Path, str, float]]:
    """(path, name, modification time) of every entry: facts/<xx>/<key> and catalog/<key>."""
    folders = [top / "catalog"]
    try:
        folders += [Path(entry.path) for entry in os.scandir(top / "facts") if entry.is_dir()]
    except OSError:
        pass
    for folder in folders:
        try:
            for entry in os.scandir(folder):
                if entry.is_file(follow_symlinks=False):
                    yield Path(entry.path), entry.name, entry.stat().st_mtime
        except OSError:
            continue


FACTS_CODE = ("facts.py", "extract.py", "positions.py", "catalog.py")
ANALYSIS_CODE = ("graph.py", "incremental.py", "manifest.py")


def code_digest(names: tuple[str, ...] = FACTS_CODE) -> str:
    """What cached values depend on besides their inputs: the code that computes them. A release
    changes __version__ anyway; this also keeps a development checkout's cache honest."""
    digest = hashlib.sha256()
    for name in names:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def load_pickle(path: Path):
    """The value stored at path, or None when it is missing, truncated, corrupt or from another version."""
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError,
            IndexError, MemoryError):
        return None


def store_pickle(path: Path, value) -> bool:
    """Write atomically (concurrent runs never see half an entry); False when the folder is not writable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        return True
    except OSError:
        return False
