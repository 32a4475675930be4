import asyncpg

DSN = "postgresql://helpwise@db/helpwise"


async def fetch_open_tickets():
    conn = await asyncpg.connect(DSN)
    try:
        return await conn.fetch("SELECT * FROM tickets WHERE status = 'open'")
    finally:
        await conn.close()


async def save_draft(ticket_id, label, reply):
    conn = await asyncpg.connect(DSN)
    try:
        await conn.execute("UPDATE tickets SET label = $1, draft = $2 WHERE id = $3", label, reply, ticket_id)
    finally:
        await conn.close()
