from django.db import models


class Ticket(models.Model):
    subject = models.CharField(max_length=200)
    body = models.TextField()
    opened = models.DateTimeField(auto_now_add=True)
    hours_open = models.IntegerField(default=0)
