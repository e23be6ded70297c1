"""Period closing: soft locks, four-eyes hard locks, the closing hash, and the posting check.

The state machine is reference §2.2; the rules where it was silent are in docs/api.md
("Periods"). Every function here is pure: state and lookups in, events and an answer out.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Final
from uuid import UUID

from ledger import errors
from ledger.events import (
    Event,
    PeriodLockCancelled,
    PeriodLocked,
    PeriodLockExpired,
    PeriodLockRequested,
    PeriodReopened,
    PeriodSoftLocked,
)
from ledger.intents import (
    ApprovePeriodLock,
    CancelPeriodLock,
    ExpireLockRequests,
    PeriodIntent,
    ReopenPeriod,
    RequestPeriodLock,
    SoftLockPeriod,
    stamp_of,
)
from ledger.limits import BOOKING_YEAR_MAX, BOOKING_YEAR_MIN
from ledger.locks import LockRequest, PeriodBook
from ledger.outcomes import Accepted, Decision, PeriodChanged
from ledger.periods import Period, adjustment_period_exists, parse_period
from ledger.state import Lookups, TenantState

LOCK_REQUEST_LIFETIME: Final = timedelta(hours=48)  # reference §1.9
CLOSING_HASH_VERSION: Final = "closing:v1"


def closing_hash(tenant_id: UUID, period: str, line_hashes: Iterable[tuple[int, str]]) -> str:
    """SHA-256 over the period's lines, in journal order (docs/audit-hash.md, "Closing hash").

    `line_hashes` are (journal_number, audit_hash) pairs; an auditor recomputes each audit
    hash from its line's fields, so changing any field of any line changes this hash.
    """
    parts = [CLOSING_HASH_VERSION, str(tenant_id), period]
    lines = sorted(line_hashes)
    parts.append(str(len(lines)))
    parts.extend(f"{number}:{audit_hash}" for number, audit_hash in lines)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def require_postable(state: TenantState, period: str) -> None:
    """Refuse money posted into a locked or soft-locked period (every posting path)."""
    standing = state.periods.state_of(period)
    if standing.status == "locked":
        raise errors.PeriodLocked(
            f"Period {period} is closed (locked on {_day(standing.locked_at)}); nothing can be "
            "posted into it. Post the correction into an open period.",
            period=period,
            status="locked",
        )
    if standing.status == "soft_locked":
        raise errors.PeriodLocked(
            f"Period {period} is soft-locked; reopen it (POST /v1/periods/{period}/reopen) "
            "before posting into it.",
            period=period,
            status="soft_locked",
        )


def decide_period(
    state: TenantState, lookups: Lookups, intent: PeriodIntent, now: datetime, today: date
) -> Decision:
    if isinstance(intent, ExpireLockRequests):
        return _expire(state, intent, now)
    assert state.tenant is not None
    period = existing_period(intent.period, state.tenant.fiscal_year_start, today)
    match intent:
        case SoftLockPeriod():
            return _soft_lock(state, intent, period, now)
        case ReopenPeriod():
            return _reopen(state, intent, period, now)
        case RequestPeriodLock():
            return _request_lock(state, intent, period, now)
        case ApprovePeriodLock():
            return _approve(state, lookups, intent, period, now)
        case CancelPeriodLock():
            return _cancel(state, intent, period, now)
    raise AssertionError(f"no decision for {type(intent).__name__}")


def existing_period(text: str, fiscal_year_start: int, today: date) -> Period:
    """The period `text` names, if it exists (also the check of the read routes)."""
    period = parse_period(text, fiscal_year_start)
    if period is None:
        raise errors.InvalidInput(
            f"{text!r} is not a period: use YYYY-MM, YYYY-P13 or YYYY-P14 "
            f"(years {BOOKING_YEAR_MIN}-{BOOKING_YEAR_MAX}).",
            period=text,
        )
    if not adjustment_period_exists(period, fiscal_year_start, today):
        raise errors.NotFound(
            f"Adjustment period {text} does not exist yet: its fiscal year has not begun.",
            period=text,
        )
    return period


def _soft_lock(
    state: TenantState, intent: SoftLockPeriod, period: Period, now: datetime
) -> Decision:
    standing = state.periods.state_of(period.id)
    if standing.status == "soft_locked":
        raise errors.PeriodAlreadySoftLocked(
            f"Period {period.id} is already soft-locked.", period=period.id
        )
    if standing.status == "locked":
        raise errors.PeriodAlreadyLocked(f"Period {period.id} is locked.", period=period.id)
    event = PeriodSoftLocked(**stamp_of(intent, now), period=period.id, by=_by(state, intent))
    return _changed(state, period, event)


def _reopen(state: TenantState, intent: ReopenPeriod, period: Period, now: datetime) -> Decision:
    standing = state.periods.state_of(period.id)
    if standing.status == "locked":
        raise errors.PeriodIrreversible(
            f"Period {period.id} is locked; a hard lock cannot be undone. Post corrections "
            "into an open period.",
            period=period.id,
        )
    if standing.status == "open":
        raise errors.InvalidInput(f"Period {period.id} is already open.", period=period.id)
    event = PeriodReopened(**stamp_of(intent, now), period=period.id, by=_by(state, intent))
    return _changed(state, period, event)


def _request_lock(
    state: TenantState, intent: RequestPeriodLock, period: Period, now: datetime
) -> Decision:
    if state.periods.state_of(period.id).status == "locked":
        raise errors.PeriodAlreadyLocked(f"Period {period.id} is locked.", period=period.id)
    pending = _live_pending(state, period.id, now)
    if pending is not None:
        raise errors.LockRequestPending(
            f"Period {period.id} already has a pending lock request; approve or cancel it.",
            period=period.id,
            request_id=str(pending.request_id),
        )
    events: list[Event] = _expired_events(state, intent, now, [period.id])
    events.append(
        PeriodLockRequested(
            **stamp_of(intent, now),
            request_id=intent.request_id,
            period=period.id,
            by=_by(state, intent),
            expires_at=now + LOCK_REQUEST_LIFETIME,
        )
    )
    return _changed(state, period, *events, request_id=intent.request_id)


def _approve(
    state: TenantState,
    lookups: Lookups,
    intent: ApprovePeriodLock,
    period: Period,
    now: datetime,
) -> Decision:
    request = _request_of(state, intent.request_id, period)
    if request.status == "expired" or request.expired_at(now):
        raise errors.RequestExpired(
            f"The lock request expired at {request.expires_at.isoformat()}; request a new one.",
            request_id=str(request.request_id),
        )
    if request.status != "pending":
        raise errors.RequestNotPending(
            f"The lock request is {request.status}, not pending.",
            request_id=str(request.request_id),
            status=request.status,
        )
    approver = _by(state, intent)
    if _same_person(request, intent.actor.user_id, approver) and len(state.user_emails) > 1:
        raise errors.SelfApprovalDenied(
            "Four eyes: a different user must approve this lock request.",
            request_id=str(request.request_id),
            requested_by=request.requested_by,
        )
    hashes = lookups.period_line_hashes.get(period.id, [])
    event = PeriodLocked(
        **stamp_of(intent, now),
        request_id=request.request_id,
        period=period.id,
        requested_by=request.requested_by,
        by=approver,
        closing_hash=closing_hash(intent.tenant_id, period.id, hashes),
        line_count=len(hashes),
    )
    return _changed(state, period, event, request_id=request.request_id)


def _cancel(
    state: TenantState, intent: CancelPeriodLock, period: Period, now: datetime
) -> Decision:
    request = _request_of(state, intent.request_id, period)
    if request.status != "pending" or request.expired_at(now):
        raise errors.NotFound(
            f"Period {period.id} has no pending lock request {request.request_id}.",
            request_id=str(request.request_id),
            status="expired" if request.expired_at(now) else request.status,
        )
    event = PeriodLockCancelled(
        **stamp_of(intent, now),
        request_id=request.request_id,
        period=period.id,
        by=_by(state, intent),
    )
    return _changed(state, period, event, request_id=request.request_id)


def _expire(state: TenantState, intent: ExpireLockRequests, now: datetime) -> Decision:
    events = _expired_events(state, intent, now, list(state.periods.pending_by_period))
    return Decision(events=tuple(events), result=Accepted(subject=f"{len(events)} expired"))


def _expired_events(
    state: TenantState, intent: PeriodIntent, now: datetime, periods: list[str]
) -> list[Event]:
    events: list[Event] = []
    for period in sorted(periods):
        request = state.periods.pending_request(period)
        if request is not None and request.expired_at(now):
            events.append(
                PeriodLockExpired(
                    **stamp_of(intent, now), request_id=request.request_id, period=period
                )
            )
    return events


def _live_pending(state: TenantState, period: str, now: datetime) -> LockRequest | None:
    request = state.periods.pending_request(period)
    return None if request is None or request.expired_at(now) else request


def _request_of(state: TenantState, request_id: UUID, period: Period) -> LockRequest:
    request = state.periods.requests.get(request_id)
    if request is None or request.period != period.id:
        raise errors.NotFound(
            f"Period {period.id} has no lock request {request_id}.", request_id=str(request_id)
        )
    return request


def _same_person(request: LockRequest, user_id: UUID | None, name: str) -> bool:
    if request.requested_by_user_id is not None and user_id is not None:
        return request.requested_by_user_id == user_id
    return request.requested_by == name


def _changed(
    state: TenantState, period: Period, *events: Event, request_id: UUID | None = None
) -> Decision:
    """The decision, answered with the period (and request) as they stand after `events`."""
    after = _preview(state, events)
    standing = after.state_of(period.id)
    request = None if request_id is None else after.requests.get(request_id)
    result = PeriodChanged(
        period=period.id,
        period_number=period.number,
        status=standing.status,
        locked_by=standing.locked_by,
        locked_at=standing.locked_at,
        closing_hash=standing.closing_hash,
        approved_by=standing.approved_by,
        request_id=None if request is None else request.request_id,
        request_status=None if request is None else request.status,
        requested_by=None if request is None else request.requested_by,
        created_at=None if request is None else request.created_at,
        expires_at=None if request is None else request.expires_at,
    )
    return Decision(events=tuple(events), result=result)


def _preview(state: TenantState, events: Iterable[Event]) -> PeriodBook:
    """The period book after `events`, without touching the state (the writer applies them)."""
    book = copy.deepcopy(state.periods)
    for event in events:
        book.apply(event)
    return book


def _by(state: TenantState, intent: PeriodIntent) -> str:
    return state.name_of(intent.actor)


def _day(moment: datetime | None) -> str:
    return "an unknown day" if moment is None else moment.date().isoformat()
