import analytics
from django.http import JsonResponse

from alerts.channels import ROUTES, bus, channels

AFTER_LOGIN = [lambda who: analytics.identify(who, {"last_login": "web"})]


@bus.on("password_reset")
def reset_by_sms(phone):
    channels.sms(phone, "Your password reset code is on its way")


def new_device_login(request):
    phone = request.POST["phone"]
    getattr(channels, "sms")(phone, "New sign-in to your account")
    getattr(channels, "event")(request.POST["device_id"], "Login", {"ip": request.META["REMOTE_ADDR"]})
    for hook in AFTER_LOGIN:
        hook(request.POST["email"])
    return JsonResponse({"ok": True})


def forgot_password(request):
    bus.listeners["password_reset"](request.POST["phone"])
    ROUTES["event"](request.POST["email"], "Reset Requested", {"channel": "sms"})
    preferred = request.POST.get("channel", "sms")
    getattr(channels, preferred)(request.POST["phone"], "Reset requested")
    return JsonResponse({"ok": True})
