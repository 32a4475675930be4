from django.db import models


class Customer(models.Model):
    email = models.EmailField()
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    job_title = models.CharField(max_length=80, blank=True)
    synced = models.BooleanField(default=False)
