"""PL401-PL403: how personal data travels and where it is kept."""

from __future__ import annotations

from privacylint.catalog import covers
from privacylint.checks.base import Check, Example

SECURE = "version: 1\ncollects: [user]\nrecipients:\n  tracker:\n    hosts: [t.example.com]\n    data: [user]\n"
SECURITY_CODE = "user.financial.credit_card.security_code"


class PlaintextTransport(Check):
    code = "PL401"
    name = "plaintext-transport"
    severity = "error"
    summary = "Reports personal data sent over plain `http://` while `security.transport: tls`."
    why = "Anything on the network path can read or change data sent without TLS."
    example = 'requests.post("http://t.example.com/collect", json={"email": email})'
    fix = "Use https:// (or the SDK's TLS endpoint)."
    valid = (Example({"privacy.yaml": SECURE + "security: {transport: tls}\n",
                      "app.py": 'import requests\n\ndef view(request):\n'
                                '    requests.post("https://t.example.com/c", json={"email": request.POST["email"]})\n'}),)
    invalid = (Example({"privacy.yaml": SECURE + "security: {transport: tls}\n",
                        "app.py": 'import requests\n\ndef view(request):\n'
                                  '    requests.post("http://t.example.com/c", json={"email": request.POST["email"]})\n'},
                       (("app.py", 4),)),)

    def run(self, context):
        security = context.manifest.security
        if security is None or security.transport != "tls":
            return
        for flow in context.flows:
            if flow.sink.plaintext:
                yield self.finding(flow.sink.location, f"{flow.category} is sent over plain http:// to "
                                   f"{flow.sink.recipient.id if flow.sink.recipient else flow.sink.location.label}",
                                   flow=flow, claim=security.claim)


class PersonalDataInLogs(Check):
    code = "PL402"
    name = "personal-data-in-logs"
    severity = "error"
    summary = "Reports personal data passed to a log call while `security.logs: no-personal-data`."
    why = "Logs are copied, shipped and kept far longer and more widely than the data they mention."
    example = 'logger.info("paid: %s", request.POST["phone"])'
    fix = "Log an internal id or a count instead, or mask the value before logging."
    valid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\nsecurity: {logs: no-personal-data}\n",
                      "app.py": 'import logging\nlogger = logging.getLogger(__name__)\n\ndef view(request):\n'
                                '    logger.info("phone given: %s", bool(request.POST["phone"]))\n'}),)
    invalid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\nsecurity: {logs: no-personal-data}\n",
                        "app.py": 'import logging\nlogger = logging.getLogger(__name__)\n\ndef view(request):\n'
                                  '    logger.info("phone: %s", request.POST["phone"])\n'}, (("app.py", 5),)),)

    def run(self, context):
        security = context.manifest.security
        if security is None or security.logs != "no-personal-data":
            return
        for flow in context.flows:
            if flow.sink.kind == "log":
                yield self.finding(flow.sink.location, f"{flow.category} is written to a log by "
                                   f"{flow.sink.location.label}", flow=flow, claim=security.claim)


class StoredCardSecurityCode(Check):
    code = "PL403"
    name = "stored-card-security-code"
    severity = "error"
    summary = "Reports a card security code (CVV/CVC) written to any storage."
    why = "PCI DSS forbids storing card security codes after authorisation, whatever the policy says."
    example = 'Order.objects.create(card_cvv=form.cleaned_data["cvv"])'
    fix = "Pass the code to the payment processor and never persist it."
    valid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\n",
                      "app.py": 'def pay(form, Order):\n    Order.objects.create(card_last4=form.cleaned_data["last4"])\n'}),)
    invalid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\n",
                        "app.py": 'def pay(form, Order):\n    Order.objects.create(cvv=form.cleaned_data["cvv"])\n'},
                       (("app.py", 2),)),)

    def run(self, context):
        for flow in context.flows:
            if flow.sink.kind == "storage" and covers(SECURITY_CODE, flow.category):
                yield self.finding(flow.sink.location, f"a card security code is written to storage by "
                                   f"{flow.sink.location.label}", flow=flow)
