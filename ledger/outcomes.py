"""What deciding an intent yields: the events to append and the answer for the caller."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec

from ledger.events import Event
from ledger.locks import PeriodStatus, RequestStatus


class Posted(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to a booking, opening-balance or reversal intent (also on a replay)."""

    intent_id: UUID
    kind: str
    booking_date: date
    period: str
    description: str
    event_count: int
    total_cents: int
    first_journal_number: int | None
    last_journal_number: int | None
    reverses_intent_id: UUID | None = None
    replayed: bool = False


class Accepted(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to a master-data intent: what changed."""

    subject: str


class PeriodChanged(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to a period intent: where the period and its lock request now stand."""

    period: str
    period_number: int
    status: PeriodStatus
    locked_by: str | None
    locked_at: datetime | None
    closing_hash: str | None = None
    approved_by: str | None = None
    request_id: UUID | None = None
    request_status: RequestStatus | None = None
    requested_by: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None


class DocumentStored(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to an upload: the stored document (`duplicate`: the bytes were there)."""

    document_id: UUID
    sha256: str
    mime_type: str
    original_name: str
    size_bytes: int
    created_at: datetime
    duplicate: bool = False


class RowProblem(msgspec.Struct, frozen=True, kw_only=True):
    index: int  # 0-based row of the import
    code: str
    message: str


class ImportCounted(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to an import: rows new, rows there before, rows refused (and why)."""

    batch_id: UUID
    imported: int
    skipped_duplicates: int
    errors: tuple[RowProblem, ...] = ()


Result = Posted | Accepted | PeriodChanged | DocumentStored | ImportCounted


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    events: tuple[Event, ...]
    result: Result
