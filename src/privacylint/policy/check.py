"""`privacylint policy check`: a manifest and its policy files -> the claims on which they differ."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from privacylint.catalog import Catalog, load_catalog
from privacylint.errors import PrivacylintError
from privacylint.manifest import load_manifest
from privacylint.policy.compare import Mismatch, compare
from privacylint.policy.draft import read_draft
from privacylint.policy.sentences import read_policy


def check_manifest(manifest_file: Path, paths: Sequence[Path], language: str = "auto",
                   display_path: Optional[str] = None, catalog: Optional[Catalog] = None) -> list[Mismatch]:
    """Compare with `paths`, or else with the policy the manifest names (`policy:`, relative to its folder)."""
    catalog = catalog or load_catalog()
    shown = display_path or str(manifest_file)
    if not manifest_file.is_file():
        raise PrivacylintError(f"{shown}: manifest not found")
    manifest = load_manifest(manifest_file.read_text(encoding="utf-8"), shown, catalog)
    if not paths:
        if not manifest.policy:
            raise PrivacylintError(f"{shown}: name the policy file, or set `policy:` in the manifest")
        paths = [Path(shown_path(manifest_file.parent / manifest.policy))]
    documents = [read_policy(path, language) for path in paths]
    return compare(manifest, read_draft(documents, catalog), documents, catalog)


def shown_path(path: Path) -> str:
    """A path as the user sees it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
