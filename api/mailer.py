"""Mail the service sends (invitations, password resets, contact-form copies): always into the
outbox table (`ledger mail outbox`), and by SMTP when `LEDGER_SMTP_URL` is set.

SMTP delivery runs in the background: a request never waits for a mail server, and a reset
request for an existing account answers as fast as one for a missing address. A failed
delivery is logged and the mail stays in the outbox unsent.
"""

from __future__ import annotations

import asyncio
import logging
import os
import smtplib
import uuid
from email.message import EmailMessage
from typing import Final
from urllib.parse import urlparse

import anyio.to_thread

from api.bootstrap import Ledger

log = logging.getLogger(__name__)
SMTP_TIMEOUT_S: Final = 30
_deliveries: set[asyncio.Task[None]] = set()  # held so a running delivery is not collected


def public_url() -> str:
    """Where links in mails point (LEDGER_PUBLIC_URL)."""
    return os.environ.get("LEDGER_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


async def send_mail(ledger: Ledger, recipient: str, subject: str, body: str) -> None:
    mail_id = uuid.uuid4()
    async with ledger.pool.acquire() as conn:
        await conn.execute(
            "insert into mail_outbox (id, recipient, subject, body, created_at)"
            " values ($1, $2, $3, $4, $5)",
            mail_id,
            recipient,
            subject,
            body,
            ledger.clock(),
        )
    url = os.environ.get("LEDGER_SMTP_URL")
    if url:
        task = asyncio.create_task(_deliver(ledger, url, mail_id, recipient, subject, body))
        _deliveries.add(task)
        task.add_done_callback(_deliveries.discard)


async def _deliver(
    ledger: Ledger, url: str, mail_id: uuid.UUID, recipient: str, subject: str, body: str
) -> None:
    message = EmailMessage()
    message["From"] = os.environ.get("LEDGER_MAIL_FROM", "ledger@localhost")
    message["To"], message["Subject"] = recipient, subject
    message.set_content(body)
    parsed = urlparse(url)

    def deliver() -> None:
        host, port = parsed.hostname or "localhost", parsed.port or 25
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_S) as smtp:
            smtp.send_message(message)

    try:
        await anyio.to_thread.run_sync(deliver)
    except (OSError, smtplib.SMTPException) as error:
        log.error("mail %s to %s not delivered: %s", mail_id, recipient, error)
        return
    async with ledger.pool.acquire() as conn:
        await conn.execute(
            "update mail_outbox set sent_at = $2 where id = $1", mail_id, ledger.clock()
        )
