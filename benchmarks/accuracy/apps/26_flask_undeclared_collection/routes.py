"""Trip planner API: routes between addresses and usage analytics."""
import os

import googlemaps
from amplitude import Amplitude, BaseEvent
from flask import Flask, jsonify, request

app = Flask(__name__)
gmaps = googlemaps.Client(key=os.environ["GOOGLE_MAPS_KEY"])
amp = Amplitude(os.environ["AMPLITUDE_API_KEY"])


@app.post("/trips")
def plan_trip():
    trip = request.get_json()
    start = trip["home_address"]
    destination = trip["destination"]
    route = gmaps.directions(start, destination, mode="walking")
    amp.track(BaseEvent(event_type="trip_planned", user_id=trip["email"],
                        event_properties={"legs": len(route), "lat": trip["latitude"], "lng": trip["longitude"]}))
    return jsonify(route=route)


@app.get("/places")
def nearby():
    lat, lng = request.args["lat"], request.args["lng"]
    places = gmaps.places_nearby(location=(lat, lng), radius=500, type="cafe")
    return jsonify(places=places)
