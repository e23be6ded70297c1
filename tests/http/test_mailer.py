"""Mail out by SMTP: with LEDGER_SMTP_URL set, a reset mail reaches the mail server after the
answer, and the outbox records when it was sent; an unreachable server leaves it unsent."""

from __future__ import annotations

import asyncio
import socket
from email import message_from_bytes, policy
from typing import Any

import httpx
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.conftest import Tenant


class Collector:
    def __init__(self) -> None:
        self.messages: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def sent_at(tenant: Tenant, email: str) -> Any:
    return await tenant.ledger.pool.fetchval(
        "select sent_at from mail_outbox where recipient = $1 order by created_at desc limit 1",
        email,
    )


async def owner_email(tenant: Tenant) -> str:
    return await tenant.ledger.pool.fetchval(
        "select email from users where id = $1", tenant.owner_id
    )


async def test_a_reset_mail_is_delivered_by_smtp_and_marked_sent(
    tenant: Tenant, visitor: httpx.AsyncClient, monkeypatch
):
    collector, port = Collector(), free_port()
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(collector), host="127.0.0.1", port=port
    )
    monkeypatch.setenv("LEDGER_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("LEDGER_MAIL_FROM", "buchhaltung@example.test")
    email = await owner_email(tenant)
    try:
        answer = await visitor.post("/v1/auth/forgot-password", json={"email": email})
        assert answer.status_code == 202
        for _ in range(100):
            if await sent_at(tenant, email) is not None:
                break
            await asyncio.sleep(0.05)
    finally:
        server.close()
        await server.wait_closed()

    assert await sent_at(tenant, email) is not None
    [envelope] = collector.messages
    assert (envelope.mail_from, envelope.rcpt_tos) == ("buchhaltung@example.test", [email])
    mail = message_from_bytes(envelope.original_content, policy=policy.default)
    assert mail["Subject"] == "Passwort zurücksetzen"
    assert "token=lt_" in mail.get_content()


async def test_an_unreachable_mail_server_leaves_the_mail_in_the_outbox_unsent(
    tenant: Tenant, visitor: httpx.AsyncClient, monkeypatch
):
    monkeypatch.setenv("LEDGER_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nobody listens
    email = await owner_email(tenant)

    answer = await visitor.post("/v1/auth/forgot-password", json={"email": email})
    await asyncio.sleep(0.3)  # the delivery attempt fails at once: connection refused

    assert answer.status_code == 202
    assert await sent_at(tenant, email) is None
    assert (
        await tenant.ledger.pool.fetchval(
            "select count(*) from mail_outbox where recipient = $1", email
        )
        == 1
    )
