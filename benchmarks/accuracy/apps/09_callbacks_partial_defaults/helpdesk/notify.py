"""Outgoing messages: e-mail through SendGrid, SMS through Twilio."""
import os
from functools import partial

from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import Mail
from twilio.rest import Client

SUPPORT_SENDER = "support@kiosk.example"
TWILIO = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])


def send_email(to_address, subject, html, sender=SUPPORT_SENDER, client=None):
    client = client or SendGridAPIClient(os.environ["SENDGRID_API_KEY"])
    message = Mail(from_email=sender, to_emails=to_address, subject=subject, html_content=html)
    return client.send(message)


def send_sms(phone, text, sms_client=TWILIO, sender="+358401234567"):
    return sms_client.messages.create(to=phone, from_=sender, body=text)


ticket_opened = partial(send_email, subject="We received your request", html="<p>Thanks!</p>")
