"""Model fields classified by their declared type (issue 3): Django fields, pydantic and dataclass
annotations. Each test asserts the exact findings and the flows' sources."""

from __future__ import annotations

import pytest

from conftest import finding_rows, run_check, write_project
from privacylint.catalog import load_catalog
from privacylint.errors import LocatedError

MANIFEST = "version: 1\ncollects: [user]\n"
MODELS = """\
from django.db import models
from phonenumber_field.modelfields import PhoneNumberField
from address.models import AddressField


class Customer(models.Model):
    contact = models.EmailField(unique=True)
    origin = models.GenericIPAddressField(null=True)
    mobile = PhoneNumberField(blank=True)
    home = AddressField(on_delete=models.CASCADE)
    tier = models.CharField(max_length=40)

    def welcome(self):
        requests.post("https://mail.example/send", json={"to": self.contact})


class Page(models.Model):
    title = models.CharField(max_length=80)
"""
MODEL_FLOWS = [("user.contact.email", "shop/models.py", 7, "contact = models.EmailField(unique=True) "
                "(Customer.contact is an EmailField)"),
               ("user.device.ip_address", "shop/models.py", 8, "origin = models.GenericIPAddressField(null=True) "
                "(Customer.origin is a GenericIPAddressField)")]


def rows(root, files: dict, manifest: str = MANIFEST) -> list[tuple]:
    write_project(root, {"privacy.yaml": manifest, **files})
    return [row for row in finding_rows(run_check(root)) if row[0] != "PL502"]


def flow_sources(report, sink_line: int) -> list[tuple]:
    return sorted((f.category, f.source.path, f.source.line, f.source.label)
                  for f in report.flows if f.sink.location.line == sink_line)


def test_django_fields_are_classified_by_type_wherever_the_instance_comes_from(tmp_path):
    views = """\
import requests
from shop.models import Customer


def export(request, pk):
    customer = Customer.objects.get(pk=pk)
    requests.post("https://crm.example/api", json={"c": customer.contact, "ip": customer.origin})


def notify(customer):
    requests.post("https://sms.example/api", json={"to": customer.mobile, "tier": customer.tier})


def ship(request):
    requests.post("https://post.example/api", json={"to": request.user.home})
"""
    models = "import requests\n" + MODELS
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "shop/__init__.py": "", "shop/models.py": models,
                             "shop/views.py": views})
    report = run_check(tmp_path)
    assert [row for row in finding_rows(report) if row[0] != "PL502"] == [
        ("PL201", "shop/models.py", 15, "user.contact.email", "mail.example"),
        ("PL201", "shop/views.py", 7, "user.contact.email", "crm.example"),
        ("PL201", "shop/views.py", 7, "user.device.ip_address", "crm.example"),
        ("PL201", "shop/views.py", 11, "user.contact.phone_number", "sms.example"),
        ("PL201", "shop/views.py", 15, "user.contact.address", "post.example"),
    ]
    # the source is the field's declaration, which says why it is that category
    assert flow_sources(report, 7) == [(c, p, line + 1, label) for c, p, line, label in MODEL_FLOWS]


def test_a_known_class_without_the_field_and_the_class_itself_are_not_the_field(tmp_path):
    views = """\
import requests
from shop.models import Customer, Page


class Brochure:
    def __init__(self, contact):
        self.contact = contact


def publish():
    page = Page(title="About us")
    brochure = Brochure("sales desk")
    requests.post("https://cms.example/api", json={"a": page.contact, "b": brochure.contact,
                                                    "c": Customer.contact, "d": Customer.contact.field.name})
"""
    assert rows(tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS.replace("        requests", "        print"),
                           "shop/views.py": views}) == []


def test_inherited_fields_of_a_known_class(tmp_path):
    models = ("from django.db import models\n\n\nclass Person(models.Model):\n    contact = models.EmailField()\n\n\n"
              "class Member(Person):\n    level = models.IntegerField()\n")
    views = ("import requests\nfrom shop.models import Member\n\n\ndef sync():\n    member = Member(level=1)\n"
             "    requests.post('https://crm.example/api', json={'to': member.contact})\n")
    assert rows(tmp_path, {"shop/__init__.py": "", "shop/models.py": models, "shop/views.py": views}) == [
        ("PL201", "shop/views.py", 7, "user.contact.email", "crm.example")]


def test_pydantic_body_models_and_dataclasses(tmp_path):
    app = """\
from dataclasses import dataclass
from typing import Optional

import httpx
import pydantic
from fastapi import FastAPI
from pydantic import BaseModel, EmailStr, IPvAnyAddress
from pydantic_extra_types.payment import PaymentCardNumber
from pydantic_extra_types.phone_numbers import PhoneNumber

app = FastAPI()


class Signup(BaseModel):
    login: EmailStr
    backup: Optional[pydantic.EmailStr] = None
    mobile: PhoneNumber | None = None
    card: PaymentCardNumber
    seen_from: list[IPvAnyAddress] = []
    plan: str = "free"


@dataclass
class Invite:
    target: EmailStr


@app.post("/signup")
def signup(body: Signup):
    httpx.post("https://a.example/x", json={"l": body.login, "b": body.backup, "m": body.mobile})
    httpx.post("https://b.example/x", json={"c": body.card, "s": body.seen_from, "p": body.plan})
    httpx.post("https://c.example/x", json={"t": Invite(target=body.plan).target})
"""
    assert rows(tmp_path, {"app.py": app}) == [
        ("PL201", "app.py", 30, "user.contact.email", "a.example"),
        ("PL201", "app.py", 30, "user.contact.phone_number", "a.example"),
        ("PL201", "app.py", 31, "user.device.ip_address", "b.example"),
        ("PL201", "app.py", 31, "user.financial.credit_card.number", "b.example"),
        ("PL201", "app.py", 32, "user.contact.email", "c.example"),
    ]


def test_a_typed_field_is_collected_where_it_is_declared(tmp_path):
    models = "from pydantic import BaseModel, EmailStr\n\n\nclass Signup(BaseModel):\n    login: EmailStr\n"
    assert rows(tmp_path, {"models.py": models}, "version: 1\ncollects: [user.name]\n") == [
        ("PL101", "models.py", 5, "user.contact.email", None), ("PL501", "privacy.yaml", 2, "user.name", None)]


def test_untyped_fields_and_other_libraries_types_are_not_sources(tmp_path):
    app = """\
import requests
from django import forms
from django.db import models
from myfields import EmailField


class Settings(models.Model):
    support = models.CharField(max_length=80)
    relay = EmailField()


def push(row):
    requests.post("https://x.example/api", json={"s": row.support, "r": row.relay})
"""
    assert rows(tmp_path, {"app.py": app}) == [("PL501", "privacy.yaml", 2, "user", None)]  # nothing is read


def test_field_types_name_known_categories(tmp_path):
    rules = tmp_path / "more.yaml"
    rules.write_text("field_types:\n  - {type: acme.Email, category: user.contact.emial}\n", encoding="utf-8")
    with pytest.raises(LocatedError) as caught:
        load_catalog(extend=[rules])
    assert str(caught.value).startswith(f"{rules}:2:34: unknown data category 'user.contact.emial'; "
                                        "did you mean 'user.contact.email'?")


def test_edits_to_a_model_or_a_reader_give_the_flows_of_a_cold_run(tmp_path):
    """Reads meet declarations at one node per field name: an incremental run must see edits on either side."""
    from privacylint.api import Options, check

    models = "from pydantic import BaseModel, EmailStr\n\n\nclass Signup(BaseModel):\n    login: {type}\n"
    views = ("import requests\n\n\ndef push(body):\n    requests.post('https://a.example/x', json={{'l': body.{field}}})\n")
    write_project(tmp_path, {"privacy.yaml": MANIFEST, "models.py": models.format(type="EmailStr"),
                             "views.py": views.format(field="login")})

    def warm_and_cold() -> tuple[list, list]:
        warm, _ = check(Options(paths=(tmp_path,), use_cache=True, jobs=1))
        return finding_rows(warm), finding_rows(run_check(tmp_path))

    first = ("PL201", "views.py", 5, "user.contact.email", "a.example")
    assert warm_and_cold() == ([first], [first])
    (tmp_path / "models.py").write_text(models.format(type="str"), encoding="utf-8")
    assert warm_and_cold() == ([("PL501", "privacy.yaml", 2, "user", None)],) * 2
    (tmp_path / "models.py").write_text(models.format(type="EmailStr"), encoding="utf-8")
    (tmp_path / "views.py").write_text(views.format(field="plan"), encoding="utf-8")
    assert warm_and_cold() == ([],) * 2
    (tmp_path / "views.py").write_text(views.format(field="login"), encoding="utf-8")
    assert warm_and_cold() == ([first],) * 2
