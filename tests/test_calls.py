"""Calls the engine follows through values (issue 3): functools.partial, callables kept in dicts,
lists and registries, getattr dispatch; and the calls it cannot resolve, reported in `stats`."""

from __future__ import annotations

from conftest import finding_rows, run_check, write_project

from privacylint.api import Options, check
from privacylint.report.json_format import as_dict

MANIFEST = "version: 1\ncollects: [user]\nsecurity: {logs: no-personal-data}\n"


def rows(tmp_path, files: dict) -> list[tuple]:
    write_project(tmp_path, {"privacy.yaml": MANIFEST, **files})
    return [row for row in finding_rows(run_check(tmp_path)) if row[0] != "PL502"]


def flow_rows(report) -> list[tuple]:
    return [(f.category, f.sink.location.path, f.sink.location.line, f.sink.location.label,
             f.sink.recipient.id if f.sink.recipient else None) for f in report.flows]


# ----- functools.partial ---------------------------------------------------------------------------
def test_partial_over_an_sdk_function_is_that_sink(tmp_path):
    code = ('import functools\nfrom functools import partial\n\nimport analytics\nimport requests\n\n'
            'def signup(request):\n'
            '    user_id = request.POST["user_id"]\n'
            '    send = partial(analytics.track, user_id)\n'
            '    send("Signup", {"email": request.POST["email"]})\n'
            '    send("Upgrade", {"plan": "gold"})\n'
            '    post = functools.partial(requests.post, "http://crm.example/api")\n'
            '    post(json={"phone": request.POST["phone"]})\n')
    write_project(tmp_path, {"privacy.yaml": "version: 1\ncollects: [user]\nsecurity: {transport: tls}\n"
                                             "recipients:\n  segment: {data: [user]}\n"
                                             "  crm: {hosts: [crm.example], data: [user]}\n", "app.py": code})
    report = run_check(tmp_path)
    assert [row for row in finding_rows(report) if row[0] != "PL502"] == [
        ("PL401", "app.py", 13, "user.contact.phone_number", "crm"),
    ]
    # the bound user id reaches track as its first argument, at both calls; the plan carries nothing
    assert flow_rows(report) == [
        ("user.contact.email", "app.py", 10, "analytics.track", "segment"),
        ("user.unique_id", "app.py", 10, "analytics.track", "segment"),
        ("user.unique_id", "app.py", 11, "analytics.track", "segment"),
        ("user.contact.phone_number", "app.py", 13, "requests.post", "crm"),
    ]


def test_a_keyword_the_call_gives_again_replaces_the_partials(tmp_path):
    code = ('from functools import partial\n\nimport requests\n\n'
            'def notify(request):\n'
            '    post = partial(requests.post, "https://crm.example/api", json={"email": request.POST["email"]})\n'
            '    post(json={"plan": "gold"})\n')
    assert rows(tmp_path, {"app.py": code}) == []


def test_partial_over_a_project_function_in_another_module(tmp_path):
    notify = ('from functools import partial\n\nfrom twilio.rest import Client\n\nTWILIO = Client("sid", "token")\n\n'
              'def send_sms(text, phone, sender="+4930123"):\n'
              '    TWILIO.messages.create(to=phone, from_=sender, body=text)\n\n'
              'ticket_opened = partial(send_sms, "Your ticket is open")\n')
    views = ('from notify import ticket_opened\n\n'
             'def open_ticket(request):\n    ticket_opened(request.POST["phone"])\n')
    assert rows(tmp_path, {"notify.py": notify, "views.py": views}) == [
        ("PL201", "notify.py", 8, "user.contact.phone_number", "twilio"),
    ]


def test_partial_over_a_bound_method_skips_self(tmp_path):
    code = ('from functools import partial\n\nimport requests\n\n'
            'class Mailer:\n'
            '    def send(self, address, body):\n'
            '        requests.post("https://mail.example/send", json={"to": address, "body": body})\n\n'
            'def welcome(request):\n'
            '    mailer = Mailer()\n'
            '    greet = partial(mailer.send, body="Welcome")\n'
            '    greet(request.POST["email"])\n')
    assert rows(tmp_path, {"app.py": code}) == [("PL201", "app.py", 7, "user.contact.email", "mail.example")]


def test_calling_a_variable_calls_what_it_was_bound_to(tmp_path):
    code = ('import stripe\n\ncreate_customer = stripe.Customer.create\n\n'
            'def pay(request):\n    create_customer(email=request.POST["email"])\n')
    assert rows(tmp_path, {"app.py": code}) == [("PL201", "app.py", 6, "user.contact.email", "stripe")]


# ----- callables kept in dicts and lists -------------------------------------------------------------
def test_a_dict_of_sdk_callables_is_followed_by_literal_key(tmp_path):
    code = ('import logging\n\nimport analytics\n\nlogger = logging.getLogger(__name__)\n'
            'HANDLERS = {"segment": analytics.track, "log": logger.info}\n\n'
            'def signup(request):\n'
            '    HANDLERS["segment"]("u1", "Signup", {"email": request.POST["email"]})\n'
            '    HANDLERS["log"]("signed up from %s", request.META["REMOTE_ADDR"])\n'
            '    HANDLERS.get("segment")("u1", "Seen", {"phone": request.POST["phone"]})\n')
    assert rows(tmp_path, {"app.py": code}) == [
        ("PL201", "app.py", 9, "user.contact.email", "segment"),
        ("PL402", "app.py", 10, "user.device.ip_address", None),
        ("PL201", "app.py", 11, "user.contact.phone_number", "segment"),
    ]


def test_project_functions_in_a_dict_elsewhere_get_their_key_s_arguments_only(tmp_path):
    senders = ('import requests\n\n'
               'def to_crm(contact, note):\n    requests.post("https://crm.example/c", json={"c": contact})\n\n'
               'def to_audit(contact, note):\n    requests.post("https://audit.example/a", json={"n": note})\n\n'
               'SENDERS = {"crm": to_crm}\nSENDERS["audit"] = to_audit\n')
    views = ('from senders import SENDERS\n\n'
             'def signup(request):\n'
             '    SENDERS["crm"](request.POST["email"], "signup")\n'
             '    SENDERS["audit"](request.POST["phone"], note="signup")\n')
    # to_audit sends only its note: the phone given to the audit key reaches no one
    assert rows(tmp_path, {"senders.py": senders, "views.py": views}) == [
        ("PL201", "senders.py", 4, "user.contact.email", "crm.example"),
    ]


def test_a_bound_method_in_a_dict_and_a_handler_picked_into_a_variable(tmp_path):
    code = ('from twilio.rest import Client\n\n'
            'class Channels:\n'
            '    def __init__(self):\n        self.texter = Client("sid", "token")\n\n'
            '    def sms(self, contact, text):\n'
            '        self.texter.messages.create(to=contact, from_="+4930123", body=text)\n\n'
            'channels = Channels()\nSENDERS = {"sms": channels.sms}\n\n'
            'def remind(request):\n'
            '    send = SENDERS["sms"]\n'
            '    send(request.POST["phone"], "See you")\n')
    assert rows(tmp_path, {"app.py": code}) == [("PL201", "app.py", 8, "user.contact.phone_number", "twilio")]


def test_a_loop_over_a_list_of_callbacks_calls_each(tmp_path):
    code = ('import analytics\nimport requests\n\n'
            'def audit(who):\n    requests.post("https://audit.example/a", json={"who": who})\n\n'
            'def signup(request, ticket):\n'
            '    email = request.POST["email"]\n'
            '    hooks = [audit, lambda who: analytics.identify(who, {"ticket": ticket})]\n'
            '    for hook in hooks:\n'
            '        hook(email)\n'
            '    closers = [lambda: analytics.track("helpdesk", "Closed", {"ticket": ticket})]\n'
            '    for close in closers:\n'
            '        close()\n')
    assert rows(tmp_path, {"app.py": code}) == [
        ("PL201", "app.py", 5, "user.contact.email", "audit.example"),
        ("PL201", "app.py", 9, "user.contact.email", "segment"),
    ]


def test_a_registry_filled_by_decorators_in_other_modules(tmp_path):
    registry = ('REGISTRY = {}\n\n'
                'def register(name):\n'
                '    def wrap(func):\n        REGISTRY[name] = func\n        return func\n    return wrap\n\n'
                'def handler(func):\n    REGISTRY[func.__name__] = func\n    return func\n\n'
                'def dispatch(kind, payload):\n    return REGISTRY[kind](payload)\n')
    handlers = ('import requests\n\nfrom registry import handler, register\n\n'
                '@register("crm")\ndef push_contact(fields):\n'
                '    requests.post("https://crm.example/contacts", json=fields)\n\n'
                '@handler\ndef audit(fields):\n'
                '    requests.post("https://audit.example/log", json=fields)\n')
    views = ('from registry import REGISTRY\n\n'
             'def signup(request):\n'
             '    REGISTRY["crm"]({"email": request.POST["email"]})\n'
             '    REGISTRY["audit"]({"phone": request.POST["phone"]})\n'
             '    REGISTRY["unknown"]({"address": request.POST["address"]})\n')
    assert rows(tmp_path, {"registry.py": registry, "handlers.py": handlers, "views.py": views}) == [
        ("PL201", "handlers.py", 7, "user.contact.email", "crm.example"),
        ("PL201", "handlers.py", 11, "user.contact.phone_number", "audit.example"),
    ]


def test_a_registry_filled_through_a_method_and_a_method_decorator(tmp_path):
    code = ('import requests\n\n'
            'class EventBus:\n'
            '    def __init__(self):\n        self.handlers = {}\n\n'
            '    def subscribe(self, event, handler):\n        self.handlers[event] = handler\n\n'
            '    def on(self, event):\n'
            '        def wrap(handler):\n            self.handlers[event] = handler\n            return handler\n'
            '        return wrap\n\n'
            'bus = EventBus()\n\n'
            '@bus.on("signup")\ndef to_crm(fields):\n    requests.post("https://crm.example/c", json=fields)\n\n'
            'def to_mail(fields):\n    requests.post("https://mail.example/m", json=fields)\n\n'
            'bus.subscribe("welcome", to_mail)\n\n'
            'def signup(request):\n'
            '    bus.handlers["signup"]({"email": request.POST["email"]})\n'
            '    bus.handlers["welcome"]({"phone": request.POST["phone"]})\n')
    assert rows(tmp_path, {"app.py": code}) == [
        ("PL201", "app.py", 20, "user.contact.email", "crm.example"),
        ("PL201", "app.py", 23, "user.contact.phone_number", "mail.example"),
    ]


def test_registries_in_class_attributes_appended_lists_and_by_index(tmp_path):
    code = ('import analytics\nimport requests\n\nHOOKS = []\n\n'
            'def on_signup(func):\n    HOOKS.append(func)\n    return func\n\n'
            '@on_signup\ndef to_crm(contact):\n    requests.post("https://crm.example/c", json={"c": contact})\n\n'
            'class Dispatcher:\n'
            '    ROUTES = {"track": analytics.track}\n'
            '    NOTIFIERS = [lambda who: requests.post("https://sms.example/s", json={"to": who})]\n\n'
            '    def run(self, request):\n'
            '        self.ROUTES["track"]("u1", "Seen", {"email": request.POST["email"]})\n'
            '        self.NOTIFIERS[0](request.POST["phone"])\n'
            '        for hook in HOOKS:\n'
            '            hook(request.POST["address"])\n')
    assert rows(tmp_path, {"app.py": code}) == [
        ("PL201", "app.py", 12, "user.contact.address", "crm.example"),
        ("PL201", "app.py", 16, "user.contact.phone_number", "sms.example"),
        ("PL201", "app.py", 19, "user.contact.email", "segment"),
    ]


# ----- getattr --------------------------------------------------------------------------------------
def test_getattr_with_a_literal_name_is_an_attribute(tmp_path):
    code = ('import analytics\nimport requests\n\n'
            'class Channels:\n'
            '    def email(self, address):\n'
            '        requests.post("https://mail.example/send", json={"to": address})\n\n'
            'channels = Channels()\n\n'
            'def notify(request):\n'
            '    getattr(channels, "email")(request.POST["email"])\n'
            '    getattr(analytics, "identify")("u1", {"phone": request.POST["phone"]})\n'
            '    send = getattr(channels, "email", None)\n'
            '    send(request.POST["address"])\n')
    assert rows(tmp_path, {"app.py": code}) == [
        ("PL201", "app.py", 6, "user.contact.address", "mail.example"),
        ("PL201", "app.py", 6, "user.contact.email", "mail.example"),
        ("PL201", "app.py", 12, "user.contact.phone_number", "segment"),
    ]


# ----- what cannot be resolved ---------------------------------------------------------------------
UNRESOLVED = ('import analytics\n\n'
              'HANDLERS = {"segment": analytics.track}\n\n'
              'class Webhook:\n'
              '    def handle(self, request, kind):\n'
              '        email = request.POST["email"]\n'
              '        getattr(self, f"on_{kind}")(email)\n'
              '        getattr(self, f"on_{kind}")(request.POST["order_id"])\n'
              '        HANDLERS[kind]("u1", "Signup", {"email": email})\n'
              '        handler = HANDLERS.get(kind)\n'
              '        handler("u1", "Signup", {"phone": request.POST["phone"]})\n'
              '        HANDLERS[kind]("u1", "Seen", {"plan": "gold"})\n')


def test_calls_picked_at_run_time_with_personal_data_are_listed_in_stats(tmp_path):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": UNRESOLVED})
    report = run_check(tmp_path)
    assert [row for row in finding_rows(report) if row[0] != "PL502"] == []
    assert report.flows == []
    stats = as_dict(report)["stats"]
    assert (stats["unresolved_calls"], stats["unresolved_call_sites"]) == (3, [
        {"path": "app.py", "line": 8,
         "reason": 'getattr with a name computed at run time: getattr(self, f"on_{kind}")'},
        {"path": "app.py", "line": 10, "reason": "a registry indexed by a key computed at run time: HANDLERS[kind]"},
        {"path": "app.py", "line": 12, "reason": "a registry indexed by a key computed at run time: HANDLERS.get(...)"},
    ])


def test_unresolved_calls_of_files_not_named_are_left_out(tmp_path):
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "app.py": UNRESOLVED, "other.py": "X = 1\n"})
    assert as_dict(run_check(tmp_path))["stats"]["unresolved_calls"] == 3
    report, _ = check(Options(paths=(tmp_path / "other.py",), use_cache=False, jobs=1))
    named = as_dict(report)["stats"]
    assert (named["unresolved_calls"], named["unresolved_call_sites"]) == (0, [])
