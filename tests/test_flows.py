"""Data-flow patterns (issue 3): each asserts the exact findings of a tiny project."""

from __future__ import annotations

from conftest import finding_rows, run_check, write_project

MANIFEST = "version: 1\ncollects: [user]\n"


def rows(tmp_path, code: str, extra: dict | None = None) -> list[tuple]:
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": code, **(extra or {})})
    return [row for row in finding_rows(run_check(tmp_path)) if row[0] != "PL502"]


def test_dict_fields_are_tracked_by_literal_key(tmp_path):
    code = ('import requests\n\ndef paid(request):\n'
            '    receipt = {"order_id": request.POST["order"]}\n'
            '    receipt["email"] = request.POST["email"]\n'
            '    requests.post("https://ledger.example/api", json={"id": receipt["order_id"]})\n'
            '    requests.post("https://mail.example/api", json=receipt)\n')
    assert rows(tmp_path, code) == [("PL201", "app.py", 7, "user.contact.email", "mail.example")]


def test_context_sensitive_helpers(tmp_path):
    code = ('import stripe\n\ndef clean(value):\n    return value.strip()\n\n'
            'def view(request):\n    email = clean(request.POST["email"])\n    plan = clean("gold")\n'
            '    stripe.Customer.create(description=plan)\n    stripe.Customer.create(email=email)\n')
    assert rows(tmp_path, code) == [("PL201", "app.py", 10, "user.contact.email", "stripe")]


def test_hashing_pseudonymises_and_booleans_end_the_flow(tmp_path):
    code = ('import hashlib\nimport stripe\n\ndef view(request):\n    email = request.POST["email"]\n'
            '    stripe.Customer.create(metadata={"h": hashlib.sha256(email.encode()).hexdigest()})\n'
            '    stripe.Customer.create(metadata={"corp": email.endswith("@corp.example"), "n": len(email)})\n')
    assert rows(tmp_path, code) == [("PL201", "app.py", 6, "user.unique_id.pseudonymous", "stripe")]


def test_numbers_keep_their_data(tmp_path):
    code = ('from mixpanel import Mixpanel\n\nmp = Mixpanel("t")\n\ndef view(request):\n'
            '    mp.track("u", "seen", {"lat": float(request.GET["latitude"])})\n')
    assert rows(tmp_path, code) == [("PL201", "app.py", 6, "user.location.precise", "mixpanel")]


def test_append_puts_data_in_the_container(tmp_path):
    code = ('import requests\n\ndef export(users):\n    batch = []\n    for user in users:\n'
            '        batch.append({"email": user.email})\n'
            '    requests.post("https://crm.example/import", json=batch)\n')
    assert rows(tmp_path, code) == [("PL201", "app.py", 7, "user.contact.email", "crm.example")]


def test_session_writes_are_storage(tmp_path):
    code = 'def pay(request):\n    request.session["card"] = request.POST["cvv"]\n'
    assert rows(tmp_path, code) == [("PL403", "app.py", 2, "user.financial.credit_card.security_code", None)]


def test_settings_attribute_inside_an_f_string_resolves(tmp_path):
    code = ('import requests\nfrom django.conf import settings\n\ndef verify(request):\n'
            '    requests.post(f"{settings.KYC_URL}/verify", json={"email": request.POST["email"]})\n')
    extra = {"proj/__init__.py": "", "proj/settings.py": 'KYC_URL = "https://kyc.example.com/v2"\n'}
    assert rows(tmp_path, code, extra) == [("PL201", "app.py", 5, "user.contact.email", "kyc.example.com")]


def test_factory_function_returning_a_client_keeps_its_region(tmp_path):
    code = ('import boto3\n\ndef storage():\n    return boto3.client("s3", region_name="ap-southeast-1")\n\n'
            'def archive(request):\n    storage().put_object(Bucket="b", Key="k", Body=request.POST["email"])\n')
    write_project(tmp_path, {"privacy.yaml": MANIFEST + "recipients:\n  aws: {data: [user]}\n"
                                                      "transfers: {allowed_countries: [CN]}\n", "app.py": code})
    report = run_check(tmp_path)
    assert [(f.code, f.location.line, f.recipient.country) for f in report.findings] == [("PL301", 7, "SG")]


def test_fastapi_cookie_and_header_parameters_are_sources(tmp_path):
    code = ('import requests\nfrom fastapi import Cookie, Header\n\n'
            'def track(sid: str = Cookie(None), user_agent: str = Header(None), page: str = Header(None)):\n'
            '    requests.post("https://t.example/e", json={"s": sid, "ua": user_agent, "p": page})\n')
    assert rows(tmp_path, code) == [("PL201", "app.py", 5, "user.device", "t.example"),
                                    ("PL201", "app.py", 5, "user.device.cookie_id", "t.example")]


def test_lambda_callbacks_and_default_argument_clients(tmp_path):
    code = ('from twilio.rest import Client\n\nTWILIO = Client("sid", "token")\n\n'
            'def send_sms(phone, text, sms_client=TWILIO):\n'
            '    return sms_client.messages.create(to=phone, body=text)\n\n'
            'def open_ticket(request, on_commit):\n'
            '    phone = request.POST["phone"]\n'
            '    on_commit(lambda: send_sms(phone, "opened"))\n')
    assert rows(tmp_path, code) == [("PL201", "app.py", 6, "user.contact.phone_number", "twilio")]


def test_unpacking_a_returned_tuple_gives_each_name_its_own_element(tmp_path):
    code = ('import requests\n\n'
            'def normalise(email, phone):\n    return email.strip(), phone.replace(" ", "")\n\n'
            'def swap(a, b):\n    return b, a\n\n'
            'def signup(request):\n'
            '    email, phone = normalise(request.POST["email"], request.POST["phone"])\n'
            '    requests.post("https://a.example/x", json={"e": email})\n'
            '    requests.post("https://b.example/x", json={"p": phone})\n'
            '    first, second = swap(request.POST["email"], "gold")\n'
            '    requests.post("https://c.example/x", json={"f": first})\n'
            '    pair = normalise("x", request.POST["phone"])\n'
            '    requests.post("https://d.example/x", json={"p": pair})\n')
    assert rows(tmp_path, code) == [("PL201", "app.py", 11, "user.contact.email", "a.example"),
                                    ("PL201", "app.py", 12, "user.contact.phone_number", "b.example"),
                                    ("PL201", "app.py", 16, "user.contact.phone_number", "d.example")]


def test_returned_elements_go_back_only_to_their_own_caller(tmp_path):
    code = ('import requests\n\n'
            'def split(a, b):\n    return a, b\n\n'
            'def one(request):\n'
            '    left, right = split(request.POST["email"], "x")\n'
            '    requests.post("https://a.example/x", json={"r": right})\n\n'
            'def two(request):\n'
            '    left, right = split("y", request.POST["phone"])\n'
            '    requests.post("https://b.example/x", json={"l": left})\n'
            '    requests.post("https://c.example/x", json={"r": right})\n')
    assert rows(tmp_path, code) == [("PL201", "app.py", 13, "user.contact.phone_number", "c.example")]


def test_unpacking_literals_and_unknown_calls(tmp_path):
    code = ('import requests\nfrom somelib import split_name\n\n'
            'def view(request):\n'
            '    email, plan = request.POST["email"], "gold"\n'
            '    requests.post("https://a.example/x", json={"p": plan})\n'
            '    first, last = split_name(request.POST["email"])\n'
            '    requests.post("https://b.example/x", json={"l": last})\n')
    assert rows(tmp_path, code) == [("PL201", "app.py", 8, "user.contact.email", "b.example")]


def test_redaction_helpers_of_the_rules_and_the_manifest_end_the_flow(tmp_path):
    privacy = ('import re\n\n'
               'def redact(text):\n    return re.sub(r"\\S+@\\S+", "[email]", text)\n\n'
               'class Scrubber:\n    def clean(self, text):\n        return text.replace("@", "")\n\n'
               'def keep(text):\n    return text\n')
    code = ('import requests\nimport scrubadub\nfrom myapp.privacy import Scrubber, keep, redact\n\n'
            'def report(request):\n'
            '    email = request.POST["email"]\n'
            '    requests.post("https://a.example/x", json={"m": redact(f"contact {email}")})\n'
            '    requests.post("https://b.example/x", json={"m": Scrubber().clean(email)})\n'
            '    requests.post("https://c.example/x", json={"m": scrubadub.clean(email)})\n'
            '    requests.post("https://d.example/x", json={"m": keep(email)})\n')
    write_project(tmp_path, {"privacy.yaml": MANIFEST + "sanitizers: [myapp.privacy.redact, myapp.*.Scrubber.clean]\n",
                             "app.py": code, "myapp/__init__.py": "", "myapp/privacy.py": privacy})
    assert finding_rows(run_check(tmp_path)) == [("PL201", "app.py", 10, "user.contact.email", "d.example")]
