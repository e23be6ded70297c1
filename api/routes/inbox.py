"""The invoice inbox (scope kreditoren): the tenant's inbox address, mail in as a raw RFC 5322
message, the items with what extraction read, their vendor match and § 14 UStG check, confirm
and reject, and the ingestion log of every mail."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.inbox import inbox_address, ingest_mail
from ledger.inbox.mail import MAIL_BYTES_MAX
from ledger.intents import ResolveInboxItem
from schemas.inbox import (
    ConfirmedOut,
    InboxAddressOut,
    InboxItemDetailOut,
    InboxItemOut,
    InboxListOut,
    InboxStatus,
    IngestionLogOut,
    IngestionOut,
    RejectedOut,
    RejectIn,
)

TAGS = ["Inbox"]
READ, WRITE = {"scope": "kreditoren:read"}, {"scope": "kreditoren:write"}


@get("/inbox/address", operation_id="GetInboxAddress", opt=READ, tags=TAGS)
async def get_address(
    caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> InboxAddressOut:
    """The tenant's inbox address (assigned on first use): mail to it lands in the inbox."""
    address = await inbox_address(ledger, caller.tenant_id, caller.actor, "api")
    return InboxAddressOut(inbox_address=address)


@post(
    "/inbox",
    operation_id="PostInboxMail",
    opt=WRITE,
    status_code=201,
    tags=TAGS,
    request_max_body_size=MAIL_BYTES_MAX,
)
async def post_mail(
    request: Request, caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> IngestionOut:
    """Take a mail (the raw RFC 5322 message, `Content-Type: message/rfc822`) into the inbox:
    PDF, JPEG, PNG and XML attachments, at most 20 of 10 MB each, each file once."""
    raw = await request.body()
    ingestion_id = await ingest_mail(
        ledger,
        raw,
        tenant_id=caller.tenant_id,
        actor=caller.actor,
        channel="api",
        received_via="api",
    )
    return await ingestion(ledger, caller.tenant_id, ingestion_id)


@get("/inbox", operation_id="GetInbox", opt=READ, tags=TAGS)
async def list_items(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    status: Annotated[InboxStatus, QueryParameter()] = "pending",
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
) -> InboxListOut:
    """Inbox items of a status (default `pending`), newest first."""
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            "select * from inbox_items where tenant_id = $1 and status = $2"
            " order by created_at desc, id limit $3 offset $4",
            caller.tenant_id,
            status,
            limit,
            offset,
        )
        total = await conn.fetchval(
            "select count(*) from inbox_items where tenant_id = $1 and status = $2",
            caller.tenant_id,
            status,
        )
    return InboxListOut(items=[_item(row) for row in rows], total=total, limit=limit, offset=offset)


@get("/inbox/{inbox_id:str}", operation_id="GetInboxItem", opt=READ, tags=TAGS)
async def get_item(
    inbox_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> InboxItemDetailOut:
    """An inbox item with the raw text its extraction read (`ocr_raw`)."""
    row = await _row(ledger, caller, convert.require_uuid(inbox_id, "inbox item"))
    extraction = _json(row["extraction"])
    return InboxItemDetailOut(
        **msgspec.structs.asdict(_item(row)),
        ocr_raw=None if extraction is None else extraction.get("raw_markdown"),
    )


@post(
    "/inbox/{inbox_id:str}/confirm",
    operation_id="ConfirmInboxItem",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def confirm(
    inbox_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ConfirmedOut:
    """Mark the item handled (after its invoice was recorded and booked)."""
    parsed = convert.require_uuid(inbox_id, "inbox item")
    await ledger.writers.submit_one(
        ResolveInboxItem(**caller.stamp(), inbox_id=parsed, status="confirmed")
    )
    return ConfirmedOut(confirmed=True, inbox_id=parsed)


@post(
    "/inbox/{inbox_id:str}/reject",
    operation_id="RejectInboxItem",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def reject(
    inbox_id: FromPath[str],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    data: JSONBody[RejectIn | None] = None,
) -> RejectedOut:
    """Set the item aside (not an invoice of ours, a duplicate, spam) with a reason."""
    parsed = convert.require_uuid(inbox_id, "inbox item")
    await ledger.writers.submit_one(
        ResolveInboxItem(
            **caller.stamp(),
            inbox_id=parsed,
            status="rejected",
            reason=None if data is None else data.reason,
        )
    )
    return RejectedOut(rejected=True, inbox_id=parsed)


@get("/payables/ingestion-log", operation_id="GetIngestionLog", opt=READ, tags=TAGS)
async def ingestion_log(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
) -> IngestionLogOut:
    """Every mail that came in, newest first: its outcome, and each file's with the reason."""
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            "select * from ingestion_log where tenant_id = $1"
            " order by created_at desc, id limit $2 offset $3",
            caller.tenant_id,
            limit,
            offset,
        )
        total = await conn.fetchval(
            "select count(*) from ingestion_log where tenant_id = $1", caller.tenant_id
        )
    return IngestionLogOut(
        entries=[_ingestion(row) for row in rows], total=total, limit=limit, offset=offset
    )


async def ingestion(ledger: Ledger, tenant_id: uuid.UUID, ingestion_id: uuid.UUID) -> IngestionOut:
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select * from ingestion_log where tenant_id = $1 and id = $2",
            tenant_id,
            ingestion_id,
        )
    return _ingestion(row)


async def _row(ledger: Ledger, caller: Caller, inbox_id: uuid.UUID) -> asyncpg.Record:
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select * from inbox_items where tenant_id = $1 and id = $2",
            caller.tenant_id,
            inbox_id,
        )
    if row is None:
        raise ApiError("NOT_FOUND", "No inbox item with this id exists.", id=str(inbox_id))
    return row


def _item(row: asyncpg.Record) -> InboxItemOut:
    extraction = _json(row["extraction"])
    if extraction is not None:
        extraction.pop("raw_markdown", None)
    return InboxItemOut(
        id=row["id"],
        document_id=row["document_id"],
        status=row["status"],
        reason=row["reason"],
        ocr_extraction=extraction,
        vendor_match=_json(row["vendor_match"]),
        compliance_check=_json(row["compliance"]),
        source_email=row["source_email"],
        source_subject=row["source_subject"],
        original_name=row["original_name"],
        created_at=row["created_at"],
        resolved_at=row["resolved_at"],
    )


def _ingestion(row: asyncpg.Record) -> IngestionOut:
    return IngestionOut(
        id=row["id"],
        received_via=row["received_via"],
        message_id=row["message_id"],
        sender=row["sender"],
        subject=row["subject"],
        recipient=row["recipient"],
        outcome=row["outcome"],
        reason=row["reason"],
        attachments=_json(row["attachments"]) or [],
        created_at=row["created_at"],
    )


def _json(text: str | None) -> Any:
    return None if text is None else msgspec.json.decode(text)


ROUTES = [get_address, post_mail, list_items, get_item, confirm, reject, ingestion_log]
