"""Notification channels for booking reminders."""
import os

import sentry_sdk as sentry
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import Mail
from twilio.rest import Client as TwilioClient

FROM_NUMBER = "+6498765432"
FROM_EMAIL = "bookings@tidewater.example"


def make_mailer():
    return SendGridAPIClient(api_key=os.environ["SENDGRID_API_KEY"])


def make_texter():
    return TwilioClient(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])


class Channels:
    def __init__(self):
        self.mailer = make_mailer()
        self.texter = make_texter()

    def send_sms(self, contact, text):
        self.texter.messages.create(to=contact, from_=FROM_NUMBER, body=text)

    def send_email(self, contact, text):
        self.mailer.send(Mail(from_email=FROM_EMAIL, to_emails=contact, subject="Your booking", plain_text_content=text))


def report_failure(booking, exc):
    sentry.set_context("booking", {"booking": booking.pk, "guest_email": booking.guest_email})
    sentry.capture_exception(exc)
