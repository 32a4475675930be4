from store.integrations import payments, segment_client


def register_customer(user):
    payments.Customer.create(email=user.email, name=f"{user.first_name} {user.last_name}")
    identify(user)


def identify(user):
    segment_client.identify(user.email, {"name": user.first_name, "plan": user.plan})
