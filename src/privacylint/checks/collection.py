"""PL101: what the code reads against what the policy says is collected."""

from __future__ import annotations

from privacylint.checks.base import Check, Example


class UndeclaredCollection(Check):
    code = "PL101"
    name = "undeclared-collection"
    severity = "warning"
    summary = "Reports code that reads a personal-data category the manifest's `collects` does not cover."
    why = ("A privacy policy must tell users what is collected. A field the code reads but the policy never "
           "mentions is a collection users were not told about.")
    example = 'passport = request.POST["passport_number"]   # collects: [user.contact]'
    fix = "Stop reading the field, or add the category to `collects` (and to the policy text)."
    valid = (Example({"privacy.yaml": "version: 1\ncollects: [user.contact]\n",
                      "app.py": 'def view(request):\n    return request.POST["email"]\n'}),)
    invalid = (Example({"privacy.yaml": "version: 1\ncollects: [user.contact]\n",
                        "app.py": 'def view(request):\n    return request.POST["passport_number"]\n'},
                       (("app.py", 2),)),)

    def run(self, context):
        for read in context.source_reads:
            if context.manifest.collection_covering(read.category) is None:
                yield self.finding(read.location, f"reads {read.category}: {read.location.label}, which "
                                   "`collects` does not declare", category=read.category)
