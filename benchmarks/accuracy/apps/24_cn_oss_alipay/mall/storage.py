"""Order documents and identity photos in Aliyun OSS."""
import json
import os

import oss2

auth = oss2.Auth(os.environ["OSS_ACCESS_KEY_ID"], os.environ["OSS_ACCESS_KEY_SECRET"])
orders_bucket = oss2.Bucket(auth, "https://oss-cn-hangzhou.aliyuncs.com", "xiaomai-orders")
overseas_bucket = oss2.Bucket(auth, "https://oss-ap-southeast-1.aliyuncs.com", "xiaomai-sg")
legacy_bucket = oss2.Bucket(auth, "oss-cn-shanghai.aliyuncs.com", "xiaomai-legacy")


def save_order(order_no, receiver):
    doc = {"order": order_no, "receiver": receiver["receiver_name"], "mobile": receiver["mobile"],
           "address": receiver["address"]}
    orders_bucket.put_object("orders/%s.json" % order_no, json.dumps(doc, ensure_ascii=False))


def mirror_order(order_no, receiver):
    overseas_bucket.put_object("orders/{}.json".format(order_no), json.dumps({"mobile": receiver["mobile"]}))


def save_id_card(user_id, id_card_number):
    legacy_bucket.put_object(f"kyc/{user_id}.txt", id_card_number)
