"""FastAPI sign-up service: newsletter contact at Brevo, product analytics at PostHog."""
import os
from typing import Optional

import httpx
from fastapi import Cookie, FastAPI, Header, Request
from posthog import Posthog
from pydantic import BaseModel, EmailStr

app = FastAPI()
posthog = Posthog(os.environ["POSTHOG_KEY"], host="https://eu.i.posthog.com")
BREVO_CONTACTS = "https://api.brevo.com/v3/contacts"


class SignupIn(BaseModel):
    contact: EmailStr
    full_name: str
    mobile_number: Optional[str] = None
    newsletter: bool = False
    email_template_name: str = "welcome"


@app.post("/signup")
async def signup(body: SignupIn, request: Request, visitor: Optional[str] = Cookie(default=None),
                 user_agent: Optional[str] = Header(default=None)):
    if body.newsletter:
        async with httpx.AsyncClient(timeout=5) as client:
            await client.post(BREVO_CONTACTS, headers={"api-key": os.environ["BREVO_KEY"]},
                              json={"email": body.contact, "attributes": {"FULLNAME": body.full_name}})
    posthog.capture(visitor, "signed_up", {"newsletter": body.newsletter, "template": body.email_template_name})
    posthog.capture(visitor, "client_seen", {"ua": user_agent, "ip": request.client.host})
    return {"ok": True}


@app.post("/sms-optin")
async def sms_optin(body: SignupIn):
    async with httpx.AsyncClient(timeout=5) as client:
        await client.post(BREVO_CONTACTS, json={"email": body.contact, "attributes": {"SMS": body.mobile_number}})
    return {"ok": True}
