"""Mobile API: device registration and account settings, reported to Amplitude."""
import os

from amplitude import Amplitude, BaseEvent
from flask import Flask, g, jsonify, request

app = Flask(__name__)
amp = Amplitude(os.environ["AMPLITUDE_API_KEY"])


@app.post("/devices")
def register_device():
    data = request.get_json()
    imei = data["imei"]
    idfa = data.get("idfa")
    amp.track(BaseEvent(event_type="device_registered", device_id=imei,
                        event_properties={"idfa": idfa, "os": data["os"], "latitude": data["latitude"]}))
    return jsonify(ok=True)


@app.put("/settings")
def update_settings():
    settings = request.get_json()
    account = g.account
    props = {
        "email_template_name": settings["email_template_name"],
        "is_email_verified": account.is_email_verified,
        "phone_prefix_length": len(settings.get("phone_prefix", "")),
        "address_book_enabled": settings["address_book_enabled"],
        "ip_allowlist_enabled": bool(settings.get("ip_allowlist")),
        "card_brand_count": settings["card_brand_count"],
    }
    amp.track(BaseEvent(event_type="settings_saved", user_id=f"acct-{account.pk}", event_properties=props))
    return jsonify(ok=True)


@app.get("/me/summary")
def summary():
    account = g.account
    stats = {
        "has_phone": bool(account.phone_number),
        "email_length": len(account.email),
        "uses_gmail": account.email.endswith("@gmail.com"),
        "same_city": account.city == request.args.get("city"),
        "addresses": len(account.addresses),
    }
    amp.track(BaseEvent(event_type="summary_viewed", user_id=f"acct-{account.pk}", event_properties=stats))
    return jsonify(stats)
