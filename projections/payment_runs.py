"""Read queries for payment runs, and the SEPA file of an exported run."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from projections.sepa import CreditTransferFile, Transfer


async def runs(
    conn: asyncpg.Connection, tenant_id: UUID, *, status: str | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    condition = " where tenant_id = $1 and ($2::text is null or status = $2)"
    rows = await conn.fetch(
        "select * from payment_runs"
        + condition
        + " order by created_at desc, id limit $3 offset $4",
        tenant_id,
        status,
        limit,
        offset,
    )
    total = await conn.fetchval("select count(*) from payment_runs" + condition, tenant_id, status)
    return rows, total


async def run(
    conn: asyncpg.Connection, tenant_id: UUID, run_id: UUID
) -> tuple[asyncpg.Record | None, list[asyncpg.Record]]:
    row = await conn.fetchrow(
        "select * from payment_runs where tenant_id = $1 and id = $2", tenant_id, run_id
    )
    if row is None:
        return None, []
    items = await conn.fetch(
        "select * from payment_run_items where run_id = $1 order by position", run_id
    )
    return row, items


async def eligible_invoices(conn: asyncpg.Connection, tenant_id: UUID) -> list[asyncpg.Record]:
    """Booked incoming invoices with an amount left, in EUR, in no active run."""
    return await conn.fetch(
        "select i.*, p.name as vendor_name, p.iban is null as iban_missing,"
        " i.total_gross_cents - i.settled_cents as remaining_cents"
        " from invoices i join parties p on p.id = i.party_id"
        " where i.tenant_id = $1 and i.direction = 'incoming' and i.invoice_type = 'invoice'"
        " and i.intent_id is not null and i.total_gross_cents > i.settled_cents"
        " and i.currency = 'EUR' and not exists (select 1 from payment_run_items t"
        "  join payment_runs r on r.id = t.run_id where t.invoice_id = i.id"
        "  and r.status in ('draft', 'approved', 'exported'))"
        " order by i.due_date nulls last, i.invoice_date, i.invoice_number",
        tenant_id,
    )


async def credit_transfer_file(
    conn: asyncpg.Connection, tenant_id: UUID, run_id: UUID
) -> CreditTransferFile | None:
    """The file of an exported (or completed) run, the same bytes every time it is asked for."""
    row, items = await run(conn, tenant_id, run_id)
    if row is None or row["message_id"] is None:
        return None
    account = await conn.fetchrow(
        "select * from bank_accounts where id = $1", row["bank_account_id"]
    )
    company = await conn.fetchval("select company_name from tenants where id = $1", tenant_id)
    return CreditTransferFile(
        version=account["sepa_version"],
        message_id=row["message_id"],
        created_at=row["exported_at"],
        initiating_party=company,
        debtor_name=company,
        debtor_iban=account["iban"],
        debtor_bic=account["bic"],
        execution_date=row["execution_date"],
        transfers=tuple(
            Transfer(
                end_to_end_id=item["end_to_end_id"],
                amount_cents=item["amount_cents"],
                creditor_name=item["vendor_name"],
                creditor_iban=item["vendor_iban"],
                creditor_bic=item["vendor_bic"],
                street=item["street"],
                building_number=item["building_number"],
                zip=item["zip"],
                city=item["city"],
                country=item["country"],
                remittance=item["reference"],
            )
            for item in items
        ),
    )
