from django.http import HttpResponseRedirect

from mall.payments import pay_url
from mall.storage import mirror_order, save_id_card, save_order


def checkout(request):
    order_no = request.POST["order_no"]
    receiver = {"receiver_name": request.POST["real_name"], "mobile": request.POST["mobile"],
                "address": request.POST["address"]}
    save_order(order_no, receiver)
    mirror_order(order_no, receiver)
    return HttpResponseRedirect(pay_url(order_no, request.POST["total"], receiver))


def verify_identity(request):
    save_id_card(request.user.pk, request.POST["id_card_number"])
    return HttpResponseRedirect("/account")
