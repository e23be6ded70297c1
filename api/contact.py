"""Messages from the public contact form: kept for the operator (`ledger contact list`) and,
when `LEDGER_CONTACT_TO` is set, mailed there (docs/api.md, "Contact form")."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from typing import Final

from api import throttle
from api.bootstrap import Ledger
from api.mailer import send_mail
from api.throttle import Allowance
from schemas.contact import ContactIn

PER_SENDER: Final = Allowance("contact:email", 3, timedelta(hours=1))
PER_ADDRESS: Final = Allowance("contact:ip", 10, timedelta(hours=1))


async def receive(ledger: Ledger, message: ContactIn, client_address: str) -> None:
    """Keep the message, unless the honeypot is filled (then nothing happens at all); too
    many messages from one sender or network address: 429."""
    if message.honeypot:
        return
    counted = [(PER_SENDER, message.email), (PER_ADDRESS, client_address)]
    await throttle.refuse_when_over(
        ledger, counted, "Too many messages in a short time; please try again later."
    )
    await throttle.note(ledger, counted)
    async with ledger.pool.acquire() as conn:
        await conn.execute(
            "insert into contact_messages (id, name, email, message, address, received_at)"
            " values ($1, $2, $3, $4, $5, $6)",
            uuid.uuid4(),
            message.name,
            message.email,
            message.message,
            client_address,
            ledger.clock(),
        )
    operator = os.environ.get("LEDGER_CONTACT_TO")
    if operator:
        body = f"Von: {message.name} <{message.email}>\n\n{message.message}\n"
        await send_mail(ledger, operator, f"Kontaktformular: {message.name}", body)
