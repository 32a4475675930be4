import analytics
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from portal.decorators import tracked, with_error_user


@login_required
@tracked("Appointments Viewed")
@require_GET
def appointments(request):
    return JsonResponse({"appointments": []})


@login_required
@with_error_user
def update_profile(request):
    user = request.user
    user.first_name = request.POST["first_name"]
    user.save(update_fields=["first_name"])
    analytics.identify(user.email, {"first_name": user.first_name})
    return JsonResponse({"ok": True})
