"""PL301, PL302: where personal data ends up, against `transfers.allowed_countries`."""

from __future__ import annotations

from privacylint.checks.base import Check, Example, describe

RESIDENCY = "version: 1\ncollects: [user]\nrecipients:\n  aws: {data: [user]}\ntransfers:\n  allowed_countries: [CN]\n"


def s3_upload(region: str) -> str:
    argument = f', region_name="{region}"' if region else ""
    return ('import boto3\n\ndef archive(request):\n'
            f'    s3 = boto3.client("s3"{argument})\n'
            '    s3.put_object(Bucket="b", Key="k", Body=request.POST["email"])\n')


class CrossBorderTransfer(Check):
    code = "PL301"
    name = "cross-border-transfer"
    severity = "error"
    summary = "Reports personal data reaching a recipient whose country is outside `transfers.allowed_countries`."
    why = ("Many policies (and laws such as China's PIPL) promise that data stays in a country. Declaring a "
           "vendor does not move it: this check applies whether or not the recipient is declared.")
    example = 'boto3.client("s3", region_name="ap-southeast-1").put_object(Body=email)   # allowed_countries: [CN]'
    fix = "Use a region or vendor inside the allowed countries, or change the policy (and its transfer safeguards)."
    valid = (Example({"privacy.yaml": RESIDENCY, "app.py": s3_upload("cn-north-1")}),)
    invalid = (Example({"privacy.yaml": RESIDENCY, "app.py": s3_upload("ap-southeast-1")}, (("app.py", 5),)),)

    def run(self, context):
        if context.allowed is None:
            return
        listed = ", ".join(context.manifest.transfers.listed)
        for flow in context.flows:
            recipient = flow.sink.recipient
            if flow.sink.kind == "third_party" and recipient and recipient.country \
                    and not context.catalog.expand_countries([recipient.country]) <= context.allowed:
                yield self.finding(flow.sink.location, f"{flow.category} reaches {describe(flow)}, outside "
                                   f"allowed countries {listed}", flow=flow, claim=context.manifest.transfers.claim)


class UnknownRegion(Check):
    code = "PL302"
    name = "unknown-region"
    severity = "warning"
    summary = "Reports a recipient whose country cannot be determined while a residency rule exists."
    why = "A cloud client without a region in the code stores data wherever its environment says."
    example = 'boto3.client("s3").put_object(Body=email)   # no region_name'
    fix = "Pass the region explicitly (`region_name=`), or declare the recipient's `country` in the manifest."
    valid = CrossBorderTransfer.valid
    invalid = (Example({"privacy.yaml": RESIDENCY, "app.py": s3_upload("")}, (("app.py", 5),)),)

    def run(self, context):
        if context.allowed is None:
            return
        for flow in context.flows:
            recipient = flow.sink.recipient
            if flow.sink.kind == "third_party" and recipient and recipient.country is None:
                yield self.finding(flow.sink.location, f"{flow.category} reaches {describe(flow)}: "
                                   f"{recipient.country_note}", flow=flow, claim=context.manifest.transfers.claim)
