from django.db import models


class Member(models.Model):
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=60)
    mobile_number = models.CharField(max_length=20, blank=True)
    marketing_opt_in = models.BooleanField(default=False)
    sms_opt_in = models.BooleanField(default=False)
    joined = models.DateTimeField(auto_now_add=True)
