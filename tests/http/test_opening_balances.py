"""POST /v1/bookings/opening-balances: a trial balance becomes one intent against account 9000.

Goal: pin reference §3.1 (opening balances): every non-zero entry is booked against 9000 in
one intent, zero entries are ignored, only balance-sheet accounts are allowed, debits must
equal credits, one set per date until it is reversed, and every documented error code with
its status. Method: post trial balances to a fresh tenant through the real app on
PostgreSQL; read the lines back from GET /v1/journal and the balances from
GET /v1/accounts/{number}/entries. Refusals go through `refused()`, which also proves the
journal did not change.
"""

from __future__ import annotations

from uuid import UUID

import pytest

from tests.conftest import Tenant, assert_replayed, journal_of, refused

PATH = "/v1/bookings/opening-balances"


def trial_balance(*entries: tuple[str, str, str], day: str = "2026-01-01") -> dict:
    """A body from (account, debit, credit) tuples."""
    return {
        "booking_date": day,
        "balances": [
            {"account_number": number, "account_name": f"Konto {number}", "debit": d, "credit": c}
            for number, d, c in entries
        ],
    }


OPENING = trial_balance(
    ("0440", "25000.00", "0"),  # machinery, asset
    ("1800", "12500.50", "0"),  # bank, asset
    ("1600", "0", "0"),  # cash: zero, ignored
    ("2900", "0", "25000.00"),  # subscribed capital, equity
    ("3300", "0", "12500.50"),  # trade payables, liability
)


async def balance_of(tenant: Tenant, number: str) -> float:
    response = await tenant.get(f"/v1/accounts/{number}/entries")
    assert response.status_code == 200, response.text
    return response.json()["balance"]


async def test_trial_balance_is_posted_as_one_intent_against_9000(tenant: Tenant):
    response = await tenant.post(PATH, OPENING)

    assert response.status_code == 200, response.text
    answer = response.json()
    intent_id = answer.pop("intent_id")
    assert UUID(intent_id)
    assert answer == {
        "status": "posted",
        "event_count": 4,
        "booking_date": "2026-01-01",
        "total_debit": 37500.5,
        "total_credit": 37500.5,
        "contra_account": "9000",
    }
    journal = await journal_of(tenant)
    assert [(e["account_debit"], e["account_credit"], e["amount"]) for e in journal] == [
        ("0440", "9000", 25000.0),
        ("1800", "9000", 12500.5),
        ("9000", "2900", 25000.0),
        ("9000", "3300", 12500.5),
    ]
    assert {(e["intent_id"], e["period"], e["description"]) for e in journal} == {
        (intent_id, "2026-01", "Eröffnungsbilanz 2026-01-01")
    }


@pytest.mark.parametrize(
    ("number", "balance"),
    [("9000", 0.0), ("0440", 25000.0), ("1800", 12500.5), ("1600", 0.0), ("3300", -12500.5)],
)
async def test_opening_balances_set_each_account_and_net_9000_to_zero(
    tenant: Tenant, number: str, balance: float
):
    await tenant.post(PATH, OPENING)

    assert await balance_of(tenant, number) == balance


async def test_intent_view_names_the_opening_balances_kind(tenant: Tenant):
    intent_id = (await tenant.post(PATH, OPENING)).json()["intent_id"]

    summary = (await tenant.get(f"/v1/journal/{intent_id}")).json()["summary"]

    assert (summary["kind"], summary["event_count"], summary["total"]) == (
        "opening_balances",
        4,
        37500.5,
    )


RULE_REFUSALS = [
    pytest.param(
        trial_balance(("1800", "100.00", "0"), ("2900", "0", "99.99")),
        400,
        "BALANCE_MISMATCH",
        {"total_debit": "100.00", "total_credit": "99.99", "difference": "0.01"},
        id="BALANCE_MISMATCH",
    ),
    pytest.param(
        trial_balance(("1800", "100.00", "100.00"), ("2900", "0", "0")),
        400,
        "INVALID_BALANCE_ENTRY",
        {"account_number": "1800"},
        id="INVALID_BALANCE_ENTRY-debit-and-credit",
    ),
    pytest.param(
        trial_balance(("9000", "100.00", "0"), ("2900", "0", "100.00")),
        400,
        "INVALID_BALANCE_ENTRY",
        {"account_number": "9000"},
        id="INVALID_BALANCE_ENTRY-the-contra-account-itself",
    ),
    pytest.param(
        trial_balance(("1800", "100.00", "0"), ("4400", "0", "60.00"), ("6815", "0", "40.00")),
        400,
        "ACCOUNT_TYPE_NOT_ALLOWED",
        {"account_numbers": ["4400", "6815"]},
        id="ACCOUNT_TYPE_NOT_ALLOWED-revenue-and-expense",
    ),
    pytest.param(
        trial_balance(("12345678", "100.00", "0"), ("1800", "0", "1.00"), ("87654321", "0", "1")),
        400,
        "ACCOUNTS_NOT_FOUND",
        {"account_numbers": ["12345678", "87654321"]},
        id="ACCOUNTS_NOT_FOUND-lists-every-missing-account-before-the-balance",
    ),
    pytest.param(
        trial_balance(("1800", "0", "0"), ("2900", "0.00", "0.00")),
        400,
        "INVALID_INPUT",
        {},
        id="INVALID_INPUT-no-entry-has-an-amount",
    ),
]


@pytest.mark.parametrize(("body", "status", "code", "details"), RULE_REFUSALS)
async def test_broken_rule_is_refused_with_its_code_status_and_details(
    tenant: Tenant, body: dict, status: int, code: str, details: dict
):
    assert await refused(tenant, PATH, body, status, code) == details


def entry_with(**fields) -> dict:
    valid = trial_balance(("1800", "100.00", "0"), ("2900", "0", "100.00"))
    valid["balances"][0] = {**valid["balances"][0], **fields}
    return valid


def entry_without(field: str) -> dict:
    valid = trial_balance(("1800", "100.00", "0"), ("2900", "0", "100.00"))
    del valid["balances"][0][field]
    return valid


@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param({"balances": OPENING["balances"]}, "booking_date", id="no-booking-date"),
        pytest.param({"booking_date": "2026-01-01"}, "balances", id="no-balances"),
        pytest.param(trial_balance(), "balances", id="empty-balances"),
        pytest.param({**OPENING, "booking_date": "2026-02-30"}, "booking_date", id="bad-date"),
        pytest.param(entry_without("debit"), "debit", id="entry-without-debit"),
        pytest.param(entry_without("account_number"), "account_number", id="no-account"),
        pytest.param(entry_with(debit="-100.00"), "negative", id="negative-amount"),
        pytest.param(entry_with(debit="100.001"), "two decimal", id="three-decimals"),
        pytest.param(entry_with(debit="NaN"), "number", id="NaN"),
        pytest.param(entry_with(account_number="18-00"), "account_number", id="bad-account"),
        pytest.param(entry_with(note="x"), "note", id="unknown-entry-field"),
        pytest.param({**OPENING, "contra": "9000"}, "contra", id="unknown-field"),
        pytest.param(
            trial_balance(*[("1800", "0", "0")] * 2001), "balances", id="more-than-2000-entries"
        ),
    ],
)
async def test_malformed_trial_balance_is_refused_as_invalid_input(
    tenant: Tenant, body: dict, named: str
):
    details = await refused(tenant, PATH, body, 400, "INVALID_INPUT")

    assert named in str(details["problems"])


async def test_second_set_for_the_same_date_is_refused_until_the_first_is_reversed(
    tenant: Tenant,
):
    first = (await tenant.post(PATH, OPENING)).json()
    corrected = trial_balance(("1800", "900.00", "0"), ("2900", "0", "900.00"))

    details = await refused(tenant, PATH, corrected, 409, "OPENING_BALANCES_EXIST")
    reversal = await tenant.post("/v1/journal/reverse", {"intent_id": first["intent_id"]})
    again = await tenant.post(PATH, corrected)

    assert details == {"intent_id": first["intent_id"]}
    assert reversal.status_code == 200, reversal.text
    assert again.status_code == 200, again.text
    assert await balance_of(tenant, "1800") == 900.0
    assert await balance_of(tenant, "9000") == 0.0


async def test_opening_balances_of_another_date_are_allowed(tenant: Tenant):
    await tenant.post(PATH, OPENING)

    next_year = await tenant.post(PATH, {**OPENING, "booking_date": "2027-01-01"})

    assert next_year.status_code == 200, next_year.text


async def test_retry_with_same_idempotency_key_replays_instead_of_exist_conflict(
    tenant: Tenant,
):
    key = {"headers": {"Idempotency-Key": "eb-2026"}}
    first = await tenant.post(PATH, OPENING, **key)
    journal = await journal_of(tenant)

    retry = await tenant.post(PATH, OPENING, **key)

    assert first.status_code == 200, first.text
    assert_replayed(retry, first)
    assert await journal_of(tenant) == journal
