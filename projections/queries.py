"""Read queries over the read tables. Every query is scoped by tenant id first.

Results are asyncpg records (or small Structs); `api/` turns them into wire Structs.
Pagination is by limit and keyset where tables grow without bound.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from uuid import UUID

import asyncpg
import msgspec

JOURNAL_NUMBER_MAX: Final = 2**63 - 1  # "no cut-off" for the bigint journal_number


async def journal_number_known_at(
    conn: asyncpg.Connection, tenant_id: UUID, as_of: datetime
) -> int:
    """The last journal number recorded at or before `as_of` (0 before the first line).

    Lines are numbered in the order they are recorded, so the books as known then are the
    journal up to this number.
    """
    return await conn.fetchval(
        "select coalesce(max(last_journal_number), 0) from intents"
        " where tenant_id = $1 and created_at <= $2",
        tenant_id,
        as_of,
    )


async def tenant(conn: asyncpg.Connection, tenant_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("select * from tenants where id = $1", tenant_id)


async def list_tenants(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch("select * from tenants order by created_at, id")


async def api_key_by_hash(conn: asyncpg.Connection, key_hash: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "select k.id, k.tenant_id, k.user_id, k.label, k.key_prefix, k.scopes, k.expires_at,"
        " k.revoked_at, u.role, u.email, u.is_active as user_active"
        " from api_keys k join users u on u.id = k.user_id where k.key_hash = $1",
        key_hash,
    )


async def users(conn: asyncpg.Connection, tenant_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select * from users where tenant_id = $1 order by created_at, id", tenant_id
    )


async def api_keys(conn: asyncpg.Connection, tenant_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select k.*, u.email from api_keys k join users u on u.id = k.user_id"
        " where k.tenant_id = $1 order by k.created_at, k.id",
        tenant_id,
    )


# --- accounts ----------------------------------------------------------------------------


async def accounts(
    conn: asyncpg.Connection, tenant_id: UUID, *, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    rows = await conn.fetch(
        "select number, name, type, category, report_group, is_system, is_active"
        " from accounts where tenant_id = $1 order by number limit $2 offset $3",
        tenant_id,
        limit,
        offset,
    )
    total = await conn.fetchval("select count(*) from accounts where tenant_id = $1", tenant_id)
    return rows, total


async def account(conn: asyncpg.Connection, tenant_id: UUID, number: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "select number, name, type, category, report_group, is_system, is_active"
        " from accounts where tenant_id = $1 and number = $2",
        tenant_id,
        number,
    )


async def search_accounts(
    conn: asyncpg.Connection,
    tenant_id: UUID,
    *,
    text: str,
    account_type: str | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Number prefix or name substring (case-insensitive); active accounts first by number."""
    pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return await conn.fetch(
        "select number, name, type from accounts where tenant_id = $1 and is_active"
        " and ($2 = '' or number like $3 || '%' or lower(name) like '%' || lower($3) || '%')"
        " and ($4::text is null or type = $4)"
        " order by (number like $3 || '%') desc, number limit $5",
        tenant_id,
        text,
        pattern,
        account_type,
        limit,
    )


class EntriesPage(msgspec.Struct, frozen=True, kw_only=True):
    opening_cents: int
    rows: list[asyncpg.Record]
    closing_cents: int


async def account_entries(
    conn: asyncpg.Connection,
    tenant_id: UUID,
    number: str,
    *,
    start: date | None,
    end: date | None,
    limit: int,
    up_to: int | None = None,
) -> EntriesPage:
    """The account's lines by (date, journal number) with the balance before the first one.

    The closing balance covers the whole range up to `end`, not just the page. `up_to`
    (a journal number, from `journal_number_known_at`) leaves out every later line.
    """
    if up_to is None:
        # Both balances in one pass over the account's daily rows (a few hundred per year).
        opening, closing = await conn.fetchrow(
            "select coalesce(sum(debit_cents - credit_cents) filter (where booking_date < $3), 0),"
            " coalesce(sum(debit_cents - credit_cents) filter (where booking_date <= $4), 0)"
            " from account_balances where tenant_id = $1 and account_number = $2",
            tenant_id,
            number,
            start or date.min,
            end or date.max,
        )
    else:
        # The daily sums know no recording time: add up the lines known then instead.
        opening, closing = await conn.fetchrow(
            "select coalesce(sum(signed) filter (where booking_date < $3), 0),"
            " coalesce(sum(signed) filter (where booking_date <= $4), 0) from ("
            " select booking_date, amount_cents as signed from journal_lines"
            "  where tenant_id = $1 and account_debit = $2 and journal_number <= $5"
            " union all"
            " select booking_date, -amount_cents from journal_lines"
            "  where tenant_id = $1 and account_credit = $2 and journal_number <= $5) as lines",
            tenant_id,
            number,
            start or date.min,
            end or date.max,
            up_to,
        )
    rows = await conn.fetch(
        "select e.*, i.description from ("
        "(select l.journal_number, l.intent_id, l.booking_date, l.period, 'debit' as side,"
        "  l.account_credit as contra_account, l.amount_cents, l.tax_code, l.id"
        "  from journal_lines l where l.tenant_id = $1 and l.account_debit = $2"
        "  and l.booking_date >= $3 and l.booking_date <= $4 and l.journal_number <= $6"
        "  order by l.booking_date, l.journal_number limit $5)"
        " union all"
        " (select l.journal_number, l.intent_id, l.booking_date, l.period, 'credit' as side,"
        "  l.account_debit as contra_account, l.amount_cents, l.tax_code, l.id"
        "  from journal_lines l where l.tenant_id = $1 and l.account_credit = $2"
        "  and l.booking_date >= $3 and l.booking_date <= $4 and l.journal_number <= $6"
        "  order by l.booking_date, l.journal_number limit $5)"
        " order by booking_date, journal_number limit $5) e"
        " join intents i on i.intent_id = e.intent_id"
        " order by e.booking_date, e.journal_number",
        tenant_id,
        number,
        start or date.min,
        end or date.max,
        limit,
        JOURNAL_NUMBER_MAX if up_to is None else up_to,
    )
    return EntriesPage(opening_cents=opening, rows=rows, closing_cents=closing)


# --- journal ------------------------------------------------------------------------------


async def journal(
    conn: asyncpg.Connection,
    tenant_id: UUID,
    *,
    account: str | None,
    start: date | None,
    end: date | None,
    search: str | None,
    external_reference: str | None,
    after_journal_number: int,
    limit: int,
    offset: int,
    up_to: int | None = None,
) -> list[asyncpg.Record]:
    """Journal lines in journal-number order with their intent's fields (up to `up_to`)."""
    pattern = None
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped.lower()}%"
    return await conn.fetch(
        "select l.*, i.description, i.kind, i.fx, i.external_reference, i.custom_metadata,"
        " i.created_at, i.created_by, i.actor_type, i.actor_key_prefix, i.channel,"
        " i.document_id, i.reverses_intent_id"
        " from journal_lines l join intents i on i.intent_id = l.intent_id"
        " where l.tenant_id = $1 and l.journal_number > $2 and l.journal_number <= $10"
        " and ($3::text is null or l.account_debit = $3 or l.account_credit = $3)"
        " and ($4::date is null or l.booking_date >= $4)"
        " and ($5::date is null or l.booking_date <= $5)"
        " and ($6::text is null or i.external_reference = $6)"
        " and ($7::text is null or lower(i.description) like $7"
        "      or lower(coalesce(i.external_reference, '')) like $7"
        "      or l.account_debit like $7 or l.account_credit like $7)"
        " order by l.journal_number limit $8 offset $9",
        tenant_id,
        after_journal_number,
        account,
        start,
        end,
        external_reference,
        pattern,
        limit,
        offset,
        JOURNAL_NUMBER_MAX if up_to is None else up_to,
    )


async def intent(
    conn: asyncpg.Connection, tenant_id: UUID, intent_id: UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "select * from intents where tenant_id = $1 and intent_id = $2", tenant_id, intent_id
    )


async def intent_lines(
    conn: asyncpg.Connection, tenant_id: UUID, intent_id: UUID
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select l.*, ad.name as account_debit_name, ac.name as account_credit_name"
        " from journal_lines l"
        " left join accounts ad on ad.tenant_id = l.tenant_id and ad.number = l.account_debit"
        " left join accounts ac on ac.tenant_id = l.tenant_id and ac.number = l.account_credit"
        " where l.tenant_id = $1 and l.intent_id = $2 order by l.journal_number",
        tenant_id,
        intent_id,
    )


# --- tax codes ----------------------------------------------------------------------------


async def tax_codes(
    conn: asyncpg.Connection, tenant_id: UUID, *, include_inactive: bool
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select * from tax_codes where tenant_id = $1 and ($2 or is_active)"
        " order by is_system desc, code_key",
        tenant_id,
        include_inactive,
    )


async def tax_code(conn: asyncpg.Connection, tenant_id: UUID, code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "select * from tax_codes where tenant_id = $1 and code_key = upper($2)", tenant_id, code
    )
