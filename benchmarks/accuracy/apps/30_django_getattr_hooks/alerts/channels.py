"""Alert channels. The views pick a channel by name."""
from mixpanel import Mixpanel
from twilio.rest import Client


class Channels:
    def __init__(self):
        self.sms_client = Client("ACxxxx", "token")
        self.mp = Mixpanel("mp-token")

    def sms(self, phone, text):
        self.sms_client.messages.create(to=phone, from_="+15550100", body=text)

    def event(self, distinct_id, name, properties):
        self.mp.track(distinct_id, name, properties)


class EventBus:
    def __init__(self):
        self.listeners = {}

    def on(self, event):
        def attach(listener):
            self.listeners[event] = listener
            return listener
        return attach


channels = Channels()
bus = EventBus()
ROUTES = {"sms": channels.sms, "event": channels.event}
