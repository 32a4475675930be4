"""Drafts replies to support tickets with an LLM; runs inside the async ticket worker."""
import os

from openai import AsyncOpenAI

llm = AsyncOpenAI(api_key=os.environ["OPENAI_API_KEY"])
MODEL = "gpt-4o-mini"


def ticket_lines(ticket):
    yield f"Customer: {ticket.full_name}"
    yield f"Reply-to: {ticket.email}"
    for message in ticket.messages:
        yield message.text


async def draft_reply(ticket):
    prompt = "\n".join(ticket_lines(ticket))
    response = await llm.chat.completions.create(
        model=MODEL,
        messages=[{"role": "system", "content": "You are a helpful support agent."},
                  {"role": "user", "content": prompt}],
    )
    return response.choices[0].message.content


async def classify(ticket):
    has_phone = bool(ticket.phone)
    response = await llm.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": f"Subject: {ticket.subject}. Phone on file: {has_phone}."}],
    )
    return response.choices[0].message.content
