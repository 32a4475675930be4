"""Sign-up endpoint of a small Flask SaaS: product analytics and a welcome SMS."""
import os

from flask import Flask, jsonify, request
from mixpanel import Mixpanel
from twilio.rest import Client

app = Flask(__name__)
mp = Mixpanel(os.environ["MIXPANEL_TOKEN"])
sms = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
SENDER = "+15005550006"


def normalise(email, phone):
    return email.strip().lower(), phone.replace(" ", "")


@app.post("/signup")
def signup():
    form = request.form
    email, phone = normalise(form["email"], form["phone"])
    plan = request.args.get("plan", "free")
    city = request.args.get("city", "")
    event = "Signed Up"
    event += " in " + city
    mp.track(email, event, {"plan": plan})
    sms.messages.create(to=phone, from_=SENDER, body="Welcome to Tallybook!")
    payload = request.get_json(silent=True) or {}
    if (alternate := payload.get("alternate_phone")):
        sms.messages.create(to=alternate, from_=SENDER, body="Your backup number was added.")
    return jsonify(ok=True)


@app.get("/pricing")
def pricing():
    plan = request.args.get("plan", "free")
    label = "Pricing Viewed"
    label += f" ({plan})"
    mp.track("anonymous", label, {"plan": plan})
    return jsonify(plans=["free", "team"])
