"""User rules files (`[tool.privacylint] extend-rules`): merged into the catalog, part of the cache key,
and a broken one is an error naming file, line and column (exit 2), never a traceback."""

from __future__ import annotations

import pytest

from conftest import finding_rows, run_check, run_cli, write_project
from privacylint.api import Options, check
from privacylint.cli import main

PYPROJECT = '[tool.privacylint]\nextend-rules = ["privacy-rules"]\n'
RULES = """\
categories:
  user.contact.phone_number:
    names: [mobile_no]                  # our own field name, added to a category of rules/
  user.loyalty:
    description: A loyalty programme membership.
  user.loyalty.card_number:
    description: A loyalty card number.
recipients:
  - id: acme-crm
    name: Acme CRM
    kind: crm
    country: DE
    purposes: [marketing]
    modules: [acme_crm]
    calls:
      - {call: acme_crm.Client().push, args: [0]}
"""
MORE_RULES = """\
containers:
  - {pattern: request.member, category: user.loyalty.card_number}
logs:
  - {call: audit.record}
ends_flow: [masking.redact]
"""
# The manifest names acme-crm without hosts or modules: only the user's rules make it a known id.
MANIFEST = ("version: 1\ncollects: [user.contact, user.loyalty]\nrecipients:\n  acme-crm: {data: [user.contact]}\n"
            "security: {logs: no-personal-data}\n")
APP = """\
import acme_crm
import audit
import masking


def sync(request):
    client = acme_crm.Client()
    client.push(request.mobile_no)
    client.push(request.member)
    client.push(masking.redact(request.member))
    audit.record(request.mobile_no)
"""
APP_ROWS = [("PL202", 9, "user.loyalty.card_number", "acme-crm"), ("PL402", 11, "user.contact.phone_number", None)]


def shop(root, modules=("app",), rules=RULES):
    files = {"pyproject.toml": PYPROJECT, "privacy.yaml": MANIFEST, "privacy-rules/crm.yaml": rules,
             "privacy-rules/more/sources.yml": MORE_RULES}
    return write_project(root, {**files, **{f"{module}.py": APP for module in modules}})


def rows(report, modules=("app",)) -> list[tuple]:
    return [(code, f"{module}.py", line, category, recipient)
            for module in modules for code, line, category, recipient in APP_ROWS]


def test_user_recipients_sources_sinks_sanitizers_and_names_are_merged_into_the_catalog(tmp_path):
    report = run_check(shop(tmp_path))
    assert finding_rows(report) == rows(report)
    assert report.errors == []


# A loyalty vendor of a kind and purpose rules/ lacks, hosted in the company's own cloud.
LOYALTY_RULES = """\
kinds: {loyalty: {description: A loyalty programme operator.}}
purposes: {marketing.loyalty: {description: Runs the loyalty programme.}}
qualifiers: [patron]
regions: {corp-cloud: {fra1: DE, sha1: CN}}
recipients:
  - id: points-hub
    name: PointsHub
    kind: loyalty
    country: null
    purposes: [marketing.loyalty]
    region:
      provider: corp-cloud
      from: [{call: pointshub.connect, arg: region}]
    calls: [{call: pointshub.connect().award}]
storage: [{call: ledger.write}]
http: [{call: corp_http.send, url: [0]}]
pseudonymizes: [corp_crypto.blind]
"""
LOYALTY_APP = """\
import corp_crypto
import corp_http
import ledger
import pointshub


def award(request):
    email = request.user.patron_email
    pointshub.connect(region="fra1").award(email)
    pointshub.connect(region="sha1").award(corp_crypto.blind(email))
    ledger.write(request.POST["cvv"])
    corp_http.send("http://points.example/award", email)
"""


def test_kinds_purposes_qualifiers_regions_storage_http_and_digests_are_merged_too(tmp_path):
    root = write_project(tmp_path, {
        "pyproject.toml": '[tool.privacylint]\nextend-rules = ["loyalty.yaml"]\n', "loyalty.yaml": LOYALTY_RULES,
        "privacy.yaml": "version: 1\ncollects: [user]\ntransfers: {allowed_countries: [CN]}\n"
                        "security: {transport: tls}\n", "app.py": LOYALTY_APP})
    report = run_check(root)
    assert [(f.code, f.location.line, f.category, f.recipient and (f.recipient.id, f.recipient.kind, f.recipient.country),
             f.purpose) for f in report.findings] == [
        ("PL201", 9, "user.contact.email", ("points-hub", "loyalty", "DE"), "marketing.loyalty"),
        ("PL301", 9, "user.contact.email", ("points-hub", "loyalty", "DE"), "marketing.loyalty"),
        ("PL201", 10, "user.unique_id.pseudonymous", ("points-hub", "loyalty", "CN"), "marketing.loyalty"),
        ("PL403", 11, "user.financial.credit_card.security_code", None, None),
        ("PL201", 12, "user.contact.email", ("points.example", "third_party", None), None),
        ("PL302", 12, "user.contact.email", ("points.example", "third_party", None), None),
        ("PL401", 12, "user.contact.email", ("points.example", "third_party", None), None),
    ]


def test_workers_use_the_user_rules_too(tmp_path):
    modules = tuple(f"app{number}" for number in range(9))  # enough files for the process pool
    root = shop(tmp_path, modules)
    serial, _ = check(Options(paths=(root,), use_cache=False, jobs=1))
    parallel, _ = check(Options(paths=(root,), use_cache=False, jobs=2))
    assert finding_rows(serial) == finding_rows(parallel) == rows(serial, modules)


def test_the_cache_key_includes_the_user_rules(tmp_path):
    root = shop(tmp_path)
    messages = []
    for country in ("DE", "US"):
        (root / "privacy-rules" / "crm.yaml").write_text(RULES.replace("country: DE", f"country: {country}"))
        report, _ = check(Options(paths=(root,), use_cache=True, jobs=1))
        messages.append([f.message for f in report.findings if f.code == "PL202"])
    assert messages == [["user.loyalty.card_number reaches acme-crm (DE), declared only for user.contact"],
                        ["user.loyalty.card_number reaches acme-crm (US), declared only for user.contact"]]


BAD_RECIPIENT = "recipients:\n  - {id: acme, name: Acme, kind: crm, country: DE, purposes: [marketing]"


@pytest.mark.parametrize("text,message", [
    ("recipients: [\n", "bad.yaml:2:1: invalid YAML: did not find expected node content"),
    ("recipient: []\n", "bad.yaml:1:1: unknown key 'recipient' in a rules file; did you mean 'recipients'?"),
    ("countries: {XX: Nowhere}\n", "bad.yaml:1:1: unknown key 'countries' in a rules file; did you mean 'containers'?"),
    ("recipients: {acme: {}}\n", "bad.yaml:1:13: recipients must be a list, not a mapping"),
    (BAD_RECIPIENT + ", modules: 7}\n", "bad.yaml:2:84: modules must be a list, not a number"),
    ("containers:\n  - {pattern: request.member, category: user.contact.emial}\n",
     "bad.yaml:2:41: unknown data category 'user.contact.emial'; did you mean 'user.contact.email'?"),
    (BAD_RECIPIENT.replace("kind: crm", "kind: crn") + "}\n",
     "bad.yaml:2:34: unknown recipient kind 'crn'; did you mean 'crm'?"),
    ("logs:\n  - {call: audit.record, purpose: analytcs}\n",
     "bad.yaml:2:35: unknown purpose 'analytcs'; did you mean 'analytics'?"),
    (BAD_RECIPIENT.replace("id: acme", "id: stripe") + "}\n",
     "bad.yaml:2:10: duplicate recipient id 'stripe'; ids are unique across rules/ and extend-rules; to change a "
     "catalog recipient's country, hosts or modules, declare it in privacy.yaml"),
    (BAD_RECIPIENT + ", modules: [stripe]}\n",
     "bad.yaml:2:85: recipient 'acme': module stripe already belongs to recipient 'stripe'"),
    ("categories:\n  user.loyalty.card_number: {description: A card.}\n",
     "bad.yaml:2:3: category 'user.loyalty.card_number' has no parent 'user.loyalty'; add the parent category too"),
    ("categories:\n  user.contact.email: {description: Mine.}\n",
     "bad.yaml:2:24: category 'user.contact.email' is already in the catalog; only `names` can be added to it"),
    ("ends_flow: !!python/name:os.system\n", "bad.yaml:1:12: unsupported YAML tag tag:yaml.org,2002:python/name:os.system"),
    ("", "bad.yaml:1:1: a rules file must be a mapping, not empty"),
])
def test_a_broken_rules_file_is_a_located_error_and_exit_2(tmp_path, capsys, text, message):
    write_project(tmp_path, {"pyproject.toml": '[tool.privacylint]\nextend-rules = ["bad.yaml"]\n',
                             "privacy.yaml": "version: 1\n", "app.py": "x = 1\n", "bad.yaml": text})
    assert main(["check", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"privacylint: error: {tmp_path / message}\n"


def test_two_user_files_cannot_define_one_recipient(tmp_path, capsys):
    one = BAD_RECIPIENT + "}\n"
    shop(tmp_path, rules=RULES + one.replace("recipients:\n", ""))
    (tmp_path / "privacy-rules" / "z.yaml").write_text(one)
    assert main(["check", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(
        f"privacylint: error: {tmp_path / 'privacy-rules/z.yaml'}:2:10: duplicate recipient id 'acme'")


def test_a_rules_file_that_is_not_utf8_is_a_located_error(tmp_path, capsys):
    shop(tmp_path)
    (tmp_path / "privacy-rules" / "latin.yaml").write_bytes("ends_flow: [café]\n".encode("latin-1"))
    assert main(["check", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"privacylint: error: {tmp_path / 'privacy-rules/latin.yaml'}:1:1: cannot read "
                                       "the rules file: not UTF-8 (invalid continuation byte)\n")


@pytest.mark.parametrize("setting,message", [
    ('extend-rules = ["missing.yaml"]', "pyproject.toml:2:1: [tool.privacylint] extend-rules: 'missing.yaml' is not "
     "a file or folder; paths are relative to the folder of pyproject.toml"),
    ('extend-rules = ["empty"]', "pyproject.toml:2:1: [tool.privacylint] extend-rules: 'empty' is a folder without "
     ".yaml files; paths are relative to the folder of pyproject.toml"),
    ('extend-rules = "rules.yaml"', "pyproject.toml:2:1: [tool.privacylint] extend-rules must be a list of strings"),
    ('extend_rules = ["rules.yaml"]', "pyproject.toml:2:1: unknown key 'extend_rules' in [tool.privacylint]; "
     "did you mean 'extend-rules'?"),
])
def test_extend_rules_must_name_rules_files(tmp_path, capsys, setting, message):
    write_project(tmp_path, {"pyproject.toml": f"[tool.privacylint]\n{setting}\n", "privacy.yaml": "version: 1\n",
                             "app.py": "x = 1\n", "empty/notes.txt": "no rules here\n"})
    assert main(["check", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"privacylint: error: {tmp_path / message}\n"


def test_the_command_line_shows_no_traceback_for_a_broken_rules_file(tmp_path):
    write_project(tmp_path, {"pyproject.toml": '[tool.privacylint]\nextend-rules = ["bad.yaml"]\n',
                             "privacy.yaml": "version: 1\n", "app.py": "x = 1\n",
                             "bad.yaml": "recipients:\n  - id: Acme\n"})
    result = run_cli("check", str(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"privacylint: error: {tmp_path / 'bad.yaml'}:2:9: recipient id 'Acme' must be lowercase letters "
               "and digits joined by dashes\n")
