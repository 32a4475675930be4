"""Celery tasks that mirror customers into HubSpot."""
import os

from celery import shared_task
from hubspot import HubSpot
from hubspot.crm.contacts import BatchInputSimplePublicObjectInputForCreate, SimplePublicObjectInputForCreate

from crm.batching import chunks, contact_properties
from crm.models import Customer


def hubspot_client():
    return HubSpot(access_token=os.environ["HUBSPOT_TOKEN"])


@shared_task
def sync_customers():
    api = hubspot_client()
    for batch in chunks(contact_properties(Customer.objects.filter(synced=False))):
        inputs = [SimplePublicObjectInputForCreate(properties=props) for props in batch]
        api.crm.contacts.batch_api.create(batch_input_simple_public_object_input_for_create=BatchInputSimplePublicObjectInputForCreate(inputs=inputs))


@shared_task
def sync_deal_totals():
    api = hubspot_client()
    totals = Customer.objects.filter(synced=True).count()
    api.crm.deals.basic_api.create(simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
        properties={"dealname": "Weekly sync", "amount": str(totals)}))
