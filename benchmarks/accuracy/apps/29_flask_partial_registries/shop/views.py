from flask import Flask, request

from shop.hooks import HOOKS
from shop.integrations import order_receipt
from shop.tracking import EVENT_SINKS, track_order

app = Flask(__name__)


@app.post("/signup")
def signup():
    email = request.form["email"]
    user_id = request.form["user_id"]
    plan = request.form.get("plan", "free")
    HOOKS["welcome_mail"](email, plan)
    HOOKS["loyalty"](email, plan)
    EVENT_SINKS["segment"](user_id, "Signed Up", {"plan": plan})
    EVENT_SINKS["audit"]("signup from %s", email)
    EVENT_SINKS[request.form["sink"]](user_id, "Signup Sink", {"plan": plan})
    return {"ok": True}


@app.post("/orders")
def place_order():
    user_id = request.form["user_id"]
    total = request.form["total"]
    track_order(user_id, properties={"total": total})
    order_receipt(request.form["email"], body=f"<p>Total: {total} EUR</p>")
    return {"ok": True}
