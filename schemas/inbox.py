"""The invoice inbox (reference §3.4): items, the inbox address, the ingestion log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from msgspec import Meta

from schemas.journal import NO_NUL_PATTERN, Out, Wire

InboxStatus = Literal["pending", "exception", "confirmed", "rejected"]


class InboxAddressOut(Out, kw_only=True):
    inbox_address: str


class InboxItemOut(Out, kw_only=True):
    id: UUID
    document_id: UUID
    status: InboxStatus
    reason: str | None
    # What extraction read, the vendor match and the § 14 UStG check, as docs/api.md shows.
    ocr_extraction: dict[str, Any] | None
    vendor_match: dict[str, Any] | None
    compliance_check: dict[str, Any] | None
    source_email: str | None
    source_subject: str | None
    original_name: str
    created_at: datetime
    resolved_at: datetime | None


class InboxItemDetailOut(InboxItemOut, kw_only=True):
    ocr_raw: str | None


class InboxListOut(Out, kw_only=True):
    items: list[InboxItemOut]
    total: int
    limit: int
    offset: int


class RejectIn(Wire, kw_only=True):
    reason: Annotated[str, Meta(max_length=500, pattern=NO_NUL_PATTERN)] | None = None


class ConfirmedOut(Out, kw_only=True):
    confirmed: bool
    inbox_id: UUID


class RejectedOut(Out, kw_only=True):
    rejected: bool
    inbox_id: UUID


class IngestionOut(Out, kw_only=True):
    id: UUID
    received_via: Literal["api", "cli", "smtp"]
    message_id: str | None
    sender: str | None
    subject: str | None
    recipient: str | None
    outcome: Literal["accepted", "partly_accepted", "rejected"]
    reason: str | None
    attachments: list[dict[str, Any]]  # name, mime_type, size_bytes, sha256, outcome, reason, …
    created_at: datetime


class IngestionLogOut(Out, kw_only=True):
    entries: list[IngestionOut]
    total: int
    limit: int
    offset: int
