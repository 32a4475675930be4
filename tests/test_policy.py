"""`privacylint policy draft` and `policy check`: sentences with their lines, claims in English and
Chinese (negation, exceptions, lists), drafts that validate, the seeds' drafts, and the comparison.

To refresh the seeds' drafts after a deliberate change: `python tests/test_policy.py --update`, then
review the diff and fixtures/policy_drafts/REVIEW.md.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from conftest import FIXTURES, REPO, run_cli  # noqa: E402

from privacylint.catalog import load_catalog  # noqa: E402
from privacylint.errors import LocatedError, PrivacylintError  # noqa: E402
from privacylint.manifest import load_manifest  # noqa: E402
from privacylint.policy.check import check_manifest  # noqa: E402
from privacylint.policy.compare import PolicyText  # noqa: E402
from privacylint.policy.draft import draft_text  # noqa: E402
from privacylint.policy.extract import Banned, Evidence, Kept, Shared, extract_claims  # noqa: E402
from privacylint.policy.lexicon import load_lexicon, parse_lexicon  # noqa: E402
from privacylint.policy.sentences import split_policy  # noqa: E402

DATA = Path(__file__).parent / "data" / "policy"
DRAFTS = FIXTURES / "policy_drafts"
SEEDS = REPO.parent / "shared" / "seeds"
SEED_DRAFTS = {"000_umegou_en": ["000_"], "001_umegou_zh": ["001_"], "002_domain_en": ["002_"],
               "003_shop_en": ["003_"], "004_marketplace_en": ["004_"], "000_001_umegou_merged": ["000_", "001_"]}


CATALOG = load_catalog()


def draft(*names: str) -> dict:
    return yaml.safe_load(draft_text([DATA / name for name in names], manifest_dir=DATA, catalog=CATALOG))


def claims(text: str, language: str = "auto") -> list:
    return extract_claims(split_policy(text, "p.txt", language), load_lexicon(CATALOG))


def collected(manifest: dict) -> list[tuple[str, int, str]]:
    return [(item["data"], item["line"], item["quote"]) for item in manifest["collects"]]


# ----- sentences ------------------------------------------------------------------------------

def test_sentences_keep_their_lines_through_wrapped_lines_headings_and_list_items():
    text = ("Privacy Notice\n\n1. What we collect\n\nWhen you create an account we ask for your name, email\n"
            "address and a password. We keep it for 2 years, e.g. for audits.\n"
            "(1) Device information: the model;\n(2) Location information.\n")
    document = split_policy(text, "p.txt")
    assert [(s.line, s.text, p.list_style) for p in document.paragraphs for s in p.sentences] == [
        (1, "Privacy Notice", None),
        (3, "What we collect", "number"),
        (5, "When you create an account we ask for your name, email address and a password.", None),
        (6, "We keep it for 2 years, e.g. for audits.", None),
        (7, "Device information: the model;", "paren"),
        (8, "Location information.", "paren"),
    ]
    assert document.language == "en"


def test_chinese_sentences_split_at_full_stops_and_join_wrapped_lines_without_spaces():
    document = split_policy("一、我们如何收集信息\n\n我们收集您的手机号码。我们不会出售\n您的个人信息！\n", "p.txt")
    assert document.language == "zh"
    assert [(s.line, s.text) for s in document.sentences] == [
        (1, "我们如何收集信息"), (3, "我们收集您的手机号码。"), (3, "我们不会出售您的个人信息！")]


def test_a_sentence_knows_the_line_of_each_of_its_parts():
    [sentence] = split_policy("We collect your email\naddress; we share it with\nadvertisers.\n", "p.txt").sentences
    assert [sentence.line_at(sentence.text.index(word)) for word in ("collect", "share", "advertisers")] == [1, 2, 3]


# ----- claims: negation, exceptions, subjects ---------------------------------------------------

def test_negation_stays_in_its_clause():
    evidence = lambda quote, exception=None: Evidence("p.txt", 1, quote, None, exception)  # noqa: E731
    assert claims("We do not sell your data, but we share your email address with advertisers.\n") == [
        Banned(("user",), ("sales",), None, None, evidence("We do not sell your data")),
        Shared("advertisers", ("user.contact.email",), (), evidence("but we share your email address with advertisers.")),
    ]


def test_an_exception_makes_a_ban_conditional_and_is_kept():
    [en] = claims("We will not share your phone number with partners unless you agree.\n")
    assert (en.data, en.to_kind, en.evidence.exception) == (("user.contact.phone_number",), None, "unless you agree.")
    [zh] = claims("除法律法规规定外,我们不会向第三方提供您的身份证号码。\n")
    assert (zh.data, zh.evidence.exception) == (
        ("user.government_id.national_identification_number.id_card_number",), "除法律法规规定外")
    [zh_unless] = claims("除非获得您的同意,我们不会与广告商共享您的手机号码。\n")
    assert (zh_unless.data, zh_unless.to_kind, zh_unless.evidence.exception) == (
        ("user.contact.phone_number",), "advertiser", "除非获得您的同意")


@pytest.mark.parametrize("sentence", [
    "If you do not provide your email, you cannot register.",
    "We cannot guarantee that third parties will not share your data.",
    "You can manage or delete cookies in your browser.",
    "If cross-border transfer is required in the future, we will ask for your consent.",
    "What information do we share with advertisers?",
    "如果您不提供手机号码,将无法使用配送服务。",
    "我们无法保证第三方不会披露您的信息。",
])
def test_sentences_about_you_disclaimers_conditions_and_questions_are_no_claims(sentence):
    assert claims(sentence + "\n") == []


def test_a_recipient_that_opens_a_clause_receives_what_it_collects():
    assert [(c.recipient, c.data) for c in claims("我们接入了友盟统计SDK,友盟会收集您的设备标识符。\n")] == [
        ("umeng", ("user.device.device_id",))]
    assert [(c.recipient, c.data) for c in claims(
        "We may use advertising companies to serve ads. These companies may use cookies.\n")] == [
        ("advertisers", ()), ("advertisers", ("user.device.cookie_id",))]


def test_residency_at_home_with_named_exceptions_abroad():
    kept = [c for c in claims("Your data is stored in the European Union. We do not transfer personal data "
                              "outside the EEA except to our processor in the United States.\n") if isinstance(c, Kept)]
    assert [(k.how, k.countries) for k in kept] == [("stored", ("EU",)), ("domestic", ("EEA",)), ("abroad", ("US",))]


# ----- drafts ---------------------------------------------------------------------------------

EN_BASIC = "The personal information we collect includes: basic information (your name, date of birth, mobile " \
           "phone number, email address)"
EN_DEVICE = "device information (device model, IMEI, Android ID, IDFA, IP address)."
EN_LOCATION = "When you use the store locator, we collect your precise location through GPS, Wi-Fi access " \
              "points and Bluetooth, and your approximate location from base stations."
EN_CARDS = "To process your order, we collect your credit card number, its security code and your bank card number."
EN_COOKIES = "We use cookies only to keep you signed in and to remember your preferences."


def test_english_policy_draft():
    manifest = draft("shop_en.txt")
    assert manifest["policy"] == "shop_en.txt"
    assert collected(manifest) == [
        ("user.name", 5, EN_BASIC), ("user.demographic.date_of_birth", 5, EN_BASIC),
        ("user.contact.phone_number", 5, EN_BASIC), ("user.contact.email", 5, EN_BASIC),
        ("user.device", 5, EN_DEVICE), ("user.device.device_id.imei", 5, EN_DEVICE),
        ("user.device.device_id.android_id", 5, EN_DEVICE), ("user.device.device_id.idfa", 5, EN_DEVICE),
        ("user.device.ip_address", 5, EN_DEVICE),
        ("user.location.precise", 6, EN_LOCATION), ("user.location.imprecise", 6, EN_LOCATION),
        ("user.financial.credit_card.number", 7, EN_CARDS), ("user.financial.credit_card.security_code", 7, EN_CARDS),
        ("user.financial.bank_account", 7, EN_CARDS), ("user.device.cookie_id", 8, EN_COOKIES)]
    payment = "We share your payment information with PayPal and Alipay to process your payment."
    assert manifest["recipients"] == {
        "delivery-companies": {
            "kind": "logistics", "data": ["user.name", "user.contact.address", "user.contact.phone_number"],
            "purposes": ["essential.service"], "line": 13,
            "quote": "We share your name, delivery address and phone number with logistics companies to deliver your orders."},
        "paypal": {"data": ["user.payment"], "purposes": ["essential.service.payment_processing"], "line": 14,
                   "quote": payment},
        "alipay": {"data": ["user.payment"], "purposes": ["essential.service.payment_processing"], "line": 14,
                   "quote": payment},
        "analytics-providers": {"kind": "analytics", "data": ["user.device"], "purposes": ["analytics"], "line": 17,
                                "quote": "but we share your device information with analytics providers for analytics."},
        "acquirers": {"kind": "partner", "data": ["user"], "line": 18,
                      "quote": "If we are acquired, your information may be transferred to the acquirer."},
    }
    assert manifest["transfers"] == {
        "allowed_countries": ["CN", "SG"], "line": 23,
        "quote": "Personal information collected in China is stored within the territory of China."}
    assert manifest["prohibits"] == [
        {"data": ["user.device.cookie_id"],
         "purposes": ["analytics", "collect", "employment", "essential.fraud_detection", "essential.legal_obligation",
                      "essential.service.notifications", "essential.service.operations",
                      "essential.service.payment_processing", "essential.service.security",
                      "essential.service.upgrades", "finance", "marketing", "operations", "personalize", "sales",
                      "third_party_sharing", "train_ai_system"],
         "quote": EN_COOKIES, "line": 8},
        {"data": ["user.name", "user.contact.email"], "to": {"kind": "advertiser"}, "line": 15,
         "quote": "We will not share your name or email address with advertisers unless you explicitly authorize it."},
        {"data": ["user"], "purposes": ["sales"], "quote": "We do not sell or rent your personal information.", "line": 16},
        {"data": ["user.behavior.browsing_history"], "purposes": ["sales"], "line": 17,
         "quote": "We do not sell your browsing history"},
    ]
    assert manifest["security"] == {"transport": "tls", "logs": "no-personal-data", "line": 28,
                                    "quote": "All data is transmitted using TLS encryption."}


ZH_BASIC = "我们收集的个人信息包括:个人基本资料(姓名、生日、手机号码、电子邮箱)"
ZH_DEVICE = "个人常用设备信息(设备型号、IMEI、OAID、MAC地址)"
ZH_LOCATION = "个人位置信息(通过GPS、WiFi及基站获取的位置)。"
ZH_ACCOUNT = "当您注册账户时,您需要向我们提供用户名和密码。"


def test_chinese_policy_draft():
    manifest = draft("shop_zh.txt")
    assert collected(manifest) == [
        ("user.name", 5, ZH_BASIC), ("user.demographic.date_of_birth", 5, ZH_BASIC),
        ("user.contact.phone_number", 5, ZH_BASIC), ("user.contact.email", 5, ZH_BASIC),
        ("user.device", 5, ZH_DEVICE), ("user.device.device_id.imei", 5, ZH_DEVICE),
        ("user.device.device_id.oaid", 5, ZH_DEVICE), ("user.device.device_id.mac_address", 5, ZH_DEVICE),
        ("user.location.precise", 5, ZH_LOCATION), ("user.location.imprecise", 5, ZH_LOCATION),
        ("user.account.username", 6, ZH_ACCOUNT), ("user.authorization.password", 6, ZH_ACCOUNT),
        ("user.financial.bank_account", 7, "为完成支付,我们会收集您的银行卡号。")]
    payment = "我们使用微信支付和支付宝处理您的付款。"
    assert manifest["recipients"] == {
        "delivery-companies": {
            "kind": "logistics", "data": ["user.behavior.purchase_history", "user.contact.address",
                                          "user.contact.phone_number"],
            "purposes": ["essential.service"], "quote": "我们会将您的订单信息、收货地址和手机号码提供给物流公司,用于配送商品。", "line": 12},
        "wechatpay": {"data": ["user"], "purposes": ["essential.service.payment_processing"], "quote": payment, "line": 13},
        "alipay": {"data": ["user"], "purposes": ["essential.service.payment_processing"], "quote": payment, "line": 13},
        "authorities": {"kind": "government", "data": ["user"], "purposes": ["essential.legal_obligation"],
                        "quote": "根据法律法规的要求,向司法机关提供。", "line": 18},
    }
    assert manifest["transfers"] == {"allowed_countries": ["CN"], "quote": "目前,我们不会将您的个人信息传输至境外。", "line": 23}
    assert manifest["prohibits"] == [
        {"data": ["user.name", "user.contact.phone_number"], "to": {"kind": "advertiser"},
         "quote": "我们不会向广告商提供您的姓名和电话号码,除非获得您的明确同意。", "line": 14},
        {"data": ["user"], "purposes": ["sales"], "quote": "我们不会出售您的个人信息。", "line": 15}]
    assert manifest["security"] == {"transport": "tls", "quote": "我们采用SSL加密传输技术保护您的个人信息。", "line": 24}


def test_drafts_pass_the_manifest_validator():
    english = load_manifest(draft_text([DATA / "shop_en.txt"], manifest_dir=DATA, catalog=CATALOG), "privacy.yaml", CATALOG)
    chinese = load_manifest(draft_text([DATA / "shop_zh.txt"], manifest_dir=DATA, catalog=CATALOG), "privacy.yaml", CATALOG)
    assert (sorted(english.transfers.allowed), english.security.transport, len(english.prohibits)) == (["CN", "SG"], "tls", 4)
    assert [(r.id, r.covers_kind) for r in chinese.recipients] == [
        ("delivery-companies", "logistics"), ("wechatpay", None), ("alipay", None), ("authorities", "government")]


def test_draft_comments_mark_it_as_a_draft_and_keep_exceptions_qualifiers_and_notes():
    text = draft_text([DATA / "shop_zh.txt"], manifest_dir=DATA, catalog=CATALOG)
    assert text.startswith("# DRAFT privacy.yaml written by `privacylint policy draft` from the policy text:\n"
                           "#   shop_zh.txt (zh)\n")
    assert '    # unless: "除非获得您的明确同意。"\n' in text
    assert '  # qualified: "目前"\n  # also line 22: "我们在中华人民共和国境内收集和产生的个人信息,将存储在中华人民共和国境内。"\n' in text
    assert ("# Not drafted: bans on sharing any personal data with anyone, which the manifest already\n"
            "# enforces: personal data may reach only the recipients declared above (PL201).\n"
            '#   line 16: "我们不会与任何第三方共享您的个人信息,但以下情况除外:"\n') in text


def test_two_versions_of_a_policy_merge_and_say_where_they_disagree():
    merged = draft_text([DATA / "pair_en.txt", DATA / "pair_zh.txt"], manifest_dir=DATA, catalog=CATALOG)
    assert merged == (DATA / "pair_merged.yaml").read_text(encoding="utf-8")


def test_the_lexicon_is_validated_against_the_catalog():
    lexicon = (REPO / "rules" / "policy" / "lexicon.yaml").read_text(encoding="utf-8")
    broken = lexicon.replace("  user.contact.email:\n", "  user.contact.emial:\n", 1)
    with pytest.raises(LocatedError) as error:
        parse_lexicon(broken, "lexicon.yaml", CATALOG)
    line = broken.splitlines().index("  user.contact.emial:") + 2
    assert str(error.value) == f"lexicon.yaml:{line}:5: unknown data category 'user.contact.emial'"


# ----- policy check ---------------------------------------------------------------------------

def test_quotes_are_found_across_line_breaks_quote_marks_and_ellipses():
    document = split_policy("Intro.\n\nWe will not share “your name”\nor email address with advertisers.\n", "p.txt")
    text = PolicyText([document])
    assert text.find('We will not share "your name" or email address') == ("p.txt", 3)
    assert text.find("We will not share ... with advertisers.") == ("p.txt", 3)
    assert text.find("We will sell your name") is None


def test_a_draft_agrees_with_its_policy(tmp_path):
    shutil.copy(DATA / "shop_en.txt", tmp_path / "policy.txt")
    written = run_cli("policy", "draft", "policy.txt", "-o", "privacy.yaml", cwd=tmp_path)
    assert (written.returncode, written.stdout) == (0, "")
    checked = run_cli("policy", "check", cwd=tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "privacy.yaml and the policy agree\n")


MANIFEST = """version: 1
policy: policy.txt
collects:
  - {data: user.contact, quote: "we collect your phone number and delivery address", line: 3}
  - {data: user.device, quote: "We collect your device model."}
recipients:
  delivery-companies:
    kind: logistics
    data: [user.contact.address]
    quote: "We share your delivery address with logistics companies."
    line: 5
  mixpanel:
    data: [user.contact.email]
"""


def test_policy_check_reports_unsupported_and_missing_claims(tmp_path):
    shutil.copy(DATA / "pair_en.txt", tmp_path / "policy.txt")
    (tmp_path / "privacy.yaml").write_text(MANIFEST, encoding="utf-8")
    result = run_cli("policy", "check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "privacy.yaml:5: collects user.device: its quote is not in the policy",
        '    "We collect your device model."',
        "privacy.yaml:7: recipient 'delivery-companies': its quote is on line 4 of policy.txt, not line 5",
        '    "We share your delivery address with logistics companies."',
        "privacy.yaml:12: recipient 'mixpanel' has no quote, and no sentence of the policy says it",
        "policy.txt:5: the policy shares personal data with paypal; no recipient declares it",
        '    "We share your payment information with PayPal."',
        "policy.txt:6: the policy keeps personal data in CN; the manifest has no `transfers`",
        '    "Your personal information is stored in China."',
        "5 mismatches between privacy.yaml and the policy",
    ]


def test_policy_check_needs_a_policy(tmp_path):
    (tmp_path / "privacy.yaml").write_text("version: 1\n", encoding="utf-8")
    with pytest.raises(PrivacylintError, match="name the policy file, or set `policy:` in the manifest"):
        check_manifest(tmp_path / "privacy.yaml", [], display_path="privacy.yaml", catalog=CATALOG)


# ----- command line ---------------------------------------------------------------------------

def test_draft_does_not_overwrite_a_manifest_without_force(tmp_path):
    shutil.copy(DATA / "pair_en.txt", tmp_path / "policy.txt")
    (tmp_path / "privacy.yaml").write_text("version: 1\n", encoding="utf-8")
    refused = run_cli("policy", "draft", "policy.txt", "-o", "privacy.yaml", cwd=tmp_path)
    assert (refused.returncode, refused.stderr) == (
        2, "privacylint: error: privacy.yaml already exists; `--force` replaces it\n")
    forced = run_cli("policy", "draft", "policy.txt", "-o", "privacy.yaml", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert (tmp_path / "privacy.yaml").read_text(encoding="utf-8").startswith("# DRAFT privacy.yaml")


def test_policy_command_errors_exit_2(tmp_path):
    assert run_cli("policy", cwd=tmp_path).returncode == 2
    missing = run_cli("policy", "draft", "nope.txt", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.startswith("privacylint: error: nope.txt: cannot read the policy")
    assert run_cli("policy", "draft", "x.txt", "--lang", "fr", cwd=tmp_path).returncode == 2


def test_draft_prints_to_stdout_with_the_policy_path_relative_to_the_current_folder(tmp_path):
    result = run_cli("policy", "draft", str(DATA / "pair_en.txt"), "--lang", "en", cwd=DATA.parent)
    assert result.returncode == 0
    assert 'policy: "policy/pair_en.txt"\n' in result.stdout


# ----- the seeds ------------------------------------------------------------------------------

def seed_paths(prefixes: list[str]) -> list[Path]:
    return [next(SEEDS.glob(prefix + "*.txt")) for prefix in prefixes]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed policies (../shared/seeds) are not in users' clones")
@pytest.mark.parametrize("name", sorted(SEED_DRAFTS))
def test_seed_drafts_validate_and_match_the_reviewed_ones(name):
    text = draft_text(seed_paths(SEED_DRAFTS[name]), manifest_dir=DRAFTS, catalog=CATALOG)
    load_manifest(text, f"{name}.yaml", CATALOG)
    assert text == (DRAFTS / f"{name}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("expected", sorted((DRAFTS / "expected").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_benchmark_expectations_are_valid_manifests(expected):
    load_manifest(expected.read_text(encoding="utf-8"), expected.name, CATALOG)


def test_no_draft_is_a_fixture_app_manifest():
    assert not (DRAFTS / "privacy.yaml").exists()


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    for seed_name, prefixes in SEED_DRAFTS.items():
        (DRAFTS / f"{seed_name}.yaml").write_text(draft_text(seed_paths(prefixes), manifest_dir=DRAFTS), encoding="utf-8")
    (DATA / "pair_merged.yaml").write_text(
        draft_text([DATA / "pair_en.txt", DATA / "pair_zh.txt"], manifest_dir=DATA), encoding="utf-8")
