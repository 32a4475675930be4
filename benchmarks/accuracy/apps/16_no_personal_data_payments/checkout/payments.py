"""Card payments through Stripe Checkout: the app never sees card or customer details."""
import logging
import os

import sentry_sdk
import stripe

stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
logger = logging.getLogger(__name__)
SUCCESS_URL = "https://crumb.example/checkout/done?session={CHECKOUT_SESSION_ID}"


def start_checkout(order):
    line_items = [
        {"price_data": {"currency": "gbp", "unit_amount": line.unit_pence, "product_data": {"name": line.product_name}},
         "quantity": line.quantity}
        for line in order.lines.all()
    ]
    session = stripe.checkout.Session.create(
        mode="payment",
        line_items=line_items,
        success_url=SUCCESS_URL,
        cancel_url="https://crumb.example/basket",
        metadata={"order_id": str(order.pk), "shop": order.shop_code},
    )
    logger.info("checkout %s for order %s (%d lines)", session.id, order.pk, len(line_items))
    return session.url


def refund(order, amount_pence):
    try:
        stripe.Refund.create(payment_intent=order.payment_intent_id, amount=amount_pence,
                             metadata={"order_id": str(order.pk), "reason_code": order.refund_reason})
    except stripe.error.StripeError as exc:
        sentry_sdk.set_tag("order_id", str(order.pk))
        sentry_sdk.capture_exception(exc)
        raise
