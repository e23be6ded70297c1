"""Match groups over HTTP: n bank transactions against m open items in one settlement intent,
with fees, Skonto and write-offs as adjustments and realized FX differences; unmatching a
group (directly or through any of its transactions) puts everything back."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.conftest import Tenant, error_details
from tests.http.reconciling import (
    balance,
    bank_line,
    booked_invoice,
    fx_invoice,
    invoice_of,
    setup,
)


def allocation(invoice: dict, bank: str, document: str | None = None, **extra) -> dict:
    body = {
        "intent_id": invoice["intent_id"],
        "candidate_kind": "open_receivable",
        "allocated_bank_amount": bank,
        **extra,
    }
    if document is not None:
        body["settled_document_amount"] = document
    return body


async def create_group(tenant: Tenant, txs: list[dict], allocations: list[dict], **extra):
    body = {"bank_transaction_ids": [tx["id"] for tx in txs], "allocations": allocations}
    return await tenant.post("/v1/bank-match-groups", {**body, **extra})


async def journal(tenant: Tenant) -> list[dict]:
    return (await tenant.get("/v1/journal")).json()["entries"]


async def status_of(tenant: Tenant, tx: dict) -> str:
    return (await tenant.get(f"/v1/bank-transactions/{tx['id']}")).json()["status"]


async def test_one_transfer_pays_two_invoices_in_one_settlement_intent(tenant: Tenant):
    s = await setup(tenant)
    second = await booked_invoice(
        tenant, s["party"]["id"], "RE-2", net="50.00", tax="9.50", gross="59.50"
    )
    tx = await bank_line(tenant, s, "178.50", "RE-1 RE-2")

    response = await create_group(
        tenant, [tx], [allocation(s["invoice"], "119.00"), allocation(second, "59.50")]
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["ok"], body["mode"], body["group"]["status"]) == (True, "settled", "active")
    assert body["intent_id"] == body["group"]["intent_id"]
    assert await balance(tenant, s["party"]["account_number"]) == 0
    assert await balance(tenant, "1800") == 178.5
    for invoice in (s["invoice"], second):
        paid = (await tenant.get(f"/v1/outgoing-invoices/{invoice['id']}")).json()
        assert paid["status"] == "paid"
    tx_now = (await tenant.get(f"/v1/bank-transactions/{tx['id']}")).json()
    assert (tx_now["status"], tx_now["reconcile_mode"], tx_now["match_group_id"]) == (
        "reconciled",
        "grouped",
        body["match_group_id"],
    )
    read = await tenant.get(f"/v1/bank-match-groups/{body['match_group_id']}")
    assert read.json() == body["group"]


async def test_two_transfers_and_a_bank_fee_settle_one_invoice(tenant: Tenant):
    s = await setup(tenant)
    first = await bank_line(tenant, s, "60.00", "RE-1 Teil 1")
    second = await bank_line(tenant, s, "57.50", "RE-1 Teil 2")

    response = await create_group(
        tenant,
        [first, second],
        [allocation(s["invoice"], "117.50", "119.00")],
        adjustments=[
            {
                "account_number": "6855",
                "posting_side": "debit",
                "amount": "1.50",
                "description": "Gebühr der Empfängerbank",
            }
        ],
    )

    assert response.status_code == 201, response.text
    assert (await invoice_of(tenant, s))["status"] == "paid"
    assert (await balance(tenant, "6855"), await balance(tenant, "1800")) == (1.5, 117.5)
    assert [await status_of(tenant, tx) for tx in (first, second)] == ["reconciled"] * 2


async def test_skonto_with_a_tax_code_corrects_the_output_vat(tenant: Tenant):
    s = await setup(tenant)
    tx = await bank_line(tenant, s, "115.43", "RE-1 abzgl. 3 % Skonto")

    response = await create_group(
        tenant,
        [tx],
        [allocation(s["invoice"], "115.43", "119.00")],
        adjustments=[
            {
                "account_number": "4730",
                "posting_side": "debit",
                "amount": "3.57",
                "tax_code": "USt19",
            }
        ],
    )

    assert response.status_code == 201, response.text
    assert (await invoice_of(tenant, s))["remaining_amount"] == 0
    assert await balance(tenant, "4730") == 3.0  # net 3.00 and 0.57 back from output VAT
    assert await balance(tenant, "3806") == -19 + 0.57


async def test_a_partial_foreign_currency_payment_books_its_share_of_the_eur_value(
    tenant: Tenant,
):
    s = await setup(tenant)
    invoice = await fx_invoice(tenant, s["party"], "US-1")  # 1,190.00 USD carried at 1,081.82
    account = s["party"]["account_number"]
    before = await balance(tenant, account)
    first = await bank_line(tenant, s, "460.00", "US-1 Teil 1")
    rest = await bank_line(tenant, s, "620.00", "US-1 Teil 2")

    part = await create_group(tenant, [first], [allocation(invoice, "460.00", "500.00")])

    assert part.status_code == 201, part.text
    [share] = part.json()["group"]["allocations"]
    assert (share["cleared_base_amount"], share["fx_difference"]) == (454.55, 5.45)
    assert part.json()["mode"] == "settled_fx"
    assert (await tenant.get(f"/v1/outgoing-invoices/{invoice['id']}")).json()[
        "remaining_amount"
    ] == 690
    done = await create_group(tenant, [rest], [allocation(invoice, "620.00", "690.00")])
    assert done.status_code == 201, done.text
    [last] = done.json()["group"]["allocations"]
    assert (last["cleared_base_amount"], last["fx_difference"]) == (627.27, -7.27)
    assert round(before - await balance(tenant, account), 2) == 1081.82  # exactly, in two parts
    assert (await balance(tenant, "4840"), await balance(tenant, "6880")) == (-5.45, 7.27)


async def test_unmatching_a_group_reopens_all_its_transactions_and_invoices(tenant: Tenant):
    s = await setup(tenant)
    second = await booked_invoice(tenant, s["party"]["id"], "RE-2")
    first_tx = await bank_line(tenant, s, "119.00", "RE-1")
    second_tx = await bank_line(tenant, s, "119.00", "RE-2")
    created = await create_group(
        tenant,
        [first_tx, second_tx],
        [allocation(s["invoice"], "119.00"), allocation(second, "119.00")],
    )
    group_id = created.json()["match_group_id"]

    undone = await tenant.post(f"/v1/bank-match-groups/{group_id}/unmatch")

    assert undone.status_code == 200, undone.text
    body = undone.json()
    assert (body["ok"], body["group"]["status"]) == (True, "reversed")
    assert body["group"]["reversal_intent_id"] == body["reversal_intent_id"]
    assert [await status_of(tenant, tx) for tx in (first_tx, second_tx)] == ["unreconciled"] * 2
    assert (await balance(tenant, "1800"), await balance(tenant, s["party"]["account_number"])) == (
        0,
        238,
    )
    assert (await invoice_of(tenant, s))["remaining_amount"] == 119
    again = await tenant.post(f"/v1/bank-match-groups/{group_id}/unmatch")
    error_details(again, 409, "ALREADY_REVERSED")
    error_details(
        await tenant.post(f"/v1/bank-match-groups/{uuid.uuid4()}/unmatch"), 404, "NOT_FOUND"
    )
    redone = await create_group(
        tenant,
        [first_tx, second_tx],
        [allocation(s["invoice"], "119.00"), allocation(second, "119.00")],
    )
    assert redone.status_code == 201, redone.text
    assert await balance(tenant, s["party"]["account_number"]) == 0


async def test_unmatching_one_member_transaction_reverses_the_whole_group(tenant: Tenant):
    s = await setup(tenant)
    first = await bank_line(tenant, s, "100.00", "RE-1 Teil 1")
    second = await bank_line(tenant, s, "19.00", "RE-1 Teil 2")
    created = await create_group(tenant, [first, second], [allocation(s["invoice"], "119.00")])
    assert created.status_code == 201, created.text

    undone = await tenant.post(f"/v1/bank-transactions/{second['id']}/unmatch")

    assert undone.status_code == 200, undone.text
    assert undone.json()["reversal_intent_id"] is not None
    assert [await status_of(tenant, tx) for tx in (first, second)] == ["unreconciled"] * 2
    group = await tenant.get(f"/v1/bank-match-groups/{created.json()['match_group_id']}")
    assert group.json()["status"] == "reversed"
    assert (await invoice_of(tenant, s))["status"] == "open"


async def _two_accounts(tenant: Tenant, s: dict) -> dict:
    other = await tenant.post(
        "/v1/bank-accounts",
        {"name": "Zweitbank", "iban": "DE89370400440532013000", "account_number": "1810"},
    )
    assert other.status_code == 201, other.text
    body = {
        "bank_account_id": other.json()["id"],
        "transactions": [{"tx_date": "2026-03-10", "amount": "19.00", "reference": "Zweitbank"}],
    }
    assert (await tenant.post("/v1/bank-transactions", body)).status_code == 201
    listed = await tenant.get("/v1/bank-transactions", params={"search": "Zweitbank"})
    return listed.json()["transactions"][0]


REFUSALS = [
    # (amounts of the transactions, allocation changes, other body fields, status, code)
    (["100.00"], {"allocated_bank_amount": "119.00"}, {}, 400, "GROUP_NOT_BALANCED"),
    (["100.00"], {"settled_document_amount": "119.00"}, {}, 400, "GROUP_NOT_BALANCED"),
    (["119.00", "-5.00"], {}, {}, 400, "DIRECTION_MISMATCH"),
    (["-119.00"], {"allocated_bank_amount": "119.00"}, {}, 400, "DIRECTION_MISMATCH"),
    (["119.00"], {"candidate_kind": "bank_booking"}, {}, 400, "TARGET_KIND_UNSUPPORTED"),
    (["150.00"], {"allocated_bank_amount": "150.00"}, {}, 400, "SETTLEMENT_EXCEEDS_OPEN_AMOUNT"),
    (["119.00"], {"intent_id": str(uuid.uuid4())}, {}, 404, "TARGET_NOT_FOUND"),
    (
        ["119.00"],
        {"settled_document_amount": "118.00"},
        {"adjustments": [{"account_number": "6999", "posting_side": "credit", "amount": "1.00"}]},
        404,
        "ADJUSTMENT_ACCOUNT_NOT_FOUND",
    ),
    (["119.00"], {}, {"bank_transaction_ids": [str(uuid.uuid4())]}, 404, "NOT_FOUND"),
    (["119.00"], {}, {"allocations": []}, 400, "INVALID_INPUT"),
    (["119.00"], {"allocated_bank_amount": "0"}, {}, 400, "INVALID_INPUT"),
]


@pytest.mark.parametrize(("amounts", "change", "extra", "status", "code"), REFUSALS)
async def test_a_refused_group_leaves_no_trace(
    tenant: Tenant, amounts, change, extra, status, code
):
    s = await setup(tenant)
    txs = [await bank_line(tenant, s, amount, f"RE-1 #{i}") for i, amount in enumerate(amounts)]
    total = str(sum(Decimal(amount) for amount in amounts))
    body = {"allocations": [{**allocation(s["invoice"], total), **change}], **extra}
    before = await journal(tenant)

    response = await tenant.post(
        "/v1/bank-match-groups", {"bank_transaction_ids": [tx["id"] for tx in txs], **body}
    )

    error_details(response, status, code)
    assert await journal(tenant) == before
    assert [await status_of(tenant, tx) for tx in txs] == ["unreconciled"] * len(txs)
    assert (await invoice_of(tenant, s))["remaining_amount"] == 119


async def test_group_refusals_about_the_transactions_and_currencies(tenant: Tenant):
    s = await setup(tenant)
    here = await bank_line(tenant, s, "100.00", "RE-1 Hausbank")
    there = await _two_accounts(tenant, s)
    both = await create_group(tenant, [here, there], [allocation(s["invoice"], "119.00")])
    error_details(both, 400, "BANK_TX_MIXED_BANK_ACCOUNTS")

    dollars = await fx_invoice(tenant, s["party"], "US-1")
    no_document = await create_group(tenant, [here], [allocation(dollars, "100.00")])
    error_details(no_document, 400, "SETTLED_DOCUMENT_AMOUNT_REQUIRED")
    mixed = await create_group(
        tenant,
        [here],
        [allocation(s["invoice"], "50.00"), allocation(dollars, "50.00", "55.00")],
    )
    error_details(mixed, 400, "MIXED_SETTLEMENT_CURRENCY")

    twice = await create_group(tenant, [here, here], [allocation(s["invoice"], "200.00")])
    error_details(twice, 400, "INVALID_INPUT")
    done = await create_group(
        tenant, [here], [allocation(s["invoice"], "100.00")]
    )  # a partial payment
    assert done.status_code == 201, done.text
    again = await create_group(tenant, [here], [allocation(s["invoice"], "19.00")])
    error_details(again, 409, "TX_ALREADY_HANDLED")


async def test_a_group_into_a_locked_period_is_refused(tenant: Tenant):
    s = await setup(tenant)
    tx = await bank_line(tenant, s, "119.00")
    await tenant.post("/v1/periods/2026-03/soft-lock")
    error_details(
        await create_group(tenant, [tx], [allocation(s["invoice"], "119.00")]), 400, "PERIOD_LOCKED"
    )
    assert await status_of(tenant, tx) == "unreconciled"


async def test_an_unknown_group_is_not_found_and_a_malformed_id_is_invalid(tenant: Tenant):
    error_details(await tenant.get(f"/v1/bank-match-groups/{uuid.uuid4()}"), 404, "NOT_FOUND")
    error_details(await tenant.get("/v1/bank-match-groups/kein-uuid"), 400, "INVALID_INPUT")
