import json
import os

from records.aws import dynamodb, queue_client, s3_client, ses, sns

QUEUE_URL = os.environ["REMINDER_QUEUE_URL"]


def archive_patient(patient):
    body = json.dumps({"name": patient.full_name, "email": patient.email})
    s3_client().put_object(Bucket="termine-archive", Key=f"patients/{patient.pk}.json", Body=body)


def queue_reminder(patient, when):
    queue_client().send_message(QueueUrl=QUEUE_URL, MessageBody=json.dumps({"phone": patient.phone, "at": when}))


def email_confirmation(patient):
    ses.send_email(Source="termine@medica.example", Destination={"ToAddresses": [patient.email]},
                   Message={"Subject": {"Data": "Termin bestätigt"}, "Body": {"Text": {"Data": "Bis bald!"}}})


def text_confirmation(patient):
    sns.publish(PhoneNumber=patient.phone, Message="Ihr Termin ist bestätigt.")


def save_contact(patient):
    dynamodb.put_item(TableName="contacts", Item={"pk": {"S": str(patient.pk)}, "email": {"S": patient.email}})
