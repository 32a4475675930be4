from rest_framework import serializers


class BillingProfileSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=120)
    billing_address = serializers.CharField(max_length=250)
    card_brand_count = serializers.IntegerField(default=0)
