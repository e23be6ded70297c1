"""Bank transactions over HTTP: JSON import with duplicate detection by content hash,
listing with filters, one transaction, the unreconciled count, the bank account's counts."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import Tenant, error_details

ROWS = [
    {
        "tx_date": "2026-03-02",
        "amount": "1190.00",
        "counterparty_name": "Kunde AG",
        "counterparty_iban": "DE89 3704 0044 0532 0130 00",
        "reference": "RE-2026-001",
    },
    {
        "tx_date": "2026-03-03",
        "amount": "-59.50",
        "counterparty_name": "Telekom",
        "reference": "Rechnung 4711",
    },
    {"tx_date": "2026-03-03", "amount": "-4.90", "reference": "Kontoführung"},
    {"tx_date": "2026-03-03", "amount": "-4.90", "reference": "Kontoführung"},
]


async def bank_account(tenant: Tenant, iban: str = "DE02120300000000202051", number="1800"):
    body = {"name": f"Bank {number}", "iban": iban, "account_number": number}
    response = await tenant.post("/v1/bank-accounts", body)
    assert response.status_code == 201, response.text
    return response.json()


async def import_rows(tenant: Tenant, account: dict, rows: list[dict]) -> dict:
    body = {"bank_account_id": account["id"], "transactions": rows}
    response = await tenant.post("/v1/bank-transactions", body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_import_stores_rows_and_a_second_import_skips_them_all(tenant: Tenant):
    account = await bank_account(tenant)

    first = await import_rows(tenant, account, ROWS)
    again = await import_rows(tenant, account, ROWS)

    assert (first["total_rows"], first["imported"], first["skipped_duplicates"]) == (4, 4, 0)
    assert (again["imported"], again["skipped_duplicates"], again["errors"]) == (0, 4, [])
    listed = (await tenant.get("/v1/bank-transactions")).json()
    assert listed["total"] == 4
    income = [t for t in listed["transactions"] if t["amount"] > 0]
    assert income[0]["counterparty_iban"] == "DE89370400440532013000"
    assert income[0]["status"] == "unreconciled"


async def test_equal_rows_stay_apart_and_an_overlapping_import_adds_only_new_ones(tenant: Tenant):
    account = await bank_account(tenant)
    await import_rows(tenant, account, ROWS[:3])

    overlap = await import_rows(tenant, account, [*ROWS, {**ROWS[0], "tx_date": "2026-03-05"}])

    assert (overlap["imported"], overlap["skipped_duplicates"]) == (2, 3)
    assert (await tenant.get("/v1/bank-transactions")).json()["total"] == 5


async def test_the_same_row_in_another_account_is_not_a_duplicate(tenant: Tenant):
    first = await bank_account(tenant)
    second = await bank_account(tenant, "DE89370400440532013000", "1810")
    await import_rows(tenant, first, ROWS[:1])
    assert (await import_rows(tenant, second, ROWS[:1]))["imported"] == 1


async def test_rows_in_another_currency_are_reported_and_the_rest_imported(tenant: Tenant):
    account = await bank_account(tenant)
    result = await import_rows(tenant, account, [ROWS[0], {**ROWS[1], "currency": "USD"}])
    assert result["imported"] == 1
    assert [(e["index"], e["code"]) for e in result["errors"]] == [(1, "CURRENCY_MISMATCH")]


@pytest.mark.parametrize(
    ("rows", "status", "code"),
    [
        ([], 400, "INVALID_INPUT"),
        ([{**ROWS[0], "amount": "1.001"}], 400, "INVALID_INPUT"),
        ([{**ROWS[0], "tx_date": "03.02.2026"}], 400, "INVALID_INPUT"),
        ([ROWS[0]] * 1001, 400, "INVALID_INPUT"),
    ],
)
async def test_a_malformed_import_is_refused_whole(tenant: Tenant, rows, status, code):
    account = await bank_account(tenant)
    body = {"bank_account_id": account["id"], "transactions": rows}
    error_details(await tenant.post("/v1/bank-transactions", body), status, code)
    assert (await tenant.get("/v1/bank-transactions")).json()["total"] == 0


async def test_an_unknown_bank_account_is_not_found(tenant: Tenant):
    body = {"bank_account_id": str(uuid.uuid4()), "transactions": ROWS[:1]}
    error_details(await tenant.post("/v1/bank-transactions", body), 404, "BANK_ACCOUNT_NOT_FOUND")


async def test_listing_filters_and_counts(tenant: Tenant):
    account = await bank_account(tenant)
    other = await bank_account(tenant, "DE89370400440532013000", "1810")
    await import_rows(tenant, account, ROWS)
    await import_rows(tenant, other, ROWS[:1])

    mine = {"bank_account_id": account["id"]}
    assert (await tenant.get("/v1/bank-transactions", params=mine)).json()["total"] == 4
    telekom = (await tenant.get("/v1/bank-transactions", params={"search": "telekom"})).json()
    assert [t["reference"] for t in telekom["transactions"]] == ["Rechnung 4711"]
    dated = {"start_date": "2026-03-03", "end_date": "2026-03-03"}
    assert (await tenant.get("/v1/bank-transactions", params=dated)).json()["total"] == 3
    count = await tenant.get("/v1/bank-transactions/unreconciled-count", params=mine)
    assert count.json() == {"count": 4}
    shown = (await tenant.get(f"/v1/bank-accounts/{account['id']}")).json()
    assert (shown["tx_count"], shown["unreconciled_count"], shown["last_tx_date"]) == (
        4,
        4,
        "2026-03-03",
    )
    one = (await tenant.get("/v1/bank-transactions", params={"limit": 1})).json()
    transaction = one["transactions"][0]
    assert (await tenant.get(f"/v1/bank-transactions/{transaction['id']}")).json() == transaction
    error_details(await tenant.get(f"/v1/bank-transactions/{uuid.uuid4()}"), 404, "NOT_FOUND")


async def test_evidence_attaches_a_document_and_a_note_and_clears_them(tenant: Tenant):
    account = await bank_account(tenant)
    await import_rows(tenant, account, ROWS[:1])
    [tx] = (await tenant.get("/v1/bank-transactions")).json()["transactions"]
    url = f"/v1/bank-transactions/{tx['id']}/evidence"
    document = await tenant.client.post(
        "/v1/documents",
        headers=tenant.headers,
        files={"file": ("beleg.pdf", b"%PDF-1.7 evidence", "application/pdf")},
    )

    async def put(body):
        return await tenant.client.put(url, json=body, headers=tenant.headers)

    empty = (await tenant.get(url)).json()
    assert (empty["document_id"], empty["note"], empty["updated_by"]) == (None, None, None)
    both = await put({"document_id": document.json()["id"], "note": "Rechnung liegt bei"})
    assert both.status_code == 200, both.text
    assert (both.json()["document_id"], both.json()["note"]) == (
        document.json()["id"],
        "Rechnung liegt bei",
    )
    assert both.json()["updated_by"] is not None
    cleared = await put({"note": None})
    assert (cleared.json()["document_id"], cleared.json()["note"]) == (document.json()["id"], None)
    error_details(await put({"note": None}), 400, "NO_CHANGES")
    error_details(await put({"document_id": str(uuid.uuid4())}), 400, "DOCUMENT_NOT_FOUND")
    error_details(await put({"colour": "red"}), 400, "INVALID_INPUT")
    missing = f"/v1/bank-transactions/{uuid.uuid4()}/evidence"
    error_details(await tenant.get(missing), 404, "NOT_FOUND")


async def test_only_a_zero_transaction_is_dismissed_and_only_once(tenant: Tenant):
    account = await bank_account(tenant)
    zero = {"tx_date": "2026-03-04", "amount": "0.00", "reference": "Rechnungsabschluss"}
    await import_rows(tenant, account, [ROWS[0], zero])
    listed = (await tenant.get("/v1/bank-transactions")).json()["transactions"]
    by_amount = {t["amount"]: t for t in listed}

    dismissed = await tenant.post(f"/v1/bank-transactions/{by_amount[0]['id']}/dismiss")

    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["status"] == "excluded"
    excluded = (await tenant.get("/v1/bank-transactions", params={"status": "excluded"})).json()
    assert [t["id"] for t in excluded["transactions"]] == [by_amount[0]["id"]]
    error_details(
        await tenant.post(f"/v1/bank-transactions/{by_amount[0]['id']}/dismiss"),
        409,
        "TX_ALREADY_HANDLED",
    )
    error_details(
        await tenant.post(f"/v1/bank-transactions/{by_amount[1190]['id']}/dismiss"),
        400,
        "TX_NOT_ZERO",
    )
    error_details(
        await tenant.post(f"/v1/bank-transactions/{uuid.uuid4()}/dismiss"), 404, "TX_NOT_FOUND"
    )
    assert (await tenant.get("/v1/bank-transactions/unreconciled-count")).json() == {"count": 1}
