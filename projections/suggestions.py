"""Reading what suggestions are made of: a bank account's open transactions, the open
invoices, and the bookings on the bank's ledger account no transaction is linked to yet."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import asyncpg

from projections.invoices import base_cents
from projections.matching import Candidate, Suggestion, Transaction, suggest

BOOKING_WINDOW_DAYS = 60  # bank bookings dated this close to an open transaction


async def suggestions(
    conn: asyncpg.Connection, tenant_id: UUID, bank_account_id: UUID
) -> tuple[list[Suggestion], dict[UUID, asyncpg.Record]]:
    account = await conn.fetchval(
        "select account_number from bank_accounts where tenant_id = $1 and id = $2",
        tenant_id,
        bank_account_id,
    )
    rows = await conn.fetch(
        "select * from bank_transactions where tenant_id = $1 and bank_account_id = $2"
        " and status = 'unreconciled' and currency = 'EUR' order by tx_date, id",
        tenant_id,
        bank_account_id,
    )
    if not rows:
        return [], {}
    transactions = [
        Transaction(
            tx_id=row["id"],
            amount_cents=row["amount_cents"],
            day=row["tx_date"],
            reference=row["reference"],
            counterparty_name=row["counterparty_name"],
            counterparty_iban=row["counterparty_iban"],
            end_to_end_id=row["end_to_end_id"],
        )
        for row in rows
    ]
    first = min(t.day for t in transactions) - timedelta(days=BOOKING_WINDOW_DAYS)
    last = max(t.day for t in transactions) + timedelta(days=BOOKING_WINDOW_DAYS)
    candidates = await _open_items(conn, tenant_id) + await _bank_bookings(
        conn, tenant_id, account, first, last
    )
    return suggest(transactions, candidates), {row["id"]: row for row in rows}


async def _open_items(conn: asyncpg.Connection, tenant_id: UUID) -> list[Candidate]:
    rows = await conn.fetch(
        "select i.id, i.direction, i.intent_id, i.invoice_number, i.invoice_date, i.due_date,"
        " i.total_gross_cents - i.settled_cents as open_cents, p.name, p.iban,"
        " p.account_number, i.currency, i.total_gross_cents, b.total_cents as booked_eur_cents,"
        " coalesce((select array_agg(t.end_to_end_id)"
        "  from payment_run_items t join payment_runs r on r.id = t.run_id"
        "  where t.invoice_id = i.id and r.status in ('exported', 'completed')), '{}')"
        " as end_to_end_ids"
        " from invoices i join parties p on p.id = i.party_id"
        " join intents b on b.intent_id = i.intent_id"
        " where i.tenant_id = $1 and i.invoice_type = 'invoice'"
        " and i.total_gross_cents > i.settled_cents",
        tenant_id,
    )
    return [
        Candidate(
            intent_id=row["intent_id"],
            kind="open_receivable" if row["direction"] == "outgoing" else "open_liability",
            open_item_account=row["account_number"],
            # A foreign-currency item is matched at its EUR value, what the bank moves.
            amount_cents=base_cents(
                row["currency"],
                row["open_cents"],
                row["total_gross_cents"],
                row["booked_eur_cents"],
            )
            * (1 if row["direction"] == "outgoing" else -1),
            description=f"{row['invoice_number']} {row['name']}",
            day=row["invoice_date"],
            due=row["due_date"],
            invoice_number=row["invoice_number"],
            party_name=row["name"],
            party_iban=row["iban"],
            end_to_end_ids=tuple(row["end_to_end_ids"]),
        )
        for row in rows
    ]


async def _bank_bookings(
    conn: asyncpg.Connection, tenant_id: UUID, account: str, first, last
) -> list[Candidate]:
    rows = await conn.fetch(
        "select l.intent_id, min(l.booking_date) as day, i.description,"
        " sum(case when l.account_debit = $2 then l.amount_cents else -l.amount_cents end)"
        " as net from journal_lines l join intents i on i.intent_id = l.intent_id"
        " where l.tenant_id = $1 and (l.account_debit = $2 or l.account_credit = $2)"
        " and l.booking_date between $3 and $4 and i.reversed_by_intent_id is null"
        " and i.kind = 'booking' and not exists (select 1 from bank_transactions b"
        "  where b.tenant_id = $1 and (b.reconciled_intent_id = l.intent_id"
        "  or b.settlement_intent_id = l.intent_id))"
        " group by l.intent_id, i.description",
        tenant_id,
        account,
        first,
        last,
    )
    return [
        Candidate(
            intent_id=row["intent_id"],
            kind="bank_booking",
            open_item_account=None,
            amount_cents=row["net"],
            description=row["description"],
            day=row["day"],
        )
        for row in rows
        if row["net"] != 0
    ]
