from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404

from checkout.models import Order
from checkout.payments import refund, start_checkout


def pay(request, pk):
    order = get_object_or_404(Order, pk=pk, session_key=request.session.session_key)
    return HttpResponseRedirect(start_checkout(order))


def refund_order(request, pk):
    order = get_object_or_404(Order, pk=pk)
    refund(order, int(request.POST["amount_pence"]))
    order.status = "refunded"
    order.save(update_fields=["status"])
    return JsonResponse({"status": order.status})
