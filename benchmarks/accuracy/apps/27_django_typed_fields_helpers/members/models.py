from django.db import models
from phonenumber_field.modelfields import PhoneNumberField
from address.models import AddressField


class Member(models.Model):
    login = models.EmailField(unique=True)
    last_seen_from = models.GenericIPAddressField(null=True, blank=True)
    hotline = PhoneNumberField(blank=True)
    postal = AddressField(null=True, on_delete=models.SET_NULL)
    plan = models.CharField(max_length=20, default="basic")
    referral_code = models.CharField(max_length=12, blank=True)
