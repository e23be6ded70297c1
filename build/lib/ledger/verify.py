"""Verifying the stored hash chains (`ledger verify`, `GET /v1/audit/verify`)."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import msgspec

from ledger.chain import BrokenLink, ChainReport, ChainVerifier
from ledger.events import BookingPosted
from ledger.store import read_events, read_head

BOOKING_TOPIC = BookingPosted.__struct_config__.tag


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
