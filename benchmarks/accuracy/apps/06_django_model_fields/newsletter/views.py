import os

import analytics
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from mixpanel import Mixpanel

from .models import Subscriber

analytics.write_key = os.environ["SEGMENT_WRITE_KEY"]
mp = Mixpanel(os.environ["MIXPANEL_TOKEN"])


def confirm(request, pk):
    sub = get_object_or_404(Subscriber, pk=pk)
    Subscriber.objects.filter(pk=sub.pk).update(is_email_verified=True, address_book_enabled=False)
    mp.track(sub.contact, "Subscription Confirmed", {"origin": sub.signup_origin, "sms": sub.sms_number})
    mp.track(str(sub.pk), "Template Chosen", {"template": sub.email_template_name,
                                              "verified": sub.is_email_verified,
                                              "address_book": sub.address_book_enabled})
    return JsonResponse({"confirmed": True})


@login_required
def profile_seen(request):
    user = request.user
    analytics.identify(user.email, {"first_name": user.first_name, "last_name": user.last_name})
    analytics.track(user.email, "Profile Viewed", {"staff": user.is_staff, "active": user.is_active})
    return JsonResponse({"ok": True})
