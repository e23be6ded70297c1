"""Deciding what reaches the inbox: a mail's attachments become documents (stored once per
content) and inbox items — unless the same bytes reached the inbox before (SHA-256) — and
the mail itself goes into the ingestion log; an item is confirmed or rejected once."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from ledger import errors
from ledger.events import (
    AttachmentLog,
    DocumentUploaded,
    InboxAddressAssigned,
    InboxItemReceived,
    InboxItemResolved,
    MailIngested,
)
from ledger.inbox import cases
from ledger.intents import AssignInboxAddress, ReceiveMail, ResolveInboxItem, stamp_of
from ledger.outcomes import Accepted, Decision, DocumentStored

if TYPE_CHECKING:
    from ledger.state import Lookups, TenantState


class KnownInboxItem(msgspec.Struct, kw_only=True):
    status: str
    version: int


class AlreadyConfirmed(errors.Rejected):
    code = "ALREADY_CONFIRMED"


class AlreadyRejected(errors.Rejected):
    code = "ALREADY_REJECTED"


def assign_address(state: TenantState, intent: AssignInboxAddress, now: datetime) -> Decision:
    if state.inbox_address is not None:
        return Decision(events=(), result=Accepted(subject=state.inbox_address))
    event = InboxAddressAssigned(**stamp_of(intent, now), address=intent.address)
    return Decision(events=(event,), result=Accepted(subject=intent.address))


def receive(lookups: Lookups, intent: ReceiveMail, now: datetime) -> Decision:
    stamp = stamp_of(intent, now)
    events: list = []
    logs = []
    for file in intent.files:
        if file.outcome != "accepted":
            logs.append(_log(file, file.outcome, file.reason, None, None))
            continue
        if file.sha256 in lookups.inbox_sha256:
            logs.append(
                _log(file, "duplicate", "The same file reached the inbox before.", None, None)
            )
            continue
        document_id = _document(lookups, file, events, stamp, now)
        events.append(
            InboxItemReceived(
                **stamp,
                inbox_id=file.inbox_id,
                document_id=document_id,
                ingestion_id=intent.ingestion_id,
                source_email=intent.sender,
                source_subject=intent.subject,
                original_name=file.name,
                status="pending" if file.extraction is not None else "exception",
                reason=file.extraction_error,
                extraction=file.extraction,
                vendor_match=file.vendor_match,
                compliance=file.compliance,
            )
        )
        if file.extraction is not None:
            events.append(cases.opened(file, document_id, stamp, lookups))
        lookups.inbox_sha256.add(file.sha256)
        logs.append(_log(file, "accepted", None, document_id, file.inbox_id))
    taken = sum(log.outcome == "accepted" for log in logs)
    outcome = "rejected" if taken == 0 else "accepted" if taken == len(logs) else "partly_accepted"
    events.append(
        MailIngested(
            **stamp,
            ingestion_id=intent.ingestion_id,
            received_via=intent.received_via,
            message_id=intent.message_id,
            sender=intent.sender,
            subject=intent.subject,
            recipient=intent.recipient,
            outcome=outcome,
            reason=None if logs else "The mail has no attachments.",
            attachments=tuple(logs),
        )
    )
    return Decision(events=tuple(events), result=Accepted(subject=str(intent.ingestion_id)))


def resolve(lookups: Lookups, intent: ResolveInboxItem, now: datetime) -> Decision:
    item = lookups.inbox_items.get(intent.inbox_id)
    if item is None:
        raise errors.NotFound("No inbox item with this id exists.", id=str(intent.inbox_id))
    if item.status == "confirmed":
        raise AlreadyConfirmed("The inbox item was already confirmed.", id=str(intent.inbox_id))
    if item.status == "rejected":
        raise AlreadyRejected("The inbox item was already rejected.", id=str(intent.inbox_id))
    item.status, item.version = intent.status, item.version + 1
    event = InboxItemResolved(
        **stamp_of(intent, now),
        inbox_id=intent.inbox_id,
        version=item.version,
        status=intent.status,
        reason=intent.reason,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.inbox_id)))


def _document(lookups: Lookups, file, events: list, stamp: dict, now: datetime):
    """The document for the file's bytes: the tenant's existing one, or a new one."""
    existing = lookups.documents_by_sha256.get(file.sha256)
    if existing is not None:
        return existing.document_id
    events.append(
        DocumentUploaded(
            **stamp,
            document_id=file.document_id,
            sha256=file.sha256,
            mime_type=file.mime_type,
            original_name=file.name,
            size_bytes=file.size_bytes,
        )
    )
    lookups.documents_by_sha256[file.sha256] = DocumentStored(
        document_id=file.document_id,
        sha256=file.sha256,
        mime_type=file.mime_type,
        original_name=file.name,
        size_bytes=file.size_bytes,
        created_at=now,
        duplicate=True,
    )
    lookups.document_ids.add(file.document_id)
    return file.document_id


def _log(file, outcome: str, reason: str | None, document_id, inbox_id) -> AttachmentLog:
    return AttachmentLog(
        name=file.name,
        mime_type=file.mime_type,
        size_bytes=file.size_bytes,
        sha256=file.sha256,
        outcome=outcome,  # type: ignore[arg-type]
        reason=reason,
        document_id=document_id,
        inbox_id=inbox_id,
    )
