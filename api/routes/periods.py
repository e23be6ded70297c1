"""Periods routes: the period list, soft lock and reopen, the four-eyes hard lock."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter

from api.auth import Caller
from api.bootstrap import Ledger
from ledger.closing import existing_period
from ledger.errors import Rejected
from ledger.intents import (
    ApprovePeriodLock,
    CancelPeriodLock,
    ExpireLockRequests,
    PeriodIntent,
    ReopenPeriod,
    RequestPeriodLock,
    SoftLockPeriod,
)
from ledger.outcomes import PeriodChanged
from ledger.periods import parse_period, periods_between
from ledger.writer import TENANT_TIMEZONE
from projections import periods as period_queries
from projections import queries
from schemas.periods import (
    LockApprovedOut,
    LockCancelledOut,
    LockRequestedOut,
    LockStatusOut,
    PendingRequestOut,
    PeriodOut,
    PeriodsOut,
    ReopenedOut,
    SoftLockedOut,
)

PeriodPath = Annotated[str, PathParameter(max_length=10)]  # checked by `existing_period`
RequestIdPath = Annotated[uuid.UUID, PathParameter()]
TAGS = ["Periods"]


@get("/periods", operation_id="GetPeriods", opt={"scope": "perioden:read"}, tags=TAGS)
async def get_periods(
    caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> PeriodsOut:
    """Every period of the fiscal years from the tenant's first booking (or its creation)
    to the current one, with status, bookings and who locked it when."""
    today = ledger.clock().astimezone(TENANT_TIMEZONE).date()
    async with ledger.pool.acquire() as conn:
        tenant = await queries.tenant(conn, caller.tenant_id)
        assert tenant is not None
        states = await period_queries.period_rows(conn, caller.tenant_id)
        counts = await period_queries.booking_counts(conn, caller.tenant_id)
        first_booking, last_booking = await period_queries.booking_date_range(
            conn, caller.tenant_id
        )
    fiscal_year_start = tenant["fiscal_year_start"]
    created = tenant["created_at"].astimezone(TENANT_TIMEZONE).date()
    first = min(d for d in (created, first_booking, today) if d is not None)
    last = max(d for d in (today, last_booking) if d is not None)
    # Beyond the window: e.g. a future month soft-locked ahead of time.
    known = {*periods_between(first, last, fiscal_year_start), *states, *counts}
    ordered = sorted(known, key=lambda p: _order(p, fiscal_year_start))
    return PeriodsOut(
        periods=[_period_out(p, fiscal_year_start, states.get(p), counts) for p in ordered]
    )


@post(
    "/periods/{period:str}/soft-lock",
    operation_id="SoftLockPeriod",
    opt={"scope": "perioden:write"},
    status_code=200,
    tags=TAGS,
)
async def soft_lock(
    period: PeriodPath, caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> SoftLockedOut:
    """Refuse postings into the period until it is reopened."""
    changed = await _submit(ledger, SoftLockPeriod(**caller.stamp(), period=period))
    return SoftLockedOut(
        period=changed.period,
        period_number=changed.period_number,
        status=changed.status,
        locked_by=changed.locked_by,
        locked_at=changed.locked_at,
    )


@post(
    "/periods/{period:str}/reopen",
    operation_id="ReopenPeriod",
    opt={"scope": "perioden:write"},
    status_code=200,
    tags=TAGS,
)
async def reopen(
    period: PeriodPath, caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ReopenedOut:
    """Lift a soft lock. A hard-locked period cannot be reopened (PERIOD_IRREVERSIBLE)."""
    changed = await _submit(ledger, ReopenPeriod(**caller.stamp(), period=period))
    return ReopenedOut(
        period=changed.period,
        period_number=changed.period_number,
        status=changed.status,
    )


@post(
    "/periods/{period:str}/lock",
    operation_id="RequestPeriodLock",
    opt={"scope": "perioden:write"},
    status_code=201,
    tags=TAGS,
)
async def request_lock(
    period: PeriodPath, caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> LockRequestedOut:
    """Ask for the period's hard lock; a different user approves it within 48 hours."""
    changed = await _submit(
        ledger, RequestPeriodLock(**caller.stamp(), period=period, request_id=uuid.uuid4())
    )
    assert changed.request_id is not None
    assert changed.created_at is not None
    assert changed.expires_at is not None
    return LockRequestedOut(
        request_id=changed.request_id,
        period=changed.period,
        status="pending",
        created_at=changed.created_at,
        expires_at=changed.expires_at,
        message=(
            f"Lock request for {changed.period} created. Another user must approve it "
            f"before {changed.expires_at.isoformat()}; the lock cannot be undone."
        ),
    )


@get(
    "/periods/{period:str}/lock/status",
    operation_id="GetPeriodLockStatus",
    opt={"scope": "perioden:read"},
    tags=TAGS,
)
async def lock_status(
    period: PeriodPath, caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> LockStatusOut:
    """The period's status and its pending lock request, if any (an expired one is not)."""
    async with ledger.pool.acquire() as conn:
        tenant = await queries.tenant(conn, caller.tenant_id)
        assert tenant is not None
        today = ledger.clock().astimezone(TENANT_TIMEZONE).date()
        existing_period(period, tenant["fiscal_year_start"], today)
        row = await period_queries.period_row(conn, caller.tenant_id, period)
        pending = await period_queries.pending_request(
            conn, caller.tenant_id, period, ledger.clock()
        )
    request = (
        None
        if pending is None
        else PendingRequestOut(
            request_id=pending["request_id"],
            requested_by=pending["requested_by"],
            created_at=pending["created_at"],
            expires_at=pending["expires_at"],
        )
    )
    return LockStatusOut(
        period=period,
        status=row["status"] if row else "open",
        locked_by=row["locked_by"] if row else None,
        locked_at=row["locked_at"] if row else None,
        has_pending_request=request is not None,
        request_id=request.request_id if request else None,
        requested_by=request.requested_by if request else None,
        created_at=request.created_at if request else None,
        pending_request=request,
    )


@post(
    "/periods/{period:str}/lock/{request_id:uuid}/approve",
    operation_id="ApprovePeriodLock",
    opt={"scope": "perioden:write"},
    status_code=200,
    tags=TAGS,
)
async def approve_lock(
    period: PeriodPath,
    request_id: RequestIdPath,
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> LockApprovedOut:
    """The second pair of eyes: lock the period for good and issue its closing hash."""
    changed = await _submit(
        ledger, ApprovePeriodLock(**caller.stamp(), period=period, request_id=request_id)
    )
    assert changed.closing_hash is not None
    assert changed.request_id is not None
    assert changed.approved_by is not None
    return LockApprovedOut(
        period=changed.period,
        period_number=changed.period_number,
        status=changed.status,
        locked_by=changed.locked_by,
        locked_at=changed.locked_at,
        closing_hash=changed.closing_hash,
        request_id=changed.request_id,
        approved_by=changed.approved_by,
    )


@post(
    "/periods/{period:str}/lock/{request_id:uuid}/cancel",
    operation_id="CancelPeriodLock",
    opt={"scope": "perioden:write"},
    status_code=200,
    tags=TAGS,
)
async def cancel_lock(
    period: PeriodPath,
    request_id: RequestIdPath,
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> LockCancelledOut:
    """Withdraw a pending lock request (anyone with perioden:write may)."""
    changed = await _submit(
        ledger, CancelPeriodLock(**caller.stamp(), period=period, request_id=request_id)
    )
    assert changed.request_id is not None
    return LockCancelledOut(ok=True, request_id=changed.request_id, status="cancelled")


async def _submit(ledger: Ledger, intent: PeriodIntent) -> PeriodChanged:
    """Record lapsed lock requests first (an expiry is an event too), then the intent."""
    expire = ExpireLockRequests(
        tenant_id=intent.tenant_id, actor=intent.actor, channel=intent.channel
    )
    _, answer = await ledger.writers.submit_many(intent.tenant_id, [expire, intent], atomic=False)
    if isinstance(answer, Rejected):
        raise answer
    assert isinstance(answer, PeriodChanged)
    return answer


def _order(period: str, fiscal_year_start: int) -> tuple:
    parsed = parse_period(period, fiscal_year_start)
    assert parsed is not None
    return (parsed.first_day, parsed.number)


def _period_out(period: str, fiscal_year_start: int, row, counts: dict[str, int]) -> PeriodOut:
    parsed = parse_period(period, fiscal_year_start)
    assert parsed is not None
    return PeriodOut(
        period=period,
        status=row["status"] if row else "open",
        period_number=parsed.number,
        booking_count=counts.get(period, 0),
        locked_by=row["locked_by"] if row else None,
        locked_at=row["locked_at"] if row else None,
        closing_hash=row["closing_hash"] if row else None,
    )


ROUTES = [get_periods, soft_lock, reopen, request_lock, lock_status, approve_lock, cancel_lock]
