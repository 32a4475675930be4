"""Contact form: forwards the request to the lead CRM, logs it, and tags errors."""
import logging

import requests
import sentry_sdk
from django.http import JsonResponse
from django.views.decorators.http import require_POST

logger = logging.getLogger(__name__)
CRM_URL = "https://api.leadbox.example/v2/leads"


@require_POST
def contact_us(request):
    first_name = request.POST["first_name"]
    last_name = request.POST["last_name"]
    email = request.POST.get("email", "")
    topic = request.POST.get("topic", "general")
    full_name = first_name + " " + last_name
    subject = "[%s] message from %s" % (topic, email)
    note = "Call back on {}".format(request.GET.get("phone_number"))
    tags = ",".join([topic, email])
    requests.post(CRM_URL, json={"name": full_name, "subject": subject, "note": note}, timeout=5)
    logger.info(f"contact form sent by {email}")
    sentry_sdk.capture_message("contact form tags: " + tags)
    return JsonResponse({"ok": True})


@require_POST
def feedback(request):
    score = int(request.POST["score"])
    page = request.POST.get("page", "/")
    summary = "%s rated %d" % (page, score)
    logger.info("feedback: {}".format(summary))
    sentry_sdk.capture_message(", ".join([page, str(score)]))
    return JsonResponse({"ok": True})
