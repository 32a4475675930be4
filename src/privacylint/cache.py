"""Module facts cached by content hash under .privacylint_cache/ (with CACHEDIR.TAG, as ruff does)."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Optional

from privacylint import __version__
from privacylint.facts import ModuleFacts

CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by privacylint.\n"
                "# For information about cache directory tags see https://bford.info/cachedir/\n")


class FactsCache:
    """Entries are keyed on everything facts depend on; a bad entry is a miss, never an error."""

    def __init__(self, root: Path, rules_digest: str, enabled: bool = True):
        self.folder = root / ".privacylint_cache" / "facts"
        self.salt = f"{__version__}\0{rules_digest}".encode()
        self.enabled = enabled and self._prepare(root / ".privacylint_cache")

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

    def get(self, key: str) -> Optional[ModuleFacts]:
        if not self.enabled:
            return None
        try:
            with open(self.folder / key[:2] / key, "rb") as handle:
                facts = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return None
        return facts if isinstance(facts, ModuleFacts) else None

    def put(self, key: str, facts: ModuleFacts) -> None:
        if not self.enabled:
            return
        folder = self.folder / key[:2]
        try:
            folder.mkdir(exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                pickle.dump(facts, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, folder / key)  # atomic: concurrent runs never see half an entry
        except OSError:
            self.enabled = False
