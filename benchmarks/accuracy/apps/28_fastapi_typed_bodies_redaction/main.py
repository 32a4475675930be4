"""FastAPI waitlist: body models whose field types give the category, whatever the fields are named."""
import logging
import os
from dataclasses import dataclass
from typing import Optional

import scrubadub
import stripe
from fastapi import FastAPI
from mixpanel import Mixpanel
from pydantic import BaseModel, EmailStr, IPvAnyAddress
from pydantic_extra_types.payment import PaymentCardNumber
from pydantic_extra_types.phone_numbers import PhoneNumber

app = FastAPI()
log = logging.getLogger("waitlist")
mp = Mixpanel(os.environ["MIXPANEL_TOKEN"])
stripe.api_key = os.environ["STRIPE_SECRET_KEY"]


class JoinRequest(BaseModel):
    login: EmailStr
    callback: Optional[PhoneNumber] = None
    origin: IPvAnyAddress | None = None
    referrer: str = ""
    marketing_opt_in: bool = False


class Deposit(BaseModel):
    instrument: PaymentCardNumber
    amount_cents: int


@dataclass
class Ticket:
    subject: str
    requester: EmailStr


def split_contact(body: JoinRequest):
    return body.login, body.callback


@app.post("/join")
async def join(body: JoinRequest):
    login, callback = split_contact(body)
    mp.track(login, "Joined", {"referrer": body.referrer, "opt_in": body.marketing_opt_in})
    mp.people_set(login, {"$ip": str(body.origin)})
    log.info("join: %s", scrubadub.clean(f"{login} {callback}"))
    return {"ok": True}


@app.post("/deposit")
async def deposit(body: Deposit):
    stripe.PaymentIntent.create(amount=body.amount_cents, currency="eur",
                                payment_method_data={"type": "card", "card": {"number": body.instrument}})
    return {"ok": True}


@app.post("/support")
async def support(body: JoinRequest):
    ticket = Ticket(subject="Waitlist question", requester=body.login)
    mp.track("support-desk", "Ticket Opened", {"subject": ticket.subject})
    log.warning("support ticket for %s", ticket.requester)
    return {"ok": True}
