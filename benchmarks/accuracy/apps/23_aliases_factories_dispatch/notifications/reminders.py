from notifications.channels import Channels, report_failure

channels = Channels()
SENDERS = {"sms": channels.send_sms, "email": channels.send_email}


def remind(booking):
    text = f"See you on {booking.starts:%d %b} at {booking.site}."
    try:
        SENDERS["sms"](booking.guest_phone, text)
        getattr(channels, "send_email")(booking.guest_email, text)
    except Exception as exc:
        report_failure(booking, exc)
