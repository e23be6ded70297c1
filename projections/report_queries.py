"""What the reports read: per-account totals around a date range, monthly movements by account
type, and the tax-coded journal lines of a VAT period.

Without a knowledge time the totals come from `account_balances` (a row per account and day);
with one (`as_of`), from the journal lines recorded up to that moment, so a report shows the
books as they were known then (docs/api.md, "Knowledge time").
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg

from projections.reports import AccountTotals

# Movements per account and day: the projection, or the journal up to a journal number.
_BALANCES = (
    "select account_number, booking_date, debit_cents, credit_cents from account_balances"
    " where tenant_id = $1 and booking_date <= $3"
)
_JOURNAL = (
    "select account_debit as account_number, booking_date, amount_cents as debit_cents,"
    " 0::bigint as credit_cents from journal_lines where tenant_id = $1 and booking_date <= $3"
    " and journal_number <= $5"
    " union all select account_credit, booking_date, 0::bigint, amount_cents from journal_lines"
    " where tenant_id = $1 and booking_date <= $3 and journal_number <= $5"
)


async def account_totals(
    conn: asyncpg.Connection,
    tenant_id: UUID,
    *,
    first: date,
    last: date,
    year_start: date,
    known_until: int | None,
) -> list[AccountTotals]:
    """Every account with a posting up to `last`, by number; `known_until`: the last journal
    number known at the report's `as_of` (None: everything)."""
    source = _BALANCES if known_until is None else _JOURNAL
    cut_off = () if known_until is None else (known_until,)
    rows = await conn.fetch(
        "with m as (select account_number,"
        " coalesce(sum(debit_cents) filter (where booking_date < $2), 0) as before_debit,"
        " coalesce(sum(credit_cents) filter (where booking_date < $2), 0) as before_credit,"
        " coalesce(sum(debit_cents) filter (where booking_date >= $4 and booking_date < $2), 0)"
        "  as year_before_debit,"
        " coalesce(sum(credit_cents) filter (where booking_date >= $4 and booking_date < $2), 0)"
        "  as year_before_credit,"
        " coalesce(sum(debit_cents) filter (where booking_date >= $2), 0) as debit,"
        " coalesce(sum(credit_cents) filter (where booking_date >= $2), 0) as credit"
        f" from ({source}) s group by account_number)"
        " select a.number, a.name, a.type, a.category, a.report_group, m.* from m"
        " join accounts a on a.tenant_id = $1 and a.number = m.account_number"
        " order by a.number",
        tenant_id,
        first,
        last,
        year_start,
        *cut_off,
    )
    return [
        AccountTotals(
            number=row["number"],
            name=row["name"],
            type=row["type"],
            category=row["category"],
            report_group=row["report_group"],
            before_debit=row["before_debit"],
            before_credit=row["before_credit"],
            year_before_debit=row["year_before_debit"],
            year_before_credit=row["year_before_credit"],
            debit=row["debit"],
            credit=row["credit"],
        )
        for row in rows
    ]


async def monthly_movements(
    conn: asyncpg.Connection, tenant_id: UUID, year: int
) -> list[tuple[int, str, int, int]]:
    """(month, account type, debit, credit) of the revenue and expense accounts in `year`."""
    rows = await conn.fetch(
        "select extract(month from b.booking_date)::int as month, a.type,"
        " sum(b.debit_cents) as debit, sum(b.credit_cents) as credit"
        " from account_balances b join accounts a"
        " on a.tenant_id = b.tenant_id and a.number = b.account_number"
        " where b.tenant_id = $1 and b.booking_date between $2 and $3"
        " and a.type in ('revenue', 'expense') group by 1, 2",
        tenant_id,
        date(year, 1, 1),
        date(year, 12, 31),
    )
    return [(row["month"], row["type"], row["debit"], row["credit"]) for row in rows]


async def vat_lines(
    conn: asyncpg.Connection, tenant_id: UUID, first: date, last: date, accounts: list[str]
) -> list[asyncpg.Record]:
    """The period's journal lines that carry a tax code or touch one of `accounts` (tax
    accounts, and the revenue accounts a Kennzahl reads without a tax code), in journal
    order."""
    return await conn.fetch(
        "select journal_number, intent_id, booking_date, account_debit, account_credit,"
        " amount_cents, tax_code from journal_lines where tenant_id = $1"
        " and booking_date between $2 and $3"
        " and (tax_code is not null or account_debit = any($4::text[])"
        "  or account_credit = any($4::text[]))"
        " order by journal_number",
        tenant_id,
        first,
        last,
        accounts,
    )
