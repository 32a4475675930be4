import os

from django.http import JsonResponse

from .models import Order
from .tracking import CheckoutTracker, ShippingNotifier

tracker = CheckoutTracker(os.environ["MIXPANEL_TOKEN"])
notifier = ShippingNotifier()


def complete_order(request, order_id):
    order = Order.objects.get(pk=order_id, customer=request.user)
    tracker.purchase(request.user, order)
    return JsonResponse({"status": order.status})


def pickup(request, order_id):
    order = Order.objects.get(pk=order_id, customer=request.user)
    tracker.store_pickup(request.user, float(request.GET["latitude"]), float(request.GET["longitude"]))
    return JsonResponse({"status": order.status})


def mark_shipped(request, order_id):
    order = Order.objects.get(pk=order_id)
    notifier.shipped(order.customer, order)
    return JsonResponse({"status": "shipped"})
