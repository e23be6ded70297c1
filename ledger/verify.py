"""Verifying the stored hash chains and closing hashes (`ledger verify`, `GET /v1/audit/verify`)."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import msgspec

from ledger.chain import BrokenLink, ChainReport, ChainVerifier, canonical_fields, line_hash
from ledger.closing import closing_hash
from ledger.events import BookingPosted, PeriodLocked
from ledger.store import read_events, read_head

BOOKING_TOPIC = BookingPosted.__struct_config__.tag
PERIOD_LOCKED_TOPIC = PeriodLocked.__struct_config__.tag


class ClosingCheck(msgspec.Struct, frozen=True, kw_only=True):
    """A locked period's closing hash as recorded at approval and as recomputed now."""

    period: str
    recorded: str
    recomputed: str
    lines_recorded: int
    lines_found: int

    @property
    def ok(self) -> bool:
        return self.recorded == self.recomputed


async def verify_tenant(conn: asyncpg.Connection, tenant_id: UUID) -> ChainReport:
    """Recompute every line of the tenant's chain from the events, in constant memory."""
    verifier = ChainVerifier()
    async for page in read_events(conn, tenant_id=tenant_id, topics=[str(BOOKING_TOPIC)]):
        for stored in page:
            assert isinstance(stored.event, BookingPosted)
            if not verifier.feed(stored.event):
                return verifier.report()
    report = verifier.report()
    head = await read_head(conn, tenant_id)
    if report.ok and (head.journal_number, head.audit_hash) != (
        report.head_journal_number,
        report.head_hash,
    ):
        # The chain verifies but stops short of (or beyond) the recorded head: lines at the
        # end were removed or added behind the writer's back.
        return msgspec.structs.replace(
            report,
            broken=BrokenLink(
                journal_number=report.head_journal_number + 1,
                intent_id=None,
                problem="the chain ends before the tenant's recorded head: lines are missing",
                expected=head.journal_number,
                found=report.head_journal_number,
            ),
        )
    return report


async def verify_closings(conn: asyncpg.Connection, tenant_id: UUID) -> list[ClosingCheck]:
    """Recompute the closing hash of every locked period from its lines' fields.

    Each line's audit hash is recomputed from its fields and its stored prev_hash, so a
    changed field changes the closing hash even where the chain check stopped earlier.
    One pass over the tenant's bookings, whatever the number of locked periods.
    """
    locks: dict[str, PeriodLocked] = {}
    async for page in read_events(conn, tenant_id=tenant_id, topics=[PERIOD_LOCKED_TOPIC]):
        for stored in page:
            assert isinstance(stored.event, PeriodLocked)
            locks[stored.event.period] = stored.event
    if not locks:
        return []
    hashes: dict[str, list[tuple[int, str]]] = {period: [] for period in locks}
    async for page in read_events(conn, tenant_id=tenant_id, topics=[str(BOOKING_TOPIC)]):
        for stored in page:
            event = stored.event
            assert isinstance(event, BookingPosted)
            if event.period in hashes:
                hashes[event.period].extend(
                    (line.journal_number, line_hash(line.prev_hash, canonical_fields(event, line)))
                    for line in event.lines
                )
    return [
        ClosingCheck(
            period=period,
            recorded=locked.closing_hash,
            recomputed=closing_hash(tenant_id, period, hashes[period]),
            lines_recorded=locked.line_count,
            lines_found=len(hashes[period]),
        )
        for period, locked in locks.items()
    ]
