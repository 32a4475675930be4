from django.db import models


class Order(models.Model):
    session_key = models.CharField(max_length=40)
    shop_code = models.CharField(max_length=8)
    status = models.CharField(max_length=20, default="open")
    payment_intent_id = models.CharField(max_length=64, blank=True)
    refund_reason = models.CharField(max_length=40, blank=True)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    product_name = models.CharField(max_length=120)
    unit_pence = models.PositiveIntegerField()
    quantity = models.PositiveIntegerField(default=1)
