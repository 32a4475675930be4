"""Analytics events: a partial per event, and the places an event can be sent, by name."""
import logging
from functools import partial

import analytics

logger = logging.getLogger("shop.tracking")

track_order = partial(analytics.track, event="Order Placed")
EVENT_SINKS = {"segment": analytics.track, "audit": logger.info}
