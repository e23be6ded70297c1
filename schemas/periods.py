"""Periods module: period list, soft lock, four-eyes hard lock (reference §3.5)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from schemas.journal import Out

PeriodStatus = Literal["open", "soft_locked", "locked"]
RequestStatus = Literal["pending", "approved", "cancelled", "expired"]


class PeriodOut(Out, kw_only=True):
    period: str
    status: PeriodStatus
    period_number: int  # 0 for a month, 13 or 14 for an adjustment period
    booking_count: int
    locked_by: str | None
    locked_at: datetime | None
    closing_hash: str | None  # set once the period is locked


class PeriodsOut(Out, kw_only=True):
    periods: list[PeriodOut]


class SoftLockedOut(Out, kw_only=True):
    period: str
    period_number: int
    status: PeriodStatus
    locked_by: str | None
    locked_at: datetime | None


class ReopenedOut(Out, kw_only=True):
    period: str
    period_number: int
    status: PeriodStatus


class LockRequestedOut(Out, kw_only=True):
    request_id: UUID
    period: str
    status: RequestStatus
    created_at: datetime
    expires_at: datetime
    message: str


class PendingRequestOut(Out, kw_only=True):
    request_id: UUID
    requested_by: str
    created_at: datetime
    expires_at: datetime


class LockStatusOut(Out, kw_only=True):
    period: str
    status: PeriodStatus
    locked_by: str | None
    locked_at: datetime | None
    has_pending_request: bool
    request_id: UUID | None
    requested_by: str | None
    created_at: datetime | None
    pending_request: PendingRequestOut | None


class LockApprovedOut(Out, kw_only=True):
    period: str
    period_number: int
    status: PeriodStatus
    locked_by: str | None
    locked_at: datetime | None
    closing_hash: str
    request_id: UUID
    approved_by: str


class LockCancelledOut(Out, kw_only=True):
    ok: bool
    request_id: UUID
    status: RequestStatus
