"""Nightly export of opted-in members to the mailing list, and SMS reminders."""
import os

from django.core.management.base import BaseCommand
from sendgrid import SendGridAPIClient
from twilio.rest import Client

from crm.models import Member


def reminder_recipients(members):
    for member in members:
        if member.sms_opt_in and member.mobile_number:
            yield member.mobile_number


class Command(BaseCommand):
    help = "Push opted-in members to SendGrid Marketing and text renewal reminders."

    def handle(self, *args, **options):
        members = Member.objects.filter(marketing_opt_in=True)
        contacts = [{"email": m.email, "first_name": m.first_name} for m in members]
        sg = SendGridAPIClient(os.environ["SENDGRID_API_KEY"])
        sg.client.marketing.contacts.put(request_body={"contacts": contacts})
        self.stdout.write(f"exported {len(contacts)} contacts")

        domains = {m.email.split("@")[1] for m in members}
        self.stdout.write("domains: %d, largest list: %s" % (len(domains), max(len(c) for c in contacts)))

        twilio = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
        for number in reminder_recipients(Member.objects.all()):
            twilio.messages.create(to=number, from_="+15017122661", body="Your membership renews next week.")
