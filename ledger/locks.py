"""Where a tenant's periods stand: open, soft-locked or locked, and their lock requests.

Folded from the period events of the tenant's master-data stream (`ledger/events.py`), kept
in `TenantState` so the writer checks every posting against it without a query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from uuid import UUID

from ledger.events import (
    Event,
    PeriodLockCancelled,
    PeriodLocked,
    PeriodLockExpired,
    PeriodLockRequested,
    PeriodReopened,
    PeriodSoftLocked,
)

PeriodStatus = Literal["open", "soft_locked", "locked"]
RequestStatus = Literal["pending", "approved", "cancelled", "expired"]


@dataclass
class PeriodState:
    status: PeriodStatus = "open"
    locked_by: str | None = None
    locked_at: datetime | None = None
    closing_hash: str | None = None
    approved_by: str | None = None
    request_id: UUID | None = None  # the approved request of a locked period


@dataclass
class LockRequest:
    request_id: UUID
    period: str
    requested_by: str
    requested_by_user_id: UUID | None
    created_at: datetime
    expires_at: datetime
    status: RequestStatus = "pending"

    def expired_at(self, now: datetime) -> bool:
        return self.status == "pending" and now >= self.expires_at


@dataclass
class PeriodBook:
    periods: dict[str, PeriodState] = field(default_factory=dict)
    requests: dict[UUID, LockRequest] = field(default_factory=dict)
    pending_by_period: dict[str, UUID] = field(default_factory=dict)

    def state_of(self, period: str) -> PeriodState:
        return self.periods.get(period) or PeriodState()

    def pending_request(self, period: str) -> LockRequest | None:
        request_id = self.pending_by_period.get(period)
        return None if request_id is None else self.requests[request_id]

    def apply(self, event: Event) -> None:
        match event:
            case PeriodSoftLocked(period=period, by=by):
                self.periods[period] = PeriodState("soft_locked", by, event.recorded_at)
            case PeriodReopened(period=period):
                self.periods[period] = PeriodState("open")
            case PeriodLockRequested():
                self.requests[event.request_id] = LockRequest(
                    request_id=event.request_id,
                    period=event.period,
                    requested_by=event.by,
                    requested_by_user_id=event.actor.user_id,
                    created_at=event.recorded_at,
                    expires_at=event.expires_at,
                )
                self.pending_by_period[event.period] = event.request_id
            case PeriodLockCancelled(request_id=request_id):
                self._close_request(request_id, "cancelled")
            case PeriodLockExpired(request_id=request_id):
                self._close_request(request_id, "expired")
            case PeriodLocked():
                self._close_request(event.request_id, "approved")
                self.periods[event.period] = PeriodState(
                    "locked",
                    event.requested_by,
                    event.recorded_at,
                    event.closing_hash,
                    event.by,
                    event.request_id,
                )

    def _close_request(self, request_id: UUID, status: RequestStatus) -> None:
        request = self.requests[request_id]
        request.status = status
        self.pending_by_period.pop(request.period, None)
