"""The accuracy corpus (benchmarks/accuracy/) stays well-formed: every truth.yaml follows its format and
agrees with its app's files, manifest and the catalog. Scores are not asserted here: they change as the
engine improves (run benchmarks/accuracy/score.py for them)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import REPO  # noqa: E402

from privacylint.catalog import load_catalog  # noqa: E402

SCORE = REPO / "benchmarks" / "accuracy" / "score.py"
spec = importlib.util.spec_from_file_location("accuracy_score", SCORE)
score = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = score        # dataclasses look their module up while the file runs
spec.loader.exec_module(score)

APP_DIRS = sorted(p for p in score.APPS.iterdir() if p.is_dir())
CATALOG = load_catalog()
VOCABULARY = score.load_vocabulary()


@pytest.mark.parametrize("app_dir", APP_DIRS, ids=lambda p: p.name)
def test_truth_is_well_formed_and_manifest_validates(app_dir):
    truth = score.load_truth(app_dir, VOCABULARY, CATALOG)   # validates privacy.yaml too
    assert truth.app == app_dir.name
    assert 1 <= len([p for p in app_dir.rglob("*.py") if p.stat().st_size]) <= 4   # empty __init__.py aside


def test_corpus_size_and_coverage():
    truths = [score.load_truth(app_dir, VOCABULARY, CATALOG) for app_dir in APP_DIRS]
    assert len(truths) >= 20
    assert all(t.app[:2].isdigit() and t.app[2] == "_" for t in truths)
    exercised = {name for t in truths for name in t.patterns}
    assert set(VOCABULARY) - exercised == set()
    assert len([t for t in truths if not t.flows and not t.findings]) >= 2


@pytest.fixture
def broken_app(tmp_path):
    """A copy of one app whose truth.yaml the test rewrites, to see the validator refuse it."""
    app = tmp_path / "01_flask_signup_locals"
    shutil.copytree(score.APPS / app.name, app)

    def rewrite(old: str, new: str) -> Path:
        truth = app / "truth.yaml"
        text = truth.read_text(encoding="utf-8")
        assert old in text
        truth.write_text(text.replace(old, new), encoding="utf-8")
        return app
    return rewrite


@pytest.mark.parametrize("old, new, message", [
    ("[PL202, app.py, 26, user.contact.email, mixpanel]", "[PL202, app.py, 26, user.contact.emial, mixpanel]",
     "unknown category 'user.contact.emial'"),
    ("[PL201, app.py, 30, user.contact.phone_number, twilio]", "[PL201, app.py, 31, user.contact.phone_number, twilio]",
     "no matching flow [user.contact.phone_number, app.py:31, twilio]"),
    ("[PL502, app.py, 6, null, twilio]", "[PL502, app.py, 99, null, twilio]", "app.py has no line 99"),
    ("[user.contact.email, app.py:26, mixpanel]", "[user.contact.email, app.py:26, mixpanl]",
     "'mixpanl' is neither a catalog or manifest recipient nor a host"),
    ("  app.py:39: augmented_assignment", "  app.py:39: walrus_operator", "pattern 'walrus_operator' is not in"),
    ("patterns: [local_variables,", "patterns: [comprehension, local_variables,",
     "patterns ['comprehension'] are exercised by no site"),
    ("[PL502, app.py, 6, null, twilio]", "[PL999, app.py, 6, null, twilio]", "unknown code 'PL999'"),
])
def test_validator_refuses_broken_truth(broken_app, old, new, message):
    app = broken_app(old, new)
    with pytest.raises(score.TruthError, match=re.escape(message)):
        score.load_truth(app, VOCABULARY, CATALOG)
