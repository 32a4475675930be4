"""Editor backend: error context for Sentry, anonymous usage to Segment, access logs."""
import os

import analytics
import sentry_sdk
from flask import Flask, jsonify, request

app = Flask(__name__)
analytics.write_key = os.environ["SEGMENT_WRITE_KEY"]
sentry_sdk.init(dsn=os.environ["SENTRY_DSN"], send_default_pii=False)


@app.before_request
def attach_context():
    session_cookie = request.cookies.get("qp_session")
    forwarded_for = request.headers.get("X-Forwarded-For", request.remote_addr)
    sentry_sdk.set_user({"id": session_cookie, "ip_address": forwarded_for})
    sentry_sdk.set_tag("ua", request.headers["User-Agent"])
    app.logger.info("request from %s to %s", request.remote_addr, request.path)


@app.post("/documents")
def create_document():
    doc = request.get_json()
    analytics.track(anonymous_id=request.cookies.get("ajs_anonymous_id"), event="Document Created",
                    properties={"words": len(doc["text"].split()), "template": doc.get("template")})
    if doc.get("share_with"):
        sentry_sdk.add_breadcrumb(category="share", message=f"shared with {doc['share_with']['email']}")
    return jsonify(id=42)


@app.errorhandler(500)
def server_error(exc):
    sentry_sdk.set_context("request", {"path": request.path, "method": request.method})
    return jsonify(error="internal"), 500
