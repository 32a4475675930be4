"""Server-side page-view tracking (GA4 Measurement Protocol) and visitor geolocation."""
import os
from urllib.parse import urlencode

import requests

GA_ENDPOINT = "https://www.google-analytics.com/mp/collect"
GA_QUERY = urlencode({"measurement_id": os.environ["GA_MEASUREMENT_ID"], "api_secret": os.environ["GA_API_SECRET"]})


def client_ip(request):
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META["REMOTE_ADDR"]


class PageViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        ga_cookie = request.COOKIES.get("_ga", "")
        event = {"name": "page_view", "params": {"page_location": request.path,
                                                  "user_agent": request.META.get("HTTP_USER_AGENT", "")}}
        requests.post(f"{GA_ENDPOINT}?{GA_QUERY}", json={"client_id": ga_cookie, "events": [event]}, timeout=2)
        return response


def visitor_country(request):
    query = urlencode({"token": os.environ["IPINFO_TOKEN"]})
    url = "https://ipinfo.io/" + client_ip(request) + "/country?" + query
    return requests.get(url, timeout=2).text.strip()


def nearest_town(request):
    query = urlencode({"lat": request.GET["lat"], "lon": request.GET["lon"], "format": "json", "zoom": 10})
    return requests.get("https://nominatim.openstreetmap.org/reverse?" + query, timeout=2).json()


def related_posts(request):
    query = urlencode({"page": request.path, "limit": 5})
    return requests.get("https://hints.viaggio.example/related?" + query, timeout=2).json()
