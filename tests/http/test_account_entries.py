"""GET /v1/accounts/{number}/entries: one account's ledger (Kontoblatt) with a running balance.

Goal: pin reference §3.1 (account entries) and our fields: entries in (booking date, journal
number) order, each with its contra account, debit, credit and running balance (debit minus
credit); `opening_balance` before `startDate`; `balance` at `endDate` whatever page is shown;
`limit` with `has_more`; 404 for an account the tenant does not have. Method: one module-wide
tenant gets five bookings on the bank account 1800, one of them posted last but dated early;
the tests only read it. Entries are named by journal number, which is gapless per tenant.
"""

from __future__ import annotations

import httpx
import pytest

from api.bootstrap import Ledger
from tests.conftest import Tenant, booking, error_details, make_tenant

BANK_BOOKINGS = [
    # journal number 1: capital paid in
    booking(("1800", "debit", "1000.00"), ("2900", "credit", "1000.00"), day="2026-01-05"),
    # 2 and 3: office supplies with input VAT, paid from the bank
    booking(("6815", "debit", "119.00", "VSt19"), ("1800", "credit", "119.00"), day="2026-01-20"),
    # 4: a customer pays
    booking(("1800", "debit", "250.00"), ("1200", "credit", "250.00"), day="2026-02-10"),
    # 5: rent
    booking(("6310", "debit", "500.00"), ("1800", "credit", "500.00"), day="2026-03-01"),
    # 6: posted last, dated early: sorts by date, between 1 and 2
    booking(("1800", "debit", "50.00"), ("4400", "credit", "50.00"), day="2026-01-10"),
]
BANK_ORDER = [1, 6, 2, 3, 4, 5]


@pytest.fixture(scope="module")
async def bank(ledger: Ledger, client: httpx.AsyncClient) -> Tenant:
    tenant = await make_tenant(ledger, client)
    for body in BANK_BOOKINGS:
        assert (await tenant.post("/v1/bookings", body)).status_code == 201
    return tenant


async def entries_of(tenant: Tenant, number: str, **params) -> dict:
    response = await tenant.get(f"/v1/accounts/{number}/entries", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def assert_running_balances_add_up(ledger_page: dict) -> None:
    running = ledger_page["opening_balance"]
    for entry in ledger_page["entries"]:
        running = round(running + entry["debit"] - entry["credit"], 2)
        assert entry["running_balance"] == running, entry


async def test_entries_run_in_date_order_with_contra_account_and_running_balance(bank: Tenant):
    page = await entries_of(bank, "1800")

    assert page["account"] == {"number": "1800", "name": "Bank", "type": "asset"}
    assert [
        (e["journal_number"], e["booking_date"], e["contra_account"], e["debit"], e["credit"])
        for e in page["entries"]
    ] == [
        (1, "2026-01-05", "2900", 1000.0, 0.0),
        (6, "2026-01-10", "4400", 50.0, 0.0),
        (2, "2026-01-20", "6815", 0.0, 100.0),
        (3, "2026-01-20", "1406", 0.0, 19.0),
        (4, "2026-02-10", "1200", 250.0, 0.0),
        (5, "2026-03-01", "6310", 0.0, 500.0),
    ]
    assert [e["running_balance"] for e in page["entries"]] == [
        1000.0,
        1050.0,
        950.0,
        931.0,
        1181.0,
        681.0,
    ]
    assert (page["opening_balance"], page["balance"], page["has_more"]) == (0.0, 681.0, False)
    assert (page["start_date"], page["end_date"]) == (None, None)


async def test_entry_carries_its_intent_period_description_and_tax_code(bank: Tenant):
    page = await entries_of(bank, "1800", startDate="2026-01-20", endDate="2026-01-20")

    net, tax = page["entries"]
    assert net["intent_id"] == tax["intent_id"]
    assert (net["period"], net["description"], net["tax_code"]) == (
        "2026-01",
        "Test booking",
        "VSt19",
    )
    assert net["id"] != tax["id"]


@pytest.mark.parametrize(
    ("params", "expected", "opening", "balance"),
    [
        pytest.param({"startDate": "2026-01-20"}, [2, 3, 4, 5], 1050.0, 681.0, id="from"),
        pytest.param({"endDate": "2026-01-31"}, [1, 6, 2, 3], 0.0, 931.0, id="until"),
        pytest.param(
            {"startDate": "2026-01-10", "endDate": "2026-02-10"},
            [6, 2, 3, 4],
            1000.0,
            1181.0,
            id="between",
        ),
        pytest.param({"startDate": "2026-04-01"}, [], 681.0, 681.0, id="after-the-last"),
        pytest.param({"endDate": "2025-12-31"}, [], 0.0, 0.0, id="before-the-first"),
    ],
)
async def test_date_range_gives_opening_balance_before_and_balance_at_its_end(
    bank: Tenant, params: dict, expected: list, opening: float, balance: float
):
    page = await entries_of(bank, "1800", **params)

    assert [e["journal_number"] for e in page["entries"]] == expected
    assert (page["opening_balance"], page["balance"]) == (opening, balance)
    assert (page["start_date"], page["end_date"]) == (
        params.get("startDate"),
        params.get("endDate"),
    )
    assert_running_balances_add_up(page)


@pytest.mark.parametrize(
    ("limit", "has_more"), [(1, True), (2, True), (5, True), (6, False), (1000, False)]
)
async def test_limit_cuts_the_page_and_has_more_says_so_while_balance_covers_all(
    bank: Tenant, limit: int, has_more: bool
):
    page = await entries_of(bank, "1800", limit=limit)

    assert [e["journal_number"] for e in page["entries"]] == BANK_ORDER[:limit]
    assert page["has_more"] is has_more
    assert page["balance"] == 681.0
    assert_running_balances_add_up(page)


@pytest.mark.parametrize(
    ("number", "balance"),
    [("2900", -1000.0), ("4400", -50.0), ("1406", 19.0), ("6815", 100.0), ("1200", -250.0)],
)
async def test_balance_is_debit_minus_credit_on_every_kind_of_account(
    bank: Tenant, number: str, balance: float
):
    page = await entries_of(bank, number)

    assert page["balance"] == balance
    assert_running_balances_add_up(page)


async def test_account_without_bookings_has_no_entries_and_zero_balance(bank: Tenant):
    page = await entries_of(bank, "1600")

    assert page == {
        "account": {"number": "1600", "name": "Kasse", "type": "asset"},
        "start_date": None,
        "end_date": None,
        "opening_balance": 0.0,
        "entries": [],
        "balance": 0.0,
        "has_more": False,
        "as_of": None,
    }


async def test_amounts_keep_exact_cents_in_the_running_balance(tenant: Tenant):
    for cents in ("0.10", "0.20", "0.05"):
        body = booking(("1800", "debit", cents), ("4400", "credit", cents))
        assert (await tenant.post("/v1/bookings", body)).status_code == 201

    response = await tenant.get("/v1/accounts/1800/entries")

    assert '"running_balance":0.30' in response.text
    assert '"balance":0.35' in response.text


async def test_account_of_another_tenant_is_not_found_like_an_unknown_one(
    tenant: Tenant, other_tenant: Tenant
):
    custom = {"number": "99887766", "name": "Verrechnungskonto", "type": "asset"}
    assert (await other_tenant.post("/v1/accounts", custom)).status_code == 201

    for number in ("99887766", "12345678"):
        response = await tenant.get(f"/v1/accounts/{number}/entries")
        assert error_details(response, 404, "NOT_FOUND") == {"account_number": number}


@pytest.mark.parametrize(
    ("path_number", "number"),
    [("abc", "abc"), ("123456789", "123456789"), ("18%0000", "18\x0000"), ("%C2%B2", "\u00b2")],
)
async def test_number_no_account_can_have_is_not_found(
    tenant: Tenant, path_number: str, number: str
):
    response = await tenant.get(f"/v1/accounts/{path_number}/entries")

    assert error_details(response, 404, "NOT_FOUND") == {"account_number": number}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        pytest.param({"startDate": "2026-03-02", "endDate": "2026-03-01"}, "startDate", id="range"),
        pytest.param({"startDate": "2026-02-30"}, "start", id="bad-date"),
        pytest.param({"limit": 0}, "limit", id="limit-zero"),
        pytest.param({"limit": 1001}, "limit", id="limit-over-1000"),
    ],
)
async def test_bad_query_is_refused_as_invalid_input(bank: Tenant, params: dict, named: str):
    response = await bank.get("/v1/accounts/1800/entries", params=params)

    assert named in str(error_details(response, 400, "INVALID_INPUT"))
