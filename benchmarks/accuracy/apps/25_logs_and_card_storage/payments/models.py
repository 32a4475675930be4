from django.db import models


class PaymentAttempt(models.Model):
    booking_id = models.IntegerField()
    succeeded = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
