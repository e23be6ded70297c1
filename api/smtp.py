"""The inbox's SMTP listener (aiosmtpd), on the server's own event loop: a recipient is taken
only when it is a tenant's inbox address (else 550 at RCPT), and each message goes through the
same ingestion as `POST /v1/inbox`. Enabled by LEDGER_SMTP_LISTEN=host:port."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from uuid import UUID

from aiosmtpd.smtp import SMTP, Envelope, Session

from api.bootstrap import Ledger
from api.errors import ApiError
from api.inbox import ingest_mail, tenant_of_address
from ledger.errors import Rejected
from ledger.events import Actor
from ledger.inbox.mail import MAIL_BYTES_MAX

log = logging.getLogger(__name__)
SMTP_ACTOR = Actor(actor_type="system", label="smtp inbox")


class InboxHandler:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if await tenant_of_address(self.ledger, address) is None:
            return "550 5.1.1 No such inbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode()
        tenants: list[UUID] = []
        for address in envelope.rcpt_tos:
            tenant_id = await tenant_of_address(self.ledger, address)
            if tenant_id is not None and tenant_id not in tenants:
                tenants.append(tenant_id)
        try:
            for tenant_id in tenants:
                await ingest_mail(
                    self.ledger,
                    raw,
                    tenant_id=tenant_id,
                    actor=SMTP_ACTOR,
                    channel="system",
                    received_via="smtp",
                )
        except (Rejected, ApiError) as refusal:
            log.warning("inbox mail refused: %s", refusal)
            return f"550 5.6.0 {getattr(refusal, 'message', refusal)}"[:500]
        return "250 Message accepted"


async def start_listener(ledger: Ledger, listen: str) -> asyncio.Server:
    """Serve SMTP on `host:port` until the returned server is closed."""
    host, _, port = listen.rpartition(":")
    handler = InboxHandler(ledger)
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: SMTP(handler, data_size_limit=MAIL_BYTES_MAX, enable_SMTPUTF8=True),
        host=host or "127.0.0.1",
        port=int(port),
    )
