import analytics
from django.db import transaction
from django.http import JsonResponse

from .models import Ticket
from .notify import send_sms, ticket_opened


def open_ticket(request):
    email = request.POST["email"]
    phone = request.POST.get("phone", "")
    ticket = Ticket.objects.create(subject=request.POST["subject"], body=request.POST["body"])
    transaction.on_commit(lambda: ticket_opened(email))
    if phone:
        transaction.on_commit(lambda: send_sms(phone, f"Ticket #{ticket.pk} opened"))
    hooks = [lambda who: analytics.track(who, "Ticket Opened", {"ticket": ticket.pk})]
    for hook in hooks:
        hook(email)
    return JsonResponse({"ticket": ticket.pk})


def close_ticket(request, pk):
    ticket = Ticket.objects.get(pk=pk)
    notify_closed = partial_close(ticket)
    notify_closed()
    return JsonResponse({"closed": True})


def partial_close(ticket):
    return lambda: analytics.track("helpdesk", "Ticket Closed", {"ticket": ticket.pk, "hours": ticket.hours_open})
