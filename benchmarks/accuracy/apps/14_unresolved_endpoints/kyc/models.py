from django.db import models


class Applicant(models.Model):
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE)
    email = models.EmailField()
    is_email_verified = models.BooleanField(default=False)


class Webhook(models.Model):
    owner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE)
    target_url = models.URLField()
