"""PL201-PL205: who receives personal data, what, and for what purpose."""

from __future__ import annotations

from privacylint.catalog import covers
from privacylint.checks.base import Check, Example, any_covers, describe

SIGNUP = ('import stripe\n\ndef signup(request):\n'
          '    stripe.Customer.create(email=request.POST["email"])\n')


def flows_to_recipients(context):
    for flow in context.flows:
        if flow.sink.kind == "third_party" and flow.sink.recipient is not None:
            yield flow, context.manifest.entries_for_resolved(flow.sink.recipient)


class UndeclaredRecipient(Check):
    code = "PL201"
    name = "undeclared-recipient"
    severity = "error"
    summary = "Reports personal data reaching a third party that the manifest does not declare."
    why = ("Policies list who receives personal data. A vendor the policy never names receives it without "
           "the users' knowledge, which is what regulators and app stores ask about first.")
    example = 'stripe.Customer.create(email=request.POST["email"])   # no `stripe` under recipients'
    fix = "Declare the recipient under `recipients` with the data it receives (and say so in the policy), or stop sending."
    valid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\nrecipients:\n  stripe: {data: [user.contact.email]}\n",
                      "app.py": SIGNUP}),)
    invalid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\n", "app.py": SIGNUP}, (("app.py", 4),)),)

    def run(self, context):
        for flow, entries in flows_to_recipients(context):
            if not entries:
                yield self.finding(flow.sink.location, f"{flow.category} reaches {describe(flow)}, which the "
                                   f"manifest does not declare ({flow.sink.recipient.kind})", flow=flow)


class UndeclaredDataForRecipient(Check):
    code = "PL202"
    name = "undeclared-data-for-recipient"
    severity = "error"
    summary = "Reports a declared recipient receiving a category that is not declared for it."
    why = "Declaring a vendor for card payments does not tell users it also receives their phone number."
    example = 'stripe.Customer.create(phone=request.POST["phone"])   # stripe: {data: [user.financial]}'
    fix = "Add the category to the recipient's `data`, or stop sending it."
    valid = UndeclaredRecipient.valid
    invalid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\nrecipients:\n  stripe: {data: [user.financial]}\n",
                        "app.py": SIGNUP}, (("app.py", 4),)),)

    def run(self, context):
        for flow, entries in flows_to_recipients(context):
            if entries and not any(any_covers(e.data, flow.category) for e in entries):
                yield self.finding(flow.sink.location, f"{flow.category} reaches {describe(flow)}, declared "
                                   f"only for {', '.join(sorted({d for e in entries for d in e.data}))}",
                                   flow=flow, claim=entries[0].claim)


class UndeclaredPurpose(Check):
    code = "PL203"
    name = "undeclared-purpose"
    severity = "error"
    summary = "Reports a call whose purpose is not among the purposes declared for its recipient."
    why = "Purpose limitation: data given to a vendor for payment must not be used for marketing."
    example = 'stripe.Customer.create(email=...)   # stripe: {purposes: [marketing]}'
    fix = "Declare the purpose for the recipient, or use a call that serves a declared purpose."
    valid = UndeclaredRecipient.valid
    invalid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\nrecipients:\n  stripe:\n"
                                        "    data: [user.contact.email]\n    purposes: [marketing]\n",
                        "app.py": SIGNUP}, (("app.py", 4),)),)

    def run(self, context):
        for flow, entries in flows_to_recipients(context):
            constrained = [e for e in entries if e.purposes]
            purpose = flow.sink.purpose
            if not constrained or purpose is None:
                continue
            if not any(covers(p, purpose) for e in constrained for p in e.purposes):
                declared = ", ".join(sorted({p for e in constrained for p in e.purposes}))
                yield self.finding(flow.sink.location, f"{flow.category} reaches {describe(flow)} for {purpose}, "
                                   f"declared only for {declared}", flow=flow, claim=constrained[0].claim)


class ProhibitedFlow(Check):
    code = "PL204"
    name = "prohibited-flow"
    severity = "error"
    summary = "Reports a flow that matches a `prohibits` entry; no declaration makes it clean."
    why = "A policy's promises not to share (\"we will not share your email with advertisers\") are its strongest."
    example = 'facebook EventRequest carrying an email   # prohibits: [{data: [user.contact.email], to: {kind: advertiser}}]'
    fix = "Stop sending the data (hashing in your code still sends a pseudonymous identifier), or change the policy."
    valid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\nrecipients:\n  stripe: {data: [user.contact]}\n"
                                      "prohibits:\n  - {data: [user.contact.email], to: {kind: advertiser}}\n",
                      "app.py": SIGNUP}),)
    invalid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\nrecipients:\n  stripe: {data: [user.contact]}\n"
                                        "prohibits:\n  - {data: [user.contact.email], to: {recipient: stripe}}\n",
                        "app.py": SIGNUP}, (("app.py", 4),)),)

    def run(self, context):
        for flow in context.flows:
            recipient = flow.sink.recipient
            if flow.sink.kind != "third_party" or recipient is None:
                continue
            for rule in context.manifest.prohibits:
                if rule.data and not any_covers(rule.data, flow.category):
                    continue
                if rule.purposes and (flow.sink.purpose is None or not any_covers(rule.purposes, flow.sink.purpose)):
                    continue
                if rule.to_kind and rule.to_kind not in (recipient.kind, "third_party"):
                    continue
                if rule.to_recipient and rule.to_recipient != recipient.id:
                    continue
                yield self.finding(flow.sink.location, f"{flow.category} reaches {describe(flow)}, which the "
                                   "manifest prohibits", flow=flow, claim=rule.claim)
                break


class UnresolvedEndpoint(Check):
    code = "PL205"
    name = "unresolved-endpoint"
    severity = "warning"
    summary = "Reports personal data sent to an HTTP endpoint whose host cannot be determined statically."
    why = "A URL from the environment or built at run time can point anywhere; a reviewer has to confirm it."
    example = 'requests.post(os.environ["KYC_URL"], json={"id_card": card})'
    fix = "Use a literal URL (or a literal default), or declare the host; suppress with a comment once reviewed."
    valid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\nrecipients:\n  kyc:\n    hosts: [kyc.example.com]\n"
                                      "    data: [user]\n",
                      "app.py": 'import os, requests\n\ndef verify(request):\n'
                                '    url = os.environ.get("KYC_URL", "https://kyc.example.com/v1")\n'
                                '    requests.post(url, json={"email": request.POST["email"]})\n'}),)
    invalid = (Example({"privacy.yaml": "version: 1\ncollects: [user]\n",
                        "app.py": 'import os, requests\n\ndef verify(request):\n'
                                  '    requests.post(os.environ["KYC_URL"], json={"email": request.POST["email"]})\n'},
                       (("app.py", 4),)),)

    def run(self, context):
        for flow in context.flows:
            if flow.sink.kind == "endpoint":
                yield self.finding(flow.sink.location, f"{flow.category} is sent to an endpoint that cannot be "
                                   f"resolved: {flow.sink.unresolved}", flow=flow)
