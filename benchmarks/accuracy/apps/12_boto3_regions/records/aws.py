"""AWS clients for the appointment service. Data must stay in the EU."""
import os

import boto3

DEFAULT_REGION = "eu-central-1"


def s3_client():
    return boto3.client("s3", region_name=DEFAULT_REGION)


def queue_client(region=None):
    return boto3.client("sqs", region_name=region or os.environ["AWS_REGION"])


ses = boto3.client("ses")
sns = boto3.client("sns", region_name="us-east-1")
dynamodb = boto3.client("dynamodb", region_name=os.environ.get("DYNAMO_REGION", "eu-west-1"))
