"""One place to configure third-party clients; the rest of the app imports them from here."""
import os

import stripe as payments
from segment import analytics as segment_client

payments.api_key = os.environ["STRIPE_SECRET_KEY"]
segment_client.write_key = os.environ["SEGMENT_WRITE_KEY"]

__all__ = ["payments", "segment_client"]
