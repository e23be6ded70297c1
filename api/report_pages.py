"""Printable reports of an entity — the caller's own, or a client's of the caller's partner
firm — and the links that share them (docs/api.md, "Printable reports and shared links")."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import date, datetime, timedelta
from typing import Final
from uuid import UUID

import asyncpg

from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.mailer import public_url
from api.routes.reports import fiscal_year_start
from ledger.chain import GENESIS_HASH
from ledger.intents import CreateReportLink
from projections import report_queries, reports
from projections.report_html import Language, ReportKind, ReportPage, render

BOOK_ID: Final = "main"  # every entity keeps one book; its id is "main" (or the entity's id)
TOKEN_PREFIX: Final = "lr_"
BUILDERS: Final = {
    "balance_sheet": reports.balance_sheet,
    "income_statement": reports.profit_and_loss,
    "trial_balance": reports.trial_balance,
}


async def readable_entity(ledger: Ledger, caller: Caller, entity_id: UUID) -> None:
    """The caller's own entity, or a client of the caller's active partner firm; else 404."""
    if entity_id == caller.tenant_id:
        return
    async with ledger.pool.acquire() as conn:
        linked = await conn.fetchval(
            "select 1 from practice_clients c join practice_firms f on f.tenant_id = c.firm_id"
            " where c.firm_id = $1 and c.client_id = $2 and f.is_active",
            caller.tenant_id,
            entity_id,
        )
    if not linked:
        raise ApiError("NOT_FOUND", "No entity with this id is yours or a client's of your firm.")


def require_book(book_id: str, entity_id: UUID) -> None:
    if book_id not in (BOOK_ID, str(entity_id)):
        raise ApiError(
            "NOT_FOUND",
            f"No book with this id: each entity keeps one book, '{BOOK_ID}'.",
            book_id=book_id,
        )


def require_range(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise ApiError("INVALID_INPUT", "to must not be before from.")


async def page_html(
    conn: asyncpg.Connection,
    entity_id: UUID,
    kind: ReportKind,
    date_from: date,
    date_to: date,
    language: Language,
    now: datetime,
) -> str:
    """The report as the journal stands now, rendered."""
    tenant = await conn.fetchrow(
        "select company_name, fiscal_year_start from tenants where id = $1", entity_id
    )
    # A balance sheet is as at `date_to`, with the result of its fiscal year so far.
    anchor = date_to if kind == "balance_sheet" else date_from
    year_start = fiscal_year_start(anchor, tenant["fiscal_year_start"])
    first = year_start if kind == "balance_sheet" else date_from
    totals = await report_queries.account_totals(
        conn, entity_id, first=first, last=date_to, year_start=year_start, known_until=None
    )
    head = await conn.fetchrow(
        "select journal_number, audit_hash from journal_lines where tenant_id = $1"
        " order by journal_number desc limit 1",
        entity_id,
    )
    page = ReportPage(
        kind=kind,
        language=language,
        entity_name=tenant["company_name"],
        date_from=first,
        date_to=date_to,
        created_at=now,
        journal_number=head["journal_number"] if head else 0,
        audit_hash=head["audit_hash"] if head else GENESIS_HASH,
    )
    return render(page, BUILDERS[kind](totals))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def share(
    ledger: Ledger,
    caller: Caller,
    entity_id: UUID,
    kind: ReportKind,
    date_from: date,
    date_to: date,
    language: Language,
    expires_in_days: int,
) -> tuple[UUID, str, datetime]:
    """A new link: (id, URL with the token — shown this once, expiry)."""
    await readable_entity(ledger, caller, entity_id)
    require_range(date_from, date_to)
    token = TOKEN_PREFIX + secrets.token_hex(32)
    link_id = uuid.uuid4()
    expires_at = ledger.clock() + timedelta(days=expires_in_days)
    await ledger.writers.submit_one(
        CreateReportLink(
            **caller.stamp(),
            link_id=link_id,
            entity_id=entity_id,
            report=kind,
            date_from=date_from,
            date_to=date_to,
            language=language,
            token_hash=token_hash(token),
            expires_at=expires_at,
        )
    )
    return link_id, f"{public_url()}/api/reports/share/{token}", expires_at


async def open_shared(ledger: Ledger, token: str) -> str:
    """The shared report, counting the access; 404 unknown, 410 expired or revoked."""
    now = ledger.clock()
    async with ledger.pool.acquire() as conn:
        link = await conn.fetchrow(
            "select * from report_links where token_hash = $1", token_hash(token)
        )
        if link is None:
            raise ApiError("REPORT_LINK_NOT_FOUND", "No shared report has this link.")
        if link["revoked_at"] is not None or link["expires_at"] <= now:
            why = "was revoked" if link["revoked_at"] is not None else "has expired"
            raise ApiError(
                "REPORT_LINK_GONE",
                f"This report link {why}; ask its sender for a new one.",
                expires_at=link["expires_at"].isoformat(),
            )
        await conn.execute(
            "insert into report_link_access (link_id, access_count, last_access_at)"
            " values ($1, 1, $2) on conflict (link_id) do update"
            " set access_count = report_link_access.access_count + 1, last_access_at = $2",
            link["id"],
            now,
        )
        return await page_html(
            conn,
            link["entity_id"],
            link["report"],
            link["date_from"],
            link["date_to"],
            link["language"],
            now,
        )
