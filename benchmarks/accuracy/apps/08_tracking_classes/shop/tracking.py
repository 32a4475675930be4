"""Event tracking and customer notifications, wrapped in small service classes."""
import os

from mixpanel import Mixpanel
from twilio.rest import Client


class Tracker:
    event_prefix = "shop"

    def __init__(self, token):
        self.mp = Mixpanel(token)

    def send(self, distinct_id, event, properties):
        self.mp.track(distinct_id, f"{self.event_prefix}:{event}", properties)


class CheckoutTracker(Tracker):
    event_prefix = "checkout"

    def purchase(self, customer, order):
        self.send(customer.email, "purchase", {"order_id": order.id, "total": order.total})

    def store_pickup(self, customer, latitude, longitude):
        self.send(customer.email, "pickup", {"lat": round(latitude, 3), "lng": round(longitude, 3)})


class Notifier:
    client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
    sender = "+15005550006"

    def text(self, to, body):
        return self.client.messages.create(to=to, from_=self.sender, body=body)


class ShippingNotifier(Notifier):
    def shipped(self, customer, order):
        self.text(customer.phone, f"Order {order.id} is on its way.")
