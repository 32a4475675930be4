from django.http import JsonResponse

from kyc.checks import notify_webhook, report_status, screen_sanctions, verify_identity
from kyc.models import Applicant, Webhook


def submit(request, pk):
    applicant = Applicant.objects.get(pk=pk)
    full_name = request.POST["full_name"]
    if verify_identity(full_name, request.POST["passport_number"]) and screen_sanctions(full_name, request.POST["country"]):
        for hook in Webhook.objects.filter(owner=applicant.partner):
            notify_webhook(hook, applicant)
    report_status(applicant)
    return JsonResponse({"ok": True})
