from django.db import models
from phonenumber_field.modelfields import PhoneNumberField


class Subscriber(models.Model):
    contact = models.EmailField(unique=True)
    signup_origin = models.GenericIPAddressField(null=True, blank=True)
    sms_number = PhoneNumberField(blank=True)
    email_template_name = models.CharField(max_length=80, default="digest")
    is_email_verified = models.BooleanField(default=False)
    address_book_enabled = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
