"""Which names hold personal data: words, not substrings (issue 3, "name classification with context")."""

from __future__ import annotations

import pytest

from privacylint.catalog import load_catalog, split_words

CATALOG = load_catalog()


@pytest.mark.parametrize("name,category", [
    ("email", "user.contact.email"),
    ("user_email", "user.contact.email"),
    ("billingEmail", "user.contact.email"),
    ("contact_email", "user.contact.email"),
    ("phone_number", "user.contact.phone_number"),
    ("phone_numbers", "user.contact.phone_number"),
    ("mobile", "user.contact.phone_number"),
    ("shipping_address", "user.contact.address"),
    ("imei", "user.device.device_id.imei"),
    ("idfa", "user.device.device_id.idfa"),
    ("latitude", "user.location.precise"),
    ("REMOTE_ADDR", "user.device.ip_address"),
    ("HTTP_X_FORWARDED_FOR", "user.device.ip_address"),
    ("card_number", "user.financial.credit_card.number"),
    ("cvv", "user.financial.credit_card.security_code"),
    ("passport_number", "user.government_id.passport_number"),
    ("wechat_openid", "user.unique_id"),
    ("email_template_name", None),
    ("is_email_verified", None),
    ("phone_prefix_length", None),
    ("address_book_enabled", None),
    ("ip_allowlist_enabled", None),
    ("card_brand_count", None),
    ("order_id", None),
    ("amount", None),
    ("user", None),
    ("status", None),
])
def test_classification(name, category):
    assert CATALOG.classify_name(name) == category


def test_words():
    assert split_words("billingEmailAddress") == ("billing", "email", "address")
    assert split_words("HTTP_X_FORWARDED_FOR") == ("http", "x", "forwarded", "for")
    assert split_words("address_line1") == ("address", "line1")
