"""Conversions API events for memberships; identifiers are hashed before they leave."""
import hashlib
import hmac
import os
import time

import posthog
from facebook_business.adobjects.serverside.event import Event
from facebook_business.adobjects.serverside.event_request import EventRequest
from facebook_business.adobjects.serverside.user_data import UserData
from facebook_business.api import FacebookAdsApi

PIXEL_ID = os.environ["FB_PIXEL_ID"]
FacebookAdsApi.init(access_token=os.environ["FB_ACCESS_TOKEN"])
posthog.project_api_key = os.environ["POSTHOG_KEY"]
POSTHOG_SALT = os.environ["POSTHOG_SALT"].encode()


def sha256(value):
    return hashlib.sha256(value.strip().lower().encode("utf-8")).hexdigest()


def membership_purchased(member, request):
    user_data = UserData(
        emails=[sha256(member.email)],
        phones=[sha256(member.phone)],
        client_ip_address=request.META["REMOTE_ADDR"],
        client_user_agent=request.META["HTTP_USER_AGENT"],
    )
    event = Event(event_name="Purchase", event_time=int(time.time()), user_data=user_data, action_source="website")
    EventRequest(events=[event], pixel_id=PIXEL_ID).execute()


def trial_started(member):
    user_data = UserData(email=member.email, zip_code=member.zip_code)
    event = Event(event_name="StartTrial", event_time=int(time.time()), user_data=user_data, action_source="website")
    EventRequest(events=[event], pixel_id=PIXEL_ID).execute()


def class_booked(member, class_name):
    distinct_id = hmac.new(POSTHOG_SALT, member.email.encode(), hashlib.sha256).hexdigest()
    posthog.capture(distinct_id, "class_booked", {"class": class_name, "has_phone": bool(member.phone),
                                                  "email_domain_is_work": not member.email.endswith("@gmail.com")})
