"""Card payments for bookings (card data is tokenised by Braintree)."""
import logging
import os

import braintree
from django.core.cache import cache
from django.http import JsonResponse

from payments.models import PaymentAttempt

log = logging.getLogger(__name__)
gateway = braintree.BraintreeGateway(braintree.Configuration(
    braintree.Environment.Sandbox,
    merchant_id=os.environ["BT_MERCHANT_ID"],
    public_key=os.environ["BT_PUBLIC_KEY"],
    private_key=os.environ["BT_PRIVATE_KEY"],
))


def pay(request, booking_id):
    card_number = request.POST["card_number"]
    cvv = request.POST["cvv"]
    email = request.POST["email"]
    result = gateway.transaction.sale({
        "amount": request.POST["amount"],
        "credit_card": {"number": card_number, "cvv": cvv, "expiration_date": request.POST["expiry"]},
        "customer": {"email": email},
        "options": {"submit_for_settlement": True},
    })
    if not result.is_success:
        log.warning("payment failed for %s: %s", email, result.message)
        request.session["retry_card"] = {"number": card_number, "cvv": cvv}
        cache.set(f"retry:{booking_id}", cvv, timeout=600)
        PaymentAttempt.objects.create(booking_id=booking_id, succeeded=False)
        return JsonResponse({"ok": False}, status=402)
    log.info("payment ok for booking %s (card length %d)", booking_id, len(card_number))
    return JsonResponse({"ok": True})
