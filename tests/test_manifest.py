"""The manifest: every mistake stops the run with file:line:col, what was expected and the nearest key."""

from __future__ import annotations

import pytest

from conftest import run_cli, write_project
from privacylint.catalog import load_catalog
from privacylint.errors import LocatedError
from privacylint.manifest import load_manifest

CATALOG = load_catalog()


def error_of(text: str) -> str:
    with pytest.raises(LocatedError) as caught:
        load_manifest(text, "privacy.yaml", CATALOG)
    return str(caught.value)


@pytest.mark.parametrize("text,expected", [
    ("version: 1\ncollects:\n  - user.contact.emial\n",
     "privacy.yaml:3:5: unknown data category 'user.contact.emial'; did you mean 'user.contact.email'?"),
    ("version: 1\nrecipents: {}\n",
     "privacy.yaml:2:1: unknown key 'recipents' in the manifest; did you mean 'recipients'?"),
    ("version: 1\nrecipients:\n  strpe: {data: [user.financial]}\n",
     "privacy.yaml:3:3: unknown recipient 'strpe'; did you mean 'stripe'?"),
    ("version: 1\nrecipients:\n  stripe: {data: [user.financial], purposes: [analytcs]}\n",
     "privacy.yaml:3:47: unknown purpose 'analytcs'; did you mean 'analytics'?"),
    ("version: 1\ntransfers: {allowed_countries: [CN, XX]}\n",
     "privacy.yaml:2:37: unknown country 'XX'"),
    ("version: 1\ntransfers: {allowed_countries: [cn]}\n",
     "privacy.yaml:2:33: unknown country 'cn'; country codes are upper case: 'CN'"),
    ("version: 1\nrecipients:\n  ads: {kind: advertizer, data: [user.device]}\n",
     "privacy.yaml:3:15: unknown recipient kind 'advertizer'; did you mean 'advertiser'?"),
    ("version: 1\nrecipients:\n  stripe: {dat: [user.financial]}\n",
     "privacy.yaml:3:12: unknown key 'dat' in recipient 'stripe'; did you mean 'data'?"),
    ("version: 1\ncollects: user.contact\n",
     "privacy.yaml:2:11: collects must be a list, not a string"),
    ("- version: 1\n", "privacy.yaml:1:1: the manifest must be a mapping, not a list"),
    ("version: 1\nversion: 1\n", "privacy.yaml:2:1: duplicate key 'version'; first at line 1"),
    ("version: 1\ncollects: [user.contact\n", "privacy.yaml:3:1: invalid YAML"),
    ("", "privacy.yaml:1:1: the manifest is empty; start with `version: 1`"),
    ("version: 1\nprohibits:\n  - {data: [user.name], to: {recipient: facebok}}\n",
     "privacy.yaml:3:41: unknown recipient 'facebok'; did you mean 'facebook'?"),
])
def test_errors_name_file_line_column_and_a_hint(text, expected):
    assert error_of(text).startswith(expected)


def test_norway_is_a_country_not_false():
    manifest = load_manifest("version: 1\ntransfers: {allowed_countries: [NO, EU]}\n", "privacy.yaml", CATALOG)
    assert "NO" in manifest.transfers.allowed and "DE" in manifest.transfers.allowed


def test_yaml_tags_are_refused():
    assert "unsupported YAML tag" in error_of("version: 1\npolicy: !!python/object/apply:os.system [ls]\n")


def test_bad_manifest_exits_2_with_location(tmp_path):
    write_project(tmp_path, {"privacy.yaml": "version: 1\ncollects: [user.contact.emial]\n", "app.py": "x = 1\n"})
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    assert "privacy.yaml:2:12: unknown data category 'user.contact.emial'; did you mean 'user.contact.email'?" \
        in result.stderr


def test_missing_manifest_is_said_and_everything_is_undeclared(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n",
                             "app.py": 'import stripe\n\ndef f(request):\n'
                                       '    stripe.Customer.create(email=request.POST["email"])\n'})
    result = run_cli("check", "--format", "concise", "--no-cache", str(tmp_path))
    assert "no privacy.yaml found" in result.stderr
    assert result.returncode == 1
    assert "app.py:4:5: PL201 user.contact.email reaches stripe (US)" in result.stdout


def test_pyproject_names_the_manifest(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "[tool.privacylint]\nmanifest = 'policy/claims.yaml'\n",
                             "policy/claims.yaml": "version: 1\ncollects: [user.contact.emial]\n",
                             "app.py": "x = 1\n"})
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    assert "policy/claims.yaml:2:12: unknown data category" in result.stderr


def test_pyproject_unknown_key_is_an_error(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "[project]\nname='x'\n\n[tool.privacylint]\nmanifets = 'a.yaml'\n",
                             "app.py": "x = 1\n"})
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    assert "pyproject.toml:5:1: unknown key 'manifets' in [tool.privacylint]; did you mean 'manifest'?" in result.stderr


def test_invalid_toml_is_an_error(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "[tool.privacylint\n", "app.py": "x = 1\n"})
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    assert "pyproject.toml:1:" in result.stderr and "invalid TOML" in result.stderr


@pytest.mark.parametrize("text,expected", [
    ("version: 1\nsanitizers: [myapp.privacy.redact, 'myapp.privacy redact']\n",
     "privacy.yaml:2:36: 'myapp.privacy redact' is not a qualified function name; write it as imported, "
     "e.g. myapp.privacy.redact or myapp.privacy.Redactor().redact"),
    ("version: 1\nsanitizers:\n  - '*.*'\n", "privacy.yaml:3:5: '*.*' would end every flow; name the redaction "
     "function itself"),
    ("version: 1\nsanitizers:\n  - myapp.redact\n  - myapp.redact\n",
     "privacy.yaml:4:5: sanitizer 'myapp.redact' is listed twice"),
    ("version: 1\nsanitizers: {redact: myapp.redact}\n", "privacy.yaml:2:13: sanitizers must be a list, not a mapping"),
    ("version: 1\nsanitizers: [3]\n", "privacy.yaml:2:14: each item of sanitizers must be a string, not a number"),
    ("version: 1\nsanitisers: [myapp.redact]\n",
     "privacy.yaml:2:1: unknown key 'sanitisers' in the manifest; did you mean 'sanitizers'?"),
])
def test_sanitizers_are_qualified_names(text, expected):
    assert error_of(text) == expected


def test_sanitizers_are_kept_in_order():
    manifest = load_manifest("version: 1\nsanitizers: [myapp.privacy.redact, 'myapp.*.Scrubber().clean']\n",
                             "privacy.yaml", CATALOG)
    assert manifest.sanitizers == ("myapp.privacy.redact", "myapp.*.Scrubber().clean")
