from django import forms


class PhoneVerificationForm(forms.Form):
    phone_number = forms.CharField(max_length=20)
    phone_prefix_length = forms.IntegerField(min_value=1, max_value=4)
    channel = forms.ChoiceField(choices=[("sms", "SMS"), ("call", "Voice call")])
