"""Mail into the invoice inbox, the same for `POST /v1/inbox`, `ledger inbox ingest` and the
SMTP listener: read the message, keep each accepted attachment's bytes, extract it (off the
event loop), match its vendor, check it against § 14 UStG, and record the items and the
ingestion log in one decision (docs/api.md, "Inbox")."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from uuid import UUID

import anyio.to_thread

from api.bootstrap import Ledger
from api.errors import ApiError
from ledger.blobs import store_blob
from ledger.einvoice.compliance import check_invoice
from ledger.einvoice.errors import EInvoiceInvalid
from ledger.einvoice.extract import ExtractionFailed, extract
from ledger.einvoice.vendor_match import VendorCandidate, match_vendor
from ledger.events import Actor, Channel
from ledger.inbox.mail import Attachment, parse_mail
from ledger.intents import AssignInboxAddress, IncomingFile, ReceiveMail
from ledger.writer import TENANT_TIMEZONE

DEFAULT_INBOX_DOMAIN = "inbox.ledger.localhost"


def inbox_domain() -> str:
    """LEDGER_INBOX_DOMAIN: the domain of the tenants' inbox addresses."""
    return os.environ.get("LEDGER_INBOX_DOMAIN", DEFAULT_INBOX_DOMAIN).strip().lower()


def address_for(tenant_id: UUID, company_name: str) -> str:
    """`<company>-<6 hex>@<domain>`: readable, and not guessable from the name alone."""
    slug = re.sub(r"[^a-z0-9]+", "-", company_name.lower()).strip("-")[:24].strip("-")
    tag = hashlib.sha256(tenant_id.bytes).hexdigest()[:6]
    return f"{slug or 'inbox'}-{tag}@{inbox_domain()}"


async def inbox_address(ledger: Ledger, tenant_id: UUID, actor: Actor, channel: Channel) -> str:
    """The tenant's inbox address, assigned (an event) on first use."""
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select company_name, inbox_address from tenants where id = $1", tenant_id
        )
    if row["inbox_address"] is not None:
        return row["inbox_address"]
    await ledger.writers.submit_one(
        AssignInboxAddress(
            tenant_id=tenant_id,
            actor=actor,
            channel=channel,
            address=address_for(tenant_id, row["company_name"]),
        )
    )
    async with ledger.pool.acquire() as conn:
        return await conn.fetchval("select inbox_address from tenants where id = $1", tenant_id)


async def tenant_of_address(ledger: Ledger, address: str) -> UUID | None:
    async with ledger.pool.acquire() as conn:
        return await conn.fetchval(
            "select id from tenants where inbox_address = $1", address.strip().lower()
        )


async def ingest_mail(
    ledger: Ledger,
    raw: bytes,
    *,
    tenant_id: UUID | None,
    actor: Actor,
    channel: Channel,
    received_via: str,
) -> UUID:
    """Take a mail into a tenant's inbox (the given one, or the one its recipient names);
    the ingestion id."""
    mail = parse_mail(raw)
    recipient = None
    if tenant_id is None:
        for address in mail.recipients:
            tenant_id = await tenant_of_address(ledger, address)
            if tenant_id is not None:
                recipient = address
                break
        if tenant_id is None:
            raise ApiError(
                "NOT_FOUND",
                "No tenant has an inbox at the mail's recipients.",
                recipients=list(mail.recipients),
            )
    else:
        recipient = mail.recipients[0] if mail.recipients else None
    vendors = await _vendors(ledger, tenant_id)
    today = ledger.clock().astimezone(TENANT_TIMEZONE).date()
    files = []
    for attachment in mail.attachments:
        files.append(await _incoming(ledger, tenant_id, attachment, vendors, today))
    ingestion_id = uuid.uuid4()
    await ledger.writers.submit_one(
        ReceiveMail(
            tenant_id=tenant_id,
            actor=actor,
            channel=channel,
            ingestion_id=ingestion_id,
            received_via=received_via,  # type: ignore[arg-type]
            message_id=mail.message_id,
            sender=mail.sender,
            subject=mail.subject,
            recipient=recipient,
            files=tuple(files),
        )
    )
    return ingestion_id


async def _incoming(
    ledger: Ledger, tenant_id: UUID, attachment: Attachment, vendors, today
) -> IncomingFile:
    common = {
        "name": attachment.name,
        "sha256": attachment.sha256,
        "mime_type": attachment.mime_type,
        "size_bytes": len(attachment.content),
        "outcome": attachment.outcome,
        "reason": attachment.reason,
        "document_id": uuid.uuid4(),
        "inbox_id": uuid.uuid4(),
        "case_id": uuid.uuid4(),
    }
    if attachment.outcome != "accepted":
        return IncomingFile(**common)
    async with ledger.pool.acquire() as conn:
        await store_blob(conn, tenant_id, attachment.sha256, attachment.content)
    try:
        extracted = await anyio.to_thread.run_sync(
            extract, attachment.content, attachment.mime_type
        )
    except (ExtractionFailed, EInvoiceInvalid) as failure:
        return IncomingFile(**common, extraction_error=failure.message)
    return IncomingFile(
        **common,
        extraction=extracted,
        vendor_match=match_vendor(extracted, vendors),
        compliance=check_invoice(extracted, today=today),
    )


async def _vendors(ledger: Ledger, tenant_id: UUID) -> list[VendorCandidate]:
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            "select id, name, vat_id, iban, is_active from parties"
            " where tenant_id = $1 and kind = 'vendor'",
            tenant_id,
        )
    return [
        VendorCandidate(
            vendor_id=row["id"],
            name=row["name"],
            vat_id=row["vat_id"],
            iban=row["iban"],
            is_active=row["is_active"],
        )
        for row in rows
    ]
