"""Integration fixtures: a ledger on a database of its own, and helpers to read the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

import asyncpg
import pytest

from api.bootstrap import Ledger, create_tenant, open_ledger
from ledger.decide import Posted
from ledger.events import Actor
from ledger.intents import BookingLine, PostBooking
from tests.conftest import settings_for

TEST_ACTOR = Actor(actor_type="system", label="integration-test")


@pytest.fixture
async def own_ledger(fresh_database_url: str) -> AsyncIterator[Ledger]:
    """A ledger on a database no other test uses (for tampering, rebuilds, global counts)."""
    opened = await open_ledger(settings_for(fresh_database_url))
    yield opened
    await opened.close()


async def new_tenant(ledger: Ledger, name: str = "Integration GmbH") -> UUID:
    tenant_id, _, _ = await create_tenant(
        ledger, company_name=name, owner_email="o@x.test", owner_name="Owner"
    )
    return tenant_id


def simple_booking(
    tenant_id: UUID,
    intent_id: UUID,
    amount_cents: int,
    *,
    debit: str = "6815",
    credit: str = "1800",
    day=None,
    **extra,
) -> PostBooking:
    from datetime import date

    return PostBooking(
        tenant_id=tenant_id,
        actor=TEST_ACTOR,
        channel="api",
        intent_id=intent_id,
        booking_date=day or date(2026, 3, 15),
        description=f"booking {amount_cents}",
        lines=(
            BookingLine(account_number=debit, side="debit", amount_cents=amount_cents),
            BookingLine(account_number=credit, side="credit", amount_cents=amount_cents),
        ),
        skip_duplicate_check=True,
        **extra,
    )


async def post(ledger: Ledger, intent: PostBooking) -> Posted:
    result = await ledger.writers.submit_one(intent)
    assert isinstance(result, Posted)
    return result


async def journal_numbers(conn: asyncpg.Connection, tenant_id: UUID) -> list[int]:
    rows = await conn.fetch(
        "select journal_number from journal_lines where tenant_id = $1 order by journal_number",
        tenant_id,
    )
    return [row["journal_number"] for row in rows]
