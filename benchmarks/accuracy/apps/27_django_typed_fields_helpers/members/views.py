"""A sports-club membership app: product analytics at Segment, renewal reminders by Twilio SMS."""
import logging
import os

import analytics
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from twilio.rest import Client

from .helpers import contact_points, redact
from .models import Member

logger = logging.getLogger(__name__)
analytics.write_key = os.environ["SEGMENT_WRITE_KEY"]
sms = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])


class Kiosk:
    def __init__(self, hotline):
        self.hotline = hotline


def member_synced(request, pk):
    member = get_object_or_404(Member, pk=pk)
    analytics.identify(str(member.pk), {"login": member.login, "plan": member.plan})
    analytics.track(str(member.pk), "Synced", {"ip": member.last_seen_from, "ref": member.referral_code})
    return JsonResponse({"ok": True})


def remind(member):
    login, hotline = contact_points(member)
    sms.messages.create(to=hotline, from_="+15005550006", body="Your membership renews next week.")
    logger.info("renewal reminder sent to %s", redact(login))
    logger.info("renewal reminder for plan %s", member.plan)


def profile(request):
    analytics.track(str(request.user.pk), "Profile Viewed", {"postal": request.user.postal})
    kiosk = Kiosk("+442071234567")
    analytics.track("front-desk", "Kiosk Ping", {"hotline": kiosk.hotline, "plans": Member.plan.field.choices})
    return JsonResponse({"ok": True})
