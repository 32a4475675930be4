"""The recipient catalog: loading and validation, module and host lookup, filters of `privacylint rules`."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import REPO, finding_rows, run_check, run_cli, write_project
from privacylint.catalog import load_catalog
from privacylint.errors import PrivacylintError

CATALOG = load_catalog()


def test_the_catalog_covers_at_least_a_hundred_recipients_of_every_family():
    assert len(CATALOG.recipients) >= 100
    issue_ids = {"stripe", "braintree", "paypal", "adyen", "square", "razorpay", "mollie", "klarna", "checkout-com",
                 "alipay", "wechatpay", "unionpay", "segment", "mixpanel", "amplitude", "posthog", "heap",
                 "rudderstack", "snowplow", "google-analytics", "umeng", "baidu-tongji", "facebook", "google-ads",
                 "tiktok", "twitter-ads", "baidu-ads", "tencent-ads", "sentry", "rollbar", "bugsnag", "honeybadger",
                 "datadog", "newrelic", "opentelemetry", "twilio", "sendgrid", "mailgun", "postmark", "mailchimp",
                 "aws", "aliyun-sms", "tencent-sms", "firebase", "onesignal", "jpush", "slack", "telegram",
                 "google-cloud", "azure-blob", "azure-cosmos", "aliyun-oss", "tencent-cos", "huawei-obs",
                 "googlemaps", "mapbox", "here", "amap", "baidu-maps", "tencent-maps", "ipinfo", "ipstack",
                 "hubspot", "salesforce", "zendesk", "intercom", "freshdesk", "openai", "anthropic",
                 "google-gemini", "azure-openai", "baidu-qianfan", "dashscope", "zhipu", "moonshot", "deepseek",
                 "algolia", "elastic-cloud", "auth0", "okta"}
    assert sorted(issue_ids - set(CATALOG.recipients)) == []


def test_longest_module_prefix_wins():
    assert CATALOG.recipient_for_module("wechatpy.pay.api").id == "wechatpay"
    assert CATALOG.recipient_for_module("wechatpy.client.api").id == "wechat"
    assert CATALOG.recipient_for_module("geoip2.webservice").id == "maxmind"
    assert CATALOG.recipient_for_module("geoip2.database") is None
    assert CATALOG.recipient_for_module("segment.analytics.client").id == "segment"
    assert CATALOG.recipient_for_module("opentelemetry.trace") is None
    assert CATALOG.recipient_for_module("opentelemetry.exporter.otlp.proto.http").id == "opentelemetry"


def test_a_project_module_named_like_an_sdk_is_the_projects(tmp_path):
    root = write_project(tmp_path, {
        "privacy.yaml": "version: 1\ncollects: [user]\n",
        "analytics.py": "def track(user_id, event, properties):\n    return None\n",
        "app.py": "import analytics\n\n\ndef signup(request):\n"
                  "    analytics.track(request.user.id, 'Signed Up', {'email': request.user.email})\n",
    })
    assert finding_rows(run_check(root)) == []
    (root / "analytics.py").unlink()
    assert finding_rows(run_check(root)) == [("PL502", "app.py", 1, None, "segment"),
                                             ("PL201", "app.py", 5, "user.contact.email", "segment")]


def test_every_argument_and_the_receiver(tmp_path):
    """Snowplow's `args: ["*", self]`: the Subject given to Tracker() is sent with each event."""
    root = write_project(tmp_path, {
        "privacy.yaml": "version: 1\ncollects: [user]\nrecipients:\n  snowplow: {data: [user.device]}\n",
        "app.py": "from snowplow_tracker import Emitter, Subject, Tracker\n\n\ndef page(request):\n"
                  "    tracker = Tracker('shop', Emitter('c.example.com'), subject=Subject().set_user_id(request.user.email))\n"
                  "    tracker.track_page_view(request.GET['url'], page_title=request.user.phone)\n",
    })
    assert finding_rows(run_check(root)) == [("PL202", "app.py", 6, "user.contact.email", "snowplow"),
                                             ("PL202", "app.py", 6, "user.contact.phone_number", "snowplow")]


def test_an_endpoint_region_sets_the_country(tmp_path):
    root = write_project(tmp_path, {
        "privacy.yaml": "version: 1\ncollects: [user]\nrecipients:\n  huawei-obs: {data: [user]}\n"
                        "transfers: {allowed_countries: [CN]}\n",
        "app.py": "from obs import ObsClient\n\n"
                  "home = ObsClient(server='https://obs.cn-north-4.myhuaweicloud.com')\n"
                  "abroad = ObsClient(server='obs.ap-southeast-3.myhuaweicloud.com')\n\n\n"
                  "def export(request):\n"
                  "    home.putContent('b', 'k', request.user.phone)\n"
                  "    abroad.putContent('b', 'k', request.user.phone)\n",
    })
    report = run_check(root)
    assert [(f.code, f.location.line, f.recipient.country) for f in report.findings] == [("PL301", 9, "SG")]


@pytest.mark.parametrize("kind,country,expected", [
    ("maps", "AT", ["ipstack"]),
    ("search", None, ["algolia", "elastic-cloud"]),
    ("identity", "JP", ["auth0"]),
    ("cloud", "HK", ["aliyun", "aliyun-oss", "aws", "baidu-bos", "google-cloud", "huawei-obs", "tencent-cos"]),
])
def test_select_recipients_by_kind_and_country(kind, country, expected):
    assert [r.id for r in CATALOG.select_recipients(kind, country)] == expected


def test_select_recipients_third_party_is_every_kind_and_eu_is_its_members():
    assert len(CATALOG.select_recipients("third_party")) == len(CATALOG.recipients)
    eu = {r.id for r in CATALOG.select_recipients(country="EU")}
    assert {"mollie", "adyen", "mailjet", "opencage", "mixpanel", "sentry"} <= eu
    assert {"razorpay", "unionpay", "cohere"}.isdisjoint(eu)


def test_select_recipients_rejects_unknown_names():
    with pytest.raises(PrivacylintError, match="unknown kind 'advertisr'; did you mean 'advertiser'"):
        CATALOG.select_recipients("advertisr")
    with pytest.raises(PrivacylintError, match="unknown country 'XX'"):
        CATALOG.select_recipients(country="XX")


def test_rules_cli_filters_and_json():
    text = run_cli("rules", "--kind", "payment_processor", "--country", "NL")
    assert text.returncode == 0
    assert text.stdout.splitlines() == ["Recipients (2):",
                                        "  adyen                payment_processor  NL               Adyen",
                                        "  mollie               payment_processor  NL               mollie"]
    data = json.loads(run_cli("rules", "--kind", "identity", "--format", "json").stdout)
    assert [r["id"] for r in data["recipients"]] == ["auth0", "okta"]
    auth0 = data["recipients"][0]
    assert (auth0["country"], auth0["countries"], auth0["modules"]) == \
        ("US", ["AU", "CA", "EU", "GB", "JP", "US"], ["auth0"])
    assert data["checks"][0]["code"] == "PL101"
    bad = run_cli("rules", "--country", "XX")
    assert bad.returncode == 2 and "unknown country 'XX'" in bad.stderr


def broken_rules(tmp_path, recipients_yaml: str):
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules, ignore=shutil.ignore_patterns("recipients"))
    (rules / "recipients").mkdir()
    (rules / "recipients" / "test.yaml").write_text(recipients_yaml, encoding="utf-8")
    return rules


ENTRY = ("recipients:\n  - id: acme\n    name: Acme\n    kind: analytics\n    country: US\n"
         "    purposes: [analytics]\n")


@pytest.mark.parametrize("extra,message", [
    ("    hosts: ['api.*.acme.example']\n", "test.yaml:7:13: 'api.*.acme.example' is not a host name"),
    ("    examples:\n      - {invalid: 'x = 1', line: 2}\n", "test.yaml:8:34: line 2 is outside the example's 1 lines"),
    ("    examples:\n      - {valid: 'x = 1', line: 1}\n", "a valid example of acme has no line"),
    ("    calls:\n      - {call: acme.send, removed: 2}\n", "unknown key 'removed' in call"),
])
def test_malformed_recipients_are_located_errors(tmp_path, extra, message):
    with pytest.raises(PrivacylintError, match=message.replace("(", r"\(").replace("*", r"\*").replace(".", r"\.")):
        load_catalog(broken_rules(tmp_path, ENTRY + extra))


def test_a_module_or_host_names_one_recipient(tmp_path):
    twice = ENTRY + "    modules: [acme]\n" + ENTRY.replace("recipients:\n", "").replace("id: acme", "id: acme-two") + \
        "    modules: [acme]\n"
    with pytest.raises(PrivacylintError, match="recipient 'acme-two': module acme already belongs to recipient 'acme'"):
        load_catalog(broken_rules(tmp_path, twice))


@pytest.mark.parametrize("name, pattern, expected", [
    ("openai.OpenAI().chat.completions.create", "openai.OpenAI().*.create", True),
    ("openai.OpenAI().create", "openai.OpenAI().*.create", False),
    ("aba", "ab*ba", False),
    ("abba", "ab*ba", True),
    ("boto3.client", "boto3.client", True),
    ("boto3.client", "boto3.clien", False),
    ("x.y", "x?y", True),
    ("x.y", "x[.]y", True),
])
def test_glob_matches_as_fnmatch_does(name, pattern, expected):
    import fnmatch

    from privacylint.catalog import glob_matches

    assert glob_matches(name, pattern) is expected is fnmatch.fnmatchcase(name, pattern)


def test_glob_matches_equals_fnmatch_on_generated_names_and_patterns():
    hypothesis = pytest.importorskip("hypothesis")
    import fnmatch

    from hypothesis import strategies

    from privacylint.catalog import glob_matches

    @hypothesis.settings(max_examples=2000, deadline=None)
    @hypothesis.given(strategies.text("ab.", max_size=8), strategies.text("ab.*", max_size=8))
    def agree(name, pattern):
        assert glob_matches(name, pattern) == fnmatch.fnmatchcase(name, pattern)

    agree()
