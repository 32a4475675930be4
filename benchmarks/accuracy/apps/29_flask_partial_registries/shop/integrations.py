"""Outgoing mail and partner calls."""
from functools import partial

import requests
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import Mail

from shop.hooks import hook

MAILER = SendGridAPIClient("SG.key")


def send_mail(address, subject, body):
    message = Mail(from_email="hello@lakeside.example", to_emails=address, subject=subject, html_content=body)
    MAILER.send(message)


order_receipt = partial(send_mail, subject="Your order at Lakeside Books")


@hook("welcome_mail")
def welcome_mail(address, plan):
    send_mail(address, "Welcome to Lakeside Books", f"<p>Your plan: {plan}</p>")


@hook("loyalty")
def enrol_loyalty(address, plan):
    requests.post("https://loyalty.partner.example/v1/enrol", json={"tier": plan, "source": "web"})
