import asyncio

from assistant import classify, draft_reply
from tickets import fetch_open_tickets, save_draft


async def main():
    for ticket in await fetch_open_tickets():
        label, reply = await asyncio.gather(classify(ticket), draft_reply(ticket))
        await save_draft(ticket.pk, label, reply)


if __name__ == "__main__":
    asyncio.run(main())
