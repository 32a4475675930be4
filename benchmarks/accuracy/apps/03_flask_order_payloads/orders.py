"""Order webhooks: bookkeeping partner, receipt mailer, delivery tracking."""
import json

import requests
from flask import Blueprint, jsonify, request

bp = Blueprint("orders", __name__)
LEDGER_URL = "https://ledger.partner-books.example/api/entries"
RECEIPTS_URL = "https://receipts.mailroom.example/v1/send"
TRACKING_URL = "https://track.parcelnet.example/v1/shipments"


@bp.post("/orders/<int:order_id>/paid")
def order_paid(order_id):
    body = request.get_json()
    entry = {"order_id": order_id, "amount": body["amount"], "currency": body.get("currency", "EUR")}
    requests.post(LEDGER_URL, data=json.dumps(entry), headers={"Content-Type": "application/json"}, timeout=5)

    receipt = {"order_id": order_id, "lines": [line["sku"] for line in body["lines"]]}
    receipt["email"] = body["email"]
    requests.post(RECEIPTS_URL, json=receipt, timeout=5)
    requests.post(LEDGER_URL, json={"receipt_for": receipt["order_id"], "lines": receipt["lines"]}, timeout=5)
    return jsonify(ok=True)


@bp.post("/orders/<int:order_id>/ship")
def order_shipped(order_id):
    body = request.get_json()
    shipment = {"reference": f"ORD-{order_id}", "weight_grams": body["weight_grams"]}
    shipment["to"] = [body["shipping_address"], body["postal_code"]]
    parcels = [{"reference": shipment["reference"], "weight": shipment["weight_grams"]}]
    requests.post(TRACKING_URL, json={"parcels": parcels}, timeout=5)
    requests.post(TRACKING_URL, data=json.dumps(shipment), timeout=5)
    return jsonify(ok=True)
