import os

import stripe
from django.shortcuts import redirect, render
from rest_framework import generics
from twilio.rest import Client

from .forms import PhoneVerificationForm
from .serializers import BillingProfileSerializer

twilio = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
VERIFY_SID = os.environ["TWILIO_VERIFY_SID"]
stripe.api_key = os.environ["STRIPE_SECRET_KEY"]


def verify_phone(request):
    form = PhoneVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["phone_number"]
        channel = form.cleaned_data["channel"]
        twilio.verify.v2.services(VERIFY_SID).verifications.create(to=number, channel=channel)
        request.session["prefix_length"] = form.cleaned_data["phone_prefix_length"]
        return redirect("verify-code")
    return render(request, "accounts/verify_phone.html", {"form": form})


class BillingProfileCreate(generics.CreateAPIView):
    serializer_class = BillingProfileSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        stripe.Customer.create(
            email=data["email"],
            name=data["full_name"],
            address={"line1": data["billing_address"]},
            metadata={"card_brands": data["card_brand_count"]},
        )
