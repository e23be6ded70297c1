"""Integration fixtures: a ledger on a database of its own, and helpers to read the store."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from uuid import UUID

import asyncpg
import pytest

from api.bootstrap import Ledger, create_tenant, open_ledger
from ledger.decide import Posted
from ledger.events import Actor, InvoiceLine, PartyDetails
from ledger.intents import (
    AddBankAccount,
    BookingLine,
    ChangePaymentRunStatus,
    CreatePaymentRun,
    PostBooking,
    RecordInvoice,
    RegisterParty,
)
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


async def approved_payment_run(ledger: Ledger, tenant_id: UUID) -> UUID:
    """A vendor with an IBAN, a booked bill of 119.00, a bank account and an approved run."""
    stamp = {"tenant_id": tenant_id, "actor": TEST_ACTOR, "channel": "api"}
    vendor_id, invoice_id, bank_id, run_id = (uuid.uuid4() for _ in range(4))
    line = InvoiceLine(
        position=1,
        description="Ware",
        quantity=Decimal(1),
        unit_price=Decimal("100.00"),
        tax_rate_bp=1_900,
        tax_amount_cents=1_900,
        line_total_cents=11_900,
        account_number="6815",
    )
    intents = [
        RegisterParty(
            **stamp,
            party_id=vendor_id,
            kind="vendor",
            details=PartyDetails(name="Lieferant", iban="DE89370400440532013000"),
        ),
        RecordInvoice(
            **stamp,
            invoice_id=invoice_id,
            direction="incoming",
            party_id=vendor_id,
            invoice_type="invoice",
            invoice_number="ER-1",
            invoice_date=date(2026, 3, 1),
            due_date=None,
            currency="EUR",
            total_net_cents=10_000,
            total_tax_cents=1_900,
            total_gross_cents=11_900,
            lines=(line,),
            book=True,
        ),
        AddBankAccount(
            **stamp,
            bank_account_id=bank_id,
            name="Hausbank",
            iban="DE02120300000000202051",
            bic=None,
            account_number="1800",
            currency="EUR",
            sepa_version="pain.001.001.03",
        ),
        CreatePaymentRun(
            **stamp,
            run_id=run_id,
            bank_account_id=bank_id,
            execution_date=date(2999, 12, 31),
            label=None,
            invoice_ids=(invoice_id,),
        ),
        ChangePaymentRunStatus(**stamp, run_id=run_id, status="approved"),
    ]
    for intent in intents:
        await ledger.writers.submit_one(intent)
    return run_id
