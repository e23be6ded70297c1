"""Bank accounts routes: list, add, read, change (scope bank)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from litestar import get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.routes.bank_transactions import transaction_out
from ledger.intents import AddBankAccount, ChangeBankAccount
from ledger.money import cents_to_decimal
from ledger.writer import TENANT_TIMEZONE
from projections import bank_accounts as queries
from projections.invoices import base_cents
from schemas.bank_accounts import (
    AmountOut,
    BalanceHistoryOut,
    BalancePointOut,
    BankAccountIn,
    BankAccountOut,
    BankAccountPutIn,
    BankAccountsOut,
    OpenItemViewOut,
    ReconciliationViewOut,
)

TAGS = ["Bank"]


def _out(row) -> BankAccountOut:
    return BankAccountOut(**{name: row[name] for name in BankAccountOut.__struct_fields__})


async def _read(ledger: Ledger, caller: Caller, bank_account_id: uuid.UUID) -> BankAccountOut:
    async with ledger.pool.acquire() as conn:
        row = await queries.bank_account(conn, caller.tenant_id, bank_account_id)
    if row is None:
        raise ApiError("NOT_FOUND", "No bank account with this id exists.", id=str(bank_account_id))
    return _out(row)


@get("/bank-accounts", operation_id="GetBankAccounts", opt={"scope": "bank:read"}, tags=TAGS)
async def list_bank_accounts(
    caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> BankAccountsOut:
    """The tenant's bank accounts by name."""
    async with ledger.pool.acquire() as conn:
        rows = await queries.bank_accounts(conn, caller.tenant_id)
    return BankAccountsOut(bank_accounts=[_out(row) for row in rows])


@post(
    "/bank-accounts",
    operation_id="PostBankAccount",
    opt={"scope": "bank:write"},
    status_code=201,
    tags=TAGS,
)
async def add_bank_account(
    data: JSONBody[BankAccountIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> BankAccountOut:
    """Add a bank account linked 1:1 to an asset account of the chart."""
    bank_account_id = uuid.uuid4()
    await ledger.writers.submit_one(
        AddBankAccount(
            **caller.stamp(),
            bank_account_id=bank_account_id,
            name=data.name,
            iban=data.iban,
            bic=data.bic,
            account_number=data.account_number,
            currency=data.currency,
            sepa_version=data.sepa_version,
        )
    )
    return await _read(ledger, caller, bank_account_id)


@get(
    "/bank-accounts/balance-history",
    operation_id="GetBankBalanceHistory",
    opt={"scope": "bank:read"},
    tags=TAGS,
)
async def balance_history(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    days: Annotated[int, QueryParameter(ge=1, le=3_660)] = 30,
    bank_account_id: Annotated[uuid.UUID | None, QueryParameter()] = None,
) -> BalanceHistoryOut:
    """The balance of the bank accounts (or one) at the end of each of the last `days` days,
    from the postings on their ledger accounts."""
    today = ledger.clock().astimezone(TENANT_TIMEZONE).date()
    start = today - timedelta(days=days - 1)
    if bank_account_id is not None:
        await _read(ledger, caller, bank_account_id)  # 404 for an unknown or foreign account
    async with ledger.pool.acquire() as conn:
        opening, movements = await queries.balance_history(
            conn, caller.tenant_id, bank_account_id, start, today
        )
    by_day = dict(movements)
    balance, history = opening, []
    for offset in range(days):
        day = start + timedelta(days=offset)
        balance += by_day.get(day, 0)
        history.append(BalancePointOut(date=day, balance=cents_to_decimal(balance)))
    return BalanceHistoryOut(
        history=history,
        current_balance=cents_to_decimal(balance),
        start_balance=cents_to_decimal(opening),
        days=days,
    )


@get(
    "/bank-accounts/{bank_account_id:str}/reconciliation",
    operation_id="GetBankReconciliationView",
    opt={"scope": "bank:read"},
    tags=TAGS,
)
async def reconciliation_view(
    bank_account_id: FromPath[str],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    limit: Annotated[int, QueryParameter(ge=1, le=1_000)] = 200,
) -> ReconciliationViewOut:
    """Side by side: the ledger account's balance and the statement's, open and reconciled
    transactions, and the open invoices with their EUR value."""
    parsed = convert.require_uuid(bank_account_id, "bank account")
    await _read(ledger, caller, parsed)  # 404 for an unknown or foreign account
    async with ledger.pool.acquire() as conn:
        view = await queries.reconciliation_view(conn, caller.tenant_id, parsed, limit)
    sums = view["sums"]
    return ReconciliationViewOut(
        bank_account_id=parsed,
        ledger=AmountOut(amount=cents_to_decimal(view["ledger_cents"])),
        bank=AmountOut(amount=cents_to_decimal(sums["bank"])),
        unmatched_ledger=AmountOut(
            amount=cents_to_decimal(view["ledger_cents"] - sums["reconciled"])
        ),
        open_count=sums["open_count"],
        reconciled_count=sums["reconciled_count"],
        open_transactions=[transaction_out(row) for row in view["open"]],
        reconciled_transactions=[transaction_out(row) for row in view["reconciled"]],
        open_items=[
            OpenItemViewOut(
                invoice_id=row["id"],
                intent_id=row["intent_id"],
                direction=row["direction"],
                party_name=row["party_name"],
                open_item_account=row["party_account"],
                invoice_number=row["invoice_number"],
                invoice_date=row["invoice_date"],
                due_date=row["due_date"],
                currency=row["currency"],
                amount=cents_to_decimal(row["total_gross_cents"] - row["settled_cents"]),
                base_amount=cents_to_decimal(
                    base_cents(
                        row["currency"],
                        row["total_gross_cents"] - row["settled_cents"],
                        row["total_gross_cents"],
                        row["booked_eur_cents"],
                    )
                ),
                base_currency="EUR",
            )
            for row in view["open_items"]
        ],
    )


@get(
    "/bank-accounts/{bank_account_id:str}",
    operation_id="GetBankAccount",
    opt={"scope": "bank:read"},
    tags=TAGS,
)
async def get_bank_account(
    bank_account_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> BankAccountOut:
    """One bank account."""
    return await _read(ledger, caller, convert.require_uuid(bank_account_id, "bank account"))


@put(
    "/bank-accounts/{bank_account_id:str}",
    operation_id="PutBankAccount",
    opt={"scope": "bank:write"},
    tags=TAGS,
)
async def change_bank_account(
    bank_account_id: FromPath[str],
    data: JSONBody[BankAccountPutIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> BankAccountOut:
    """Change name, BIC or SEPA version (IBAN and linked account stay: add a new account)."""
    parsed = convert.require_uuid(bank_account_id, "bank account")
    changes = convert.given_fields(data)
    await ledger.writers.submit_one(
        ChangeBankAccount(
            **caller.stamp(),
            bank_account_id=parsed,
            changes=changes,
        )
    )
    return await _read(ledger, caller, parsed)


ROUTES = [
    list_bank_accounts,
    add_bank_account,
    balance_history,
    reconciliation_view,
    get_bank_account,
    change_bank_account,
]
