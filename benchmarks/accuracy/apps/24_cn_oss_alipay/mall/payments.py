import os

from alipay import AliPay

alipay_client = AliPay(
    appid=os.environ["ALIPAY_APPID"],
    app_notify_url="https://mall.xiaomai.example/alipay/notify",
    app_private_key_string=os.environ["ALIPAY_PRIVATE_KEY"],
    alipay_public_key_string=os.environ["ALIPAY_PUBLIC_KEY"],
    sign_type="RSA2",
)


def pay_url(order_no, total, buyer):
    query = alipay_client.api_alipay_trade_page_pay(
        out_trade_no=order_no,
        total_amount=str(total),
        subject=f"小麦商城订单 {order_no}",
        return_url="https://mall.xiaomai.example/paid",
        passback_params=buyer["mobile"],
    )
    return "https://openapi.alipay.com/gateway.do?" + query
