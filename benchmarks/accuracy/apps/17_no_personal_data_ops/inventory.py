"""Inventory service: stock alerts to Slack, catalogue exports to S3, business metrics to Segment."""
import csv
import io
import logging
import os

import analytics
import boto3
from flask import Flask, jsonify, request
from slack_sdk import WebClient

app = Flask(__name__)
log = logging.getLogger("inventory")
analytics.write_key = os.environ["SEGMENT_WRITE_KEY"]
slack = WebClient(token=os.environ["SLACK_BOT_TOKEN"])
s3 = boto3.client("s3", region_name="eu-north-1")
STOCK = {"SKU-1": 14, "SKU-2": 3}


@app.post("/stock/<sku>")
def adjust_stock(sku):
    delta = int(request.form["delta"])
    warehouse = request.form.get("warehouse", "HEL-1")
    STOCK[sku] = STOCK.get(sku, 0) + delta
    if STOCK[sku] < 5:
        slack.chat_postMessage(channel="#stock", text=f"{sku} is low at {warehouse}: {STOCK[sku]} left")
    analytics.track("inventory-service", "Stock Adjusted", {"sku": sku, "delta": delta, "warehouse": warehouse})
    log.info("stock %s changed by %d", sku, delta)
    return jsonify(sku=sku, stock=STOCK[sku])


@app.post("/exports/catalogue")
def export_catalogue():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["sku", "stock"])
    writer.writerows(sorted(STOCK.items()))
    s3.put_object(Bucket="stockroom-exports", Key="catalogue.csv", Body=buffer.getvalue().encode())
    slack.chat_postMessage(channel="#stock", text=f"Catalogue exported ({len(STOCK)} SKUs)")
    return jsonify(exported=len(STOCK))
