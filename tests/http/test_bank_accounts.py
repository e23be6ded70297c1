"""Bank accounts over HTTP: IBAN and BIC checked, a 1:1 link to an asset account, the SEPA
version payment runs use, partial updates."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from ledger.writer import TENANT_TIMEZONE
from tests.conftest import Tenant, booking, error_details

IBAN = "DE89 3704 0044 0532 0130 00"
OTHER_IBAN = "DE02 1203 0000 0000 2020 51"


async def add(tenant: Tenant, **fields) -> dict:
    body = {"name": "Hausbank", "iban": IBAN, "account_number": "1800", **fields}
    response = await tenant.post("/v1/bank-accounts", body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_bank_account_is_added_linked_and_listed(tenant: Tenant):
    account = await add(tenant, bic="cobadeffxxx")

    assert account["iban"] == "DE89370400440532013000"
    assert (account["bic"], account["account_number"]) == ("COBADEFFXXX", "1800")
    assert (account["currency"], account["sepa_version"]) == ("EUR", "pain.001.001.03")
    assert (await tenant.get(f"/v1/bank-accounts/{account['id']}")).json() == account
    listed = (await tenant.get("/v1/bank-accounts")).json()["bank_accounts"]
    assert listed == [account]


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"iban": "DE89 3704 0044 0532 0130 01"}, 400, "INVALID_IBAN"),
        ({"bic": "XX"}, 400, "INVALID_BIC"),
        ({"account_number": "99999999"}, 400, "ACCOUNT_NOT_FOUND"),
        ({"account_number": "4400"}, 400, "INVALID_ACCOUNT_TYPE"),
        ({"sepa_version": "pain.001.003.03"}, 400, "INVALID_INPUT"),
        ({"name": ""}, 400, "INVALID_INPUT"),
    ],
)
async def test_invalid_bank_accounts_are_refused(tenant: Tenant, fields, status, code):
    body = {"name": "Hausbank", "iban": IBAN, "account_number": "1800", **fields}
    error_details(await tenant.post("/v1/bank-accounts", body), status, code)
    assert (await tenant.get("/v1/bank-accounts")).json()["bank_accounts"] == []


async def test_one_ledger_account_per_bank_account_and_one_iban_per_tenant(tenant: Tenant):
    first = await add(tenant)
    linked = await tenant.post(
        "/v1/bank-accounts", {"name": "Zweite", "iban": OTHER_IBAN, "account_number": "1800"}
    )
    assert error_details(linked, 409, "ACCOUNT_ALREADY_LINKED") == {"existing_id": first["id"]}
    twice = await tenant.post(
        "/v1/bank-accounts", {"name": "Dritte", "iban": IBAN, "account_number": "1810"}
    )
    assert error_details(twice, 409, "DUPLICATE_IBAN") == {"existing_id": first["id"]}


async def test_put_changes_name_bic_and_sepa_version(tenant: Tenant):
    account = await add(tenant, bic="COBADEFFXXX")
    url = f"/v1/bank-accounts/{account['id']}"

    async def put(body):
        return await tenant.client.put(url, json=body, headers=tenant.headers)

    changed = await put({"sepa_version": "pain.001.001.09", "bic": None, "name": "Sparkasse"})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["sepa_version"], body["bic"], body["name"]) == (
        "pain.001.001.09",
        None,
        "Sparkasse",
    )
    error_details(await put({"name": "Sparkasse"}), 400, "NO_CHANGES")
    error_details(await put({}), 400, "NO_CHANGES")
    error_details(await put({"iban": OTHER_IBAN}), 400, "INVALID_INPUT")
    error_details(await put({"name": None}), 400, "INVALID_INPUT")


async def test_unknown_and_malformed_ids(tenant: Tenant):
    error_details(await tenant.get(f"/v1/bank-accounts/{uuid.uuid4()}"), 404, "NOT_FOUND")
    error_details(await tenant.get("/v1/bank-accounts/x"), 400, "INVALID_INPUT")


async def test_balance_history_follows_the_postings_on_the_linked_account(tenant: Tenant):
    account = await add(tenant)
    today = datetime.now(TENANT_TIMEZONE).date()  # the service's calendar, not the machine's
    for days_ago, amount in ((40, "1000.00"), (3, "250.00"), (0, "-100.00")):
        side = ("debit", "credit") if not amount.startswith("-") else ("credit", "debit")
        body = booking(
            ("1800", side[0], amount.lstrip("-")),
            ("4400", side[1], amount.lstrip("-")),
            day=str(today - timedelta(days=days_ago)),
        )
        assert (await tenant.post("/v1/bookings", body)).status_code == 201

    history = (await tenant.get("/v1/bank-accounts/balance-history", params={"days": 7})).json()

    assert (history["startBalance"], history["currentBalance"], history["days"]) == (1000, 1150, 7)
    assert [point["balance"] for point in history["history"]] == [1000] * 3 + [1250] * 3 + [1150]
    one = await tenant.get(
        "/v1/bank-accounts/balance-history", params={"days": 7, "bank_account_id": account["id"]}
    )
    assert one.json() == history
    missing = {"bank_account_id": str(uuid.uuid4())}
    error_details(
        await tenant.get("/v1/bank-accounts/balance-history", params=missing), 404, "NOT_FOUND"
    )
