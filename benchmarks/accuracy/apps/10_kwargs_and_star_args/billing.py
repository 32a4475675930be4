"""Billing sign-up: the Stripe customer, the support CRM contact, and an audit line."""
import logging
import os

import stripe
from flask import Flask, jsonify, request
from intercom import Intercom

app = Flask(__name__)
stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
support = Intercom(token=os.environ["INTERCOM_TOKEN"])
audit = logging.getLogger("audit")


def audit_line(*fields):
    audit.info(" | ".join(str(f) for f in fields))


def upsert_contact(role, **attributes):
    return support.contacts.create(role=role, **attributes)


@app.post("/billing/customers")
def create_customer():
    form = request.form
    params = {"email": form["email"], "name": form["full_name"], "metadata": {"plan": form["plan"]}}
    if form.get("phone"):
        params["phone"] = form["phone"]
    customer = stripe.Customer.create(**params)
    upsert_contact("user", email=form["email"], phone=form.get("phone"))
    audit_line("customer", customer["id"], form["plan"])
    return jsonify(customer=customer["id"])


@app.post("/billing/support-lead")
def support_lead():
    details = (request.form["email"], request.form["company_name"])
    audit_line("lead", *details)
    upsert_contact("lead", name=request.form["company_name"])
    return jsonify(ok=True)
