"""`privacylint policy draft`: policy files -> the text of a draft privacy.yaml that validates."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from privacylint.catalog import Catalog, load_catalog
from privacylint.errors import PrivacylintError
from privacylint.manifest import load_manifest
from privacylint.policy.extract import extract_claims
from privacylint.policy.lexicon import load_lexicon
from privacylint.policy.merge import Draft, merge_claims
from privacylint.policy.render import render_draft
from privacylint.policy.sentences import Document, read_policy


def read_draft(documents: Sequence[Document], catalog: Catalog) -> Draft:
    """Every claim the policy files make, merged."""
    lexicon = load_lexicon(catalog)
    return merge_claims([(d.path, d.language, extract_claims(d, lexicon)) for d in documents], lexicon)


def draft_text(paths: Sequence[Path], language: str = "auto", manifest_dir: Optional[Path] = None,
               catalog: Optional[Catalog] = None) -> str:
    """The draft's text; `policy:` is written relative to manifest_dir (default: the current folder)."""
    catalog = catalog or load_catalog()
    draft = read_draft([read_policy(path, language) for path in paths], catalog)
    text = render_draft(draft, manifest_dir or Path.cwd())
    try:
        load_manifest(text, "the draft", catalog)
    except PrivacylintError as error:
        raise PrivacylintError(f"internal error: the draft does not validate ({error}); please report it") from None
    return text
