"""Chart of accounts routes: list, add, search, and one account's entries."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.routes.query import AsOfQuery, require_date_range, require_zoned
from ledger.intents import CreateAccount
from ledger.money import cents_to_decimal
from projections import queries
from schemas import limits
from schemas.journal import (
    AccountEntriesOut,
    AccountEntryOut,
    AccountHitOut,
    AccountOut,
    AccountSearchOut,
    AccountsOut,
    CreateAccountIn,
)

AccountTypeQuery = Literal["asset", "liability", "equity", "revenue", "expense"]


@get("/accounts", operation_id="GetAccounts", opt={"scope": "journal:read"}, tags=["Journal"])
async def get_accounts(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    limit: Annotated[int, QueryParameter(name="limit", ge=1, le=limits.ACCOUNTS_PAGE_MAX)] = (
        limits.ACCOUNTS_PAGE_MAX
    ),
    offset: Annotated[int, QueryParameter(name="offset", ge=0, le=100_000)] = 0,
) -> AccountsOut:
    """The tenant's chart (standard SKR04/SKR03 accounts plus custom ones), by number."""
    async with ledger.pool.acquire() as conn:
        rows, total = await queries.accounts(conn, caller.tenant_id, limit=limit, offset=offset)
    return AccountsOut(
        accounts=[AccountOut(**dict(row)) for row in rows],
        total=total,
        offset=offset,
        limit=limit,
    )


@post(
    "/accounts",
    operation_id="PostAccount",
    opt={"scope": "journal:write"},
    status_code=201,
    tags=["Journal"],
)
async def post_account(
    data: JSONBody[CreateAccountIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> AccountOut:
    """Add a custom account (numeric, up to 8 digits); system accounts cannot be duplicated."""
    await ledger.writers.submit_one(
        CreateAccount(
            tenant_id=caller.tenant_id,
            actor=caller.actor,
            channel="api",
            number=data.number,
            name=data.name,
            type=data.type,
            category=data.category,
            report_group=data.report_group,
        )
    )
    return AccountOut(
        number=data.number,
        name=data.name,
        type=data.type,
        category=data.category,
        report_group=data.report_group,
        is_system=False,
    )


@get(
    "/accounts/search",
    operation_id="SearchAccounts",
    opt={"scope": "journal:read"},
    tags=["Journal"],
)
async def search_accounts(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    q: Annotated[str, QueryParameter(name="q", max_length=100)] = "",
    account_type: Annotated[AccountTypeQuery | None, QueryParameter(name="type")] = None,
    limit: Annotated[int, QueryParameter(name="limit", ge=1, le=limits.SEARCH_RESULTS_MAX)] = 20,
) -> AccountSearchOut:
    """Autocomplete: a number prefix or a name substring; empty `q` lists the first accounts."""
    async with ledger.pool.acquire() as conn:
        rows = await queries.search_accounts(
            conn, caller.tenant_id, text=q.strip(), account_type=account_type, limit=limit
        )
    return AccountSearchOut(accounts=[AccountHitOut(**dict(row)) for row in rows])


@get(
    "/accounts/{number:str}/entries",
    operation_id="GetAccountEntries",
    opt={"scope": "journal:read"},
    tags=["Journal"],
)
async def get_account_entries(
    number: FromPath[str],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    start_date: Annotated[date | None, QueryParameter(name="startDate")] = None,
    end_date: Annotated[date | None, QueryParameter(name="endDate")] = None,
    limit: Annotated[int, QueryParameter(name="limit", ge=1, le=limits.ENTRIES_PAGE_MAX)] = (
        limits.ENTRIES_PAGE_DEFAULT
    ),
    as_of: AsOfQuery = None,
) -> AccountEntriesOut:
    """The account's ledger (Kontoblatt) with a running balance (debit minus credit).

    `opening_balance` is the balance before `startDate`; `balance` is the balance at
    `endDate` (or today's, without one), whatever page of entries is shown. With `as_of`,
    entries and balances as the books stood then: lines recorded later are left out.
    """
    require_date_range(start_date, end_date)
    require_zoned(as_of)
    async with ledger.pool.acquire() as conn:
        known = number.isascii() and number.isdigit()  # e.g. U+0000 must not reach the query
        account = await queries.account(conn, caller.tenant_id, number) if known else None
        if account is None:
            raise ApiError("NOT_FOUND", f"Account {number} does not exist.", account_number=number)
        up_to = (
            None
            if as_of is None
            else await queries.journal_number_known_at(conn, caller.tenant_id, as_of)
        )
        page = await queries.account_entries(
            conn,
            caller.tenant_id,
            number,
            start=start_date,
            end=end_date,
            limit=limit + 1,
            up_to=up_to,
        )
    running = page.opening_cents
    entries = []
    for row in page.rows[:limit]:
        debit = row["amount_cents"] if row["side"] == "debit" else 0
        credit = row["amount_cents"] - debit
        running += debit - credit
        entries.append(
            AccountEntryOut(
                id=row["id"],
                journal_number=row["journal_number"],
                intent_id=row["intent_id"],
                booking_date=row["booking_date"],
                period=row["period"],
                description=row["description"],
                contra_account=row["contra_account"],
                debit=cents_to_decimal(debit),
                credit=cents_to_decimal(credit),
                tax_code=row["tax_code"],
                running_balance=cents_to_decimal(running),
            )
        )
    return AccountEntriesOut(
        account=AccountHitOut(number=account["number"], name=account["name"], type=account["type"]),
        start_date=start_date,
        end_date=end_date,
        opening_balance=cents_to_decimal(page.opening_cents),
        entries=entries,
        balance=cents_to_decimal(page.closing_cents),
        has_more=len(page.rows) > limit,
        as_of=as_of,
    )


ROUTES = [get_accounts, post_account, search_accounts, get_account_entries]
