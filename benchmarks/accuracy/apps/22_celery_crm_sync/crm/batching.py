def chunks(items, size=100):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def contact_properties(customers):
    for customer in customers:
        yield {
            "email": customer.email,
            "firstname": customer.first_name,
            "lastname": customer.last_name,
            "jobtitle": customer.job_title,
            "lifecyclestage": "customer",
        }
