"""Audit routes: the chain check and the tenant's raw event log, for an auditor's own tools."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from api.auth import Caller
from api.bootstrap import Ledger
from api.responses import LedgerResponse
from ledger.events import LEDGER_TOPICS
from ledger.verify import verify_closings, verify_tenant
from schemas import limits
from schemas.audit import (
    AuditEventOut,
    AuditEventsOut,
    AuditVerifyOut,
    BrokenLinkOut,
    ClosingCheckOut,
)

EVENTS_PAGE_MAX = 1_000
TAGS = ["Audit"]


@get("/audit/verify", operation_id="GetAuditVerify", opt={"scope": "journal:read"}, tags=TAGS)
async def audit_verify(
    caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> AuditVerifyOut:
    """Recompute the tenant's hash chain and the closing hash of every locked period (the API
    twin of `ledger verify`); reports the first broken line."""
    async with ledger.pool.acquire() as conn:
        report = await verify_tenant(conn, caller.tenant_id)
        closings = await verify_closings(conn, caller.tenant_id)
    broken = report.broken
    return AuditVerifyOut(
        ok=report.ok and all(check.ok for check in closings),
        lines_checked=report.lines_checked,
        head_journal_number=report.head_journal_number,
        head_hash=report.head_hash,
        broken=None
        if broken is None
        else BrokenLinkOut(
            journal_number=broken.journal_number,
            intent_id=broken.intent_id,
            problem=broken.problem,
            expected=broken.expected,
            found=broken.found,
        ),
        closings=[
            ClosingCheckOut(
                period=check.period,
                ok=check.ok,
                recorded_closing_hash=check.recorded,
                recomputed_closing_hash=check.recomputed,
                lines_recorded=check.lines_recorded,
                lines_found=check.lines_found,
            )
            for check in closings
        ],
    )


@get("/audit/events", operation_id="GetAuditEvents", opt={"scope": "admin"}, tags=TAGS)
async def audit_events(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    after: Annotated[int, QueryParameter(ge=0, le=limits.POSITION_MAX)] = 0,
    limit: Annotated[int, QueryParameter(ge=1, le=EVENTS_PAGE_MAX)] = 100,
    format: Annotated[Literal["json", "ndjson"], QueryParameter()] = "json",
) -> Response[AuditEventsOut]:
    """The tenant's events in position order, each with the JSON exactly as stored.

    `format=ndjson` answers one event per line (application/x-ndjson) instead of a page
    object; the last line's `position` is the next `after`.
    """
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            "select position, originator_id, originator_version, topic, recorded_at, state"
            " from events where tenant_id = $1 and position > $2 and topic = any($3)"
            " order by position limit $4",
            caller.tenant_id,
            after,
            list(LEDGER_TOPICS),
            limit,
        )
    events = [
        AuditEventOut(
            position=row["position"],
            originator_id=row["originator_id"],
            originator_version=row["originator_version"],
            topic=row["topic"],
            recorded_at=row["recorded_at"],
            event=msgspec.Raw(row["state"]),  # type: ignore[arg-type]
        )
        for row in rows
    ]
    if format == "ndjson":
        lines = b"".join(msgspec.json.encode(event) + b"\n" for event in events)
        return Response(lines, media_type="application/x-ndjson")
    next_after = events[-1].position if len(events) == limit else None
    return LedgerResponse(AuditEventsOut(events=events, next_after=next_after))


ROUTES = [audit_verify, audit_events]
