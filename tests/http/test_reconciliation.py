"""Reconciliation over HTTP: a bank line linked to the intent that booked it, or settling a
customer's or vendor's open invoice with a settlement intent; unmatch reverses it, and
reconcile -> unmatch -> reconcile again leaves the balances exactly as expected."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import Tenant, booking, error_details
from tests.http.reconciling import (
    balance,
    bank_line,
    booked_invoice,
    fx_invoice,
    invoice_of,
    reconcile,
    setup,
)


async def test_a_payment_settles_the_customers_invoice_and_unmatch_reopens_it(tenant: Tenant):
    s = await setup(tenant)
    account = s["party"]["account_number"]
    tx = await bank_line(tenant, s, "119.00")

    done = await reconcile(
        tenant,
        tx,
        intent_id=s["invoice"]["intent_id"],
        candidate_kind="open_receivable",
        open_item_account=account,
    )

    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["ok"], body["mode"], body["transaction"]["status"]) == (
        True,
        "settled",
        "reconciled",
    )
    assert (await balance(tenant, account), await balance(tenant, "1800")) == (0, 119)
    invoice = await invoice_of(tenant, s)
    assert (invoice["status"], invoice["remaining_amount"]) == ("paid", 0)
    again = await reconcile(
        tenant,
        tx,
        intent_id=s["invoice"]["intent_id"],
        candidate_kind="open_receivable",
        open_item_account=account,
    )
    error_details(again, 409, "TX_ALREADY_HANDLED")

    undone = await tenant.post(f"/v1/bank-transactions/{tx['id']}/unmatch")

    assert undone.status_code == 200, undone.text
    assert undone.json()["reversal_intent_id"] is not None
    assert undone.json()["transaction"]["status"] == "unreconciled"
    assert (await balance(tenant, account), await balance(tenant, "1800")) == (119, 0)
    assert (await invoice_of(tenant, s))["remaining_amount"] == 119

    redone = await reconcile(
        tenant,
        tx,
        intent_id=s["invoice"]["intent_id"],
        candidate_kind="open_receivable",
        open_item_account=account,
    )
    assert redone.status_code == 200, redone.text
    assert (await balance(tenant, account), await balance(tenant, "1800")) == (0, 119)
    journal = (await tenant.get("/v1/journal")).json()["entries"]
    assert len(journal) == 2 + 3  # the invoice, settlement, reversal, settlement again


async def test_a_partial_payment_leaves_the_invoice_partially_paid(tenant: Tenant):
    s = await setup(tenant)
    tx = await bank_line(tenant, s, "19.00")
    await reconcile(
        tenant,
        tx,
        intent_id=s["invoice"]["intent_id"],
        candidate_kind="open_receivable",
        open_item_account=s["party"]["account_number"],
    )
    invoice = await invoice_of(tenant, s)
    assert (invoice["remaining_amount"], invoice["status"]) == (100, "partially_paid")


async def test_a_vendor_payment_settles_the_bill(tenant: Tenant):
    s = await setup(tenant, "vendors")
    tx = await bank_line(tenant, s, "-119.00")
    done = await reconcile(
        tenant,
        tx,
        intent_id=s["invoice"]["intent_id"],
        candidate_kind="open_liability",
        open_item_account=s["party"]["account_number"],
    )
    assert done.status_code == 200, done.text
    assert (await invoice_of(tenant, s, "invoices"))["status"] == "paid"
    assert await balance(tenant, "1800") == -119


async def test_a_bank_booking_is_linked_without_a_posting(tenant: Tenant):
    s = await setup(tenant)
    posted = await tenant.post(
        "/v1/bookings", booking(("6815", "debit", "20.00"), ("1800", "credit", "20.00"))
    )
    tx = await bank_line(tenant, s, "-20.00", "Porto")

    done = await reconcile(
        tenant, tx, intent_id=posted.json()["intent_id"], candidate_kind="bank_booking"
    )

    assert done.status_code == 200, done.text
    assert (done.json()["mode"], done.json()["settlement_intent_id"]) == ("linked", None)
    assert len((await tenant.get("/v1/journal")).json()["entries"]) == 3
    undone = await tenant.post(f"/v1/bank-transactions/{tx['id']}/unmatch")
    assert undone.json()["reversal_intent_id"] is None


@pytest.mark.parametrize(
    ("amount", "body", "status", "code"),
    [
        ("-119.00", {"candidate_kind": "open_receivable"}, 400, "DIRECTION_MISMATCH"),
        ("150.00", {"candidate_kind": "open_receivable"}, 400, "SETTLEMENT_EXCEEDS_OPEN_AMOUNT"),
        (
            "119.00",
            {"candidate_kind": "open_receivable", "open_item_account": "1200"},
            404,
            "TARGET_NOT_FOUND",
        ),
        (
            "119.00",
            {"candidate_kind": "open_receivable", "intent_id": str(uuid.uuid4())},
            404,
            "TARGET_NOT_FOUND",
        ),
        ("119.00", {"candidate_kind": "bank_booking"}, 400, "INVALID_INPUT"),
    ],
)
async def test_reconcile_refusals_leave_no_trace(tenant: Tenant, amount, body, status, code):
    s = await setup(tenant)
    tx = await bank_line(tenant, s, amount)
    request = {
        "intent_id": s["invoice"]["intent_id"],
        "open_item_account": s["party"]["account_number"],
        **body,
    }
    before = (await tenant.get("/v1/journal")).json()["entries"]
    error_details(await reconcile(tenant, tx, **request), status, code)
    assert (await tenant.get("/v1/journal")).json()["entries"] == before
    assert (await tenant.get(f"/v1/bank-transactions/{tx['id']}")).json()[
        "status"
    ] == "unreconciled"


async def test_a_settlement_into_a_locked_period_is_refused(tenant: Tenant):
    s = await setup(tenant)
    tx = await bank_line(tenant, s, "119.00")
    await tenant.post("/v1/periods/2026-03/soft-lock")
    response = await reconcile(
        tenant,
        tx,
        intent_id=s["invoice"]["intent_id"],
        candidate_kind="open_receivable",
        open_item_account=s["party"]["account_number"],
    )
    error_details(response, 400, "PERIOD_LOCKED")


async def test_unmatching_an_open_transaction_is_invalid_and_a_dismissed_one_reopens(
    tenant: Tenant,
):
    s = await setup(tenant)
    tx = await bank_line(tenant, s, "0.00", "Abschluss")
    error_details(
        await tenant.post(f"/v1/bank-transactions/{tx['id']}/unmatch"), 400, "INVALID_INPUT"
    )
    await tenant.post(f"/v1/bank-transactions/{tx['id']}/dismiss")
    reopened = await tenant.post(f"/v1/bank-transactions/{tx['id']}/unmatch")
    assert reopened.json()["transaction"]["status"] == "unreconciled"


async def test_batch_reconcile_books_what_it_can_and_names_each_refused_pair(tenant: Tenant):
    s = await setup(tenant)
    paid = await bank_line(tenant, s, "19.00", "RE-1 Teil 1")
    wrong_way = await bank_line(tenant, s, "-5.00", "RE-1 falsch")
    pair = {
        "intent_id": s["invoice"]["intent_id"],
        "candidate_kind": "open_receivable",
        "open_item_account": s["party"]["account_number"],
    }

    response = await tenant.post(
        "/v1/bank-transactions/batch-reconcile",
        {
            "pairs": [
                {**pair, "bank_transaction_id": paid["id"]},
                {**pair, "bank_transaction_id": wrong_way["id"]},
                {**pair, "bank_transaction_id": str(uuid.uuid4())},
            ]
        },
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reconciled"] == 1
    assert [(e["index"], e["code"]) for e in body["errors"]] == [
        (1, "DIRECTION_MISMATCH"),
        (2, "NOT_FOUND"),
    ]
    assert (await invoice_of(tenant, s))["remaining_amount"] == 100


async def test_suggestions_rank_the_invoice_named_in_the_reference_first(tenant: Tenant):
    s = await setup(tenant)
    other = (await tenant.post("/v1/customers", {"name": "Andere GmbH"})).json()
    await booked_invoice(tenant, other["id"], "RE-2")
    tx = await bank_line(tenant, s, "119.00", "Zahlung RE-1 danke")

    response = await tenant.get(
        "/v1/bank-transactions/suggestions", params={"bank_account_id": s["bank"]["id"]}
    )

    assert response.status_code == 200, response.text
    mine = [x for x in response.json()["suggestions"] if x["bank_transaction_id"] == tx["id"]]
    assert mine[0]["ledger_intent_id"] == s["invoice"]["intent_id"]
    assert mine[0]["candidate_kind"] == "open_receivable"
    assert mine[0]["open_item_account"] == s["party"]["account_number"]
    assert {"invoice_number_in_reference", "amount_exact"} <= set(mine[0]["match_reasons"])
    assert mine[0]["match_score"] > mine[1]["match_score"]  # the decoy: same amount only
    follow = await reconcile(
        tenant,
        tx,
        intent_id=mine[0]["ledger_intent_id"],
        candidate_kind=mine[0]["candidate_kind"],
        open_item_account=mine[0]["open_item_account"],
    )
    assert follow.status_code == 200, follow.text
    after = await tenant.get(
        "/v1/bank-transactions/suggestions", params={"bank_account_id": s["bank"]["id"]}
    )
    assert after.json()["suggestions"] == []


async def test_suggestions_offer_the_booking_that_booked_the_bank_line(tenant: Tenant):
    s = await setup(tenant)
    posted = await tenant.post(
        "/v1/bookings",
        booking(("6815", "debit", "20.00"), ("1800", "credit", "20.00"), day="2026-03-09"),
    )
    tx = await bank_line(tenant, s, "-20.00", "Porto")
    found = (
        await tenant.get(
            "/v1/bank-transactions/suggestions", params={"bank_account_id": s["bank"]["id"]}
        )
    ).json()["suggestions"]
    [top] = [x for x in found if x["bank_transaction_id"] == tx["id"]]
    assert (top["ledger_intent_id"], top["candidate_kind"]) == (
        posted.json()["intent_id"],
        "bank_booking",
    )
    missing = {"bank_account_id": str(uuid.uuid4())}
    error_details(
        await tenant.get("/v1/bank-transactions/suggestions", params=missing), 404, "NOT_FOUND"
    )


async def test_the_reconciliation_view_shows_both_sides(tenant: Tenant):
    s = await setup(tenant)
    paid = await bank_line(tenant, s, "119.00")
    await bank_line(tenant, s, "-5.00", "Gebühr")
    await reconcile(
        tenant,
        paid,
        intent_id=s["invoice"]["intent_id"],
        candidate_kind="open_receivable",
        open_item_account=s["party"]["account_number"],
    )
    other = (await tenant.post("/v1/customers", {"name": "Offen GmbH"})).json()
    await booked_invoice(
        tenant,
        other["id"],
        "RE-9",
        net="50.00",
        tax="9.50",
        gross="59.50",
        invoice_date="2026-03-05",
    )

    view = await tenant.get(f"/v1/bank-accounts/{s['bank']['id']}/reconciliation")

    assert view.status_code == 200, view.text
    body = view.json()
    assert (body["ledger"], body["bank"], body["unmatched_ledger"]) == (
        {"amount": 119},
        {"amount": 114},
        {"amount": 0},
    )
    assert (body["open_count"], body["reconciled_count"]) == (1, 1)
    assert [t["amount"] for t in body["open_transactions"]] == [-5]
    assert [i["invoice_number"] for i in body["open_items"]] == ["RE-9"]
    assert (body["open_items"][0]["base_amount"], body["open_items"][0]["base_currency"]) == (
        59.5,
        "EUR",
    )
    error_details(
        await tenant.get(f"/v1/bank-accounts/{uuid.uuid4()}/reconciliation"), 404, "NOT_FOUND"
    )


async def test_without_open_item_account_the_items_one_account_is_taken(tenant: Tenant):
    s = await setup(tenant)
    tx = await bank_line(tenant, s, "119.00")
    done = await reconcile(
        tenant, tx, intent_id=s["invoice"]["intent_id"], candidate_kind="open_receivable"
    )
    assert done.status_code == 200, done.text
    assert await balance(tenant, s["party"]["account_number"]) == 0


async def test_an_intent_with_items_on_two_accounts_is_ambiguous_without_an_account(
    tenant: Tenant,
):
    s = await setup(tenant)
    first = s["party"]
    second = (await tenant.post("/v1/customers", {"name": "Zweite GmbH"})).json()
    both = await tenant.post(
        "/v1/bookings",
        booking(
            (first["account_number"], "debit", "50.00"),
            (second["account_number"], "debit", "60.00"),
            ("4120", "credit", "110.00"),
        ),
    )
    for party, number, amount in ((first, "SAM-1", "50.00"), (second, "SAM-2", "60.00")):
        recorded = await tenant.post(
            "/v1/outgoing-invoices",
            {
                "customer_id": party["id"],
                "invoice_number": number,
                "invoice_date": "2026-03-01",
                "total_net": amount,
                "total_tax": "0.00",
                "total_gross": amount,
                "type": "invoice",
                "intent_id": both.json()["intent_id"],
                "lines": [
                    {
                        "position": 1,
                        "description": "Teil",
                        "quantity": "1",
                        "unit_price": amount,
                        "tax_rate": "0",
                        "tax_amount": "0.00",
                        "line_total": amount,
                    }
                ],
            },
        )
        assert recorded.status_code == 201, recorded.text
    tx = await bank_line(tenant, s, "60.00", "SAM-2")
    target = {"intent_id": both.json()["intent_id"], "candidate_kind": "open_receivable"}

    details = error_details(await reconcile(tenant, tx, **target), 409, "TARGET_AMBIGUOUS")

    assert details["accounts"] == sorted([first["account_number"], second["account_number"]])
    named = await reconcile(tenant, tx, **target, open_item_account=second["account_number"])
    assert named.status_code == 200, named.text
    assert await balance(tenant, second["account_number"]) == 0


@pytest.mark.parametrize(
    ("kind", "paid", "fx_account", "fx_balance"),
    [
        ("customers", "1100.00", "4840", -18.18),  # more EUR in than carried: a gain
        ("customers", "1050.00", "6880", 31.82),  # less EUR in: a loss
        ("vendors", "-1100.00", "6880", 18.18),  # more EUR out than carried: a loss
    ],
)
async def test_a_foreign_currency_item_is_settled_whole_with_the_realized_fx_difference(
    tenant: Tenant, kind, paid, fx_account, fx_balance
):
    s = await setup(tenant, kind)
    invoice = await fx_invoice(tenant, s["party"], "US-1", outgoing=kind == "customers")
    tx = await bank_line(tenant, s, paid, "US-1")
    account = s["party"]["account_number"]
    carried = await balance(tenant, account)

    done = await reconcile(
        tenant,
        tx,
        intent_id=invoice["intent_id"],
        candidate_kind="open_receivable" if kind == "customers" else "open_liability",
    )

    assert done.status_code == 200, done.text
    assert done.json()["mode"] == "settled_fx"
    assert await balance(tenant, fx_account) == fx_balance
    assert abs(carried - await balance(tenant, account)) == 1081.82  # the whole EUR value
    path = "outgoing-invoices" if kind == "customers" else "invoices"
    settled = (await tenant.get(f"/v1/{path}/{invoice['id']}")).json()
    assert (settled["status"], settled["remaining_amount"]) == ("paid", 0)
    undone = await tenant.post(f"/v1/bank-transactions/{tx['id']}/unmatch")
    assert undone.status_code == 200, undone.text
    assert (await balance(tenant, fx_account), await balance(tenant, account)) == (0, carried)


async def test_a_partial_payment_of_a_foreign_currency_item_is_refused_one_to_one(tenant: Tenant):
    s = await setup(tenant)
    invoice = await fx_invoice(tenant, s["party"], "US-1")
    tx = await bank_line(tenant, s, "500.00", "US-1 Teilzahlung")
    before = (await tenant.get("/v1/journal")).json()["entries"]

    response = await reconcile(
        tenant, tx, intent_id=invoice["intent_id"], candidate_kind="open_receivable"
    )

    details = error_details(response, 400, "FX_DIFFERENCE_TOO_LARGE")
    assert details["eur_value"] == "1081.82"
    assert (await tenant.get("/v1/journal")).json()["entries"] == before


async def test_a_booking_accounts_for_one_bank_transaction_only(tenant: Tenant):
    s = await setup(tenant)
    posted = await tenant.post(
        "/v1/bookings", booking(("6815", "debit", "20.00"), ("1800", "credit", "20.00"))
    )
    first = await bank_line(tenant, s, "-20.00", "Porto März")
    second = await bank_line(tenant, s, "-20.00", "Porto April")
    target = {"intent_id": posted.json()["intent_id"], "candidate_kind": "bank_booking"}
    assert (await reconcile(tenant, first, **target)).status_code == 200

    details = error_details(await reconcile(tenant, second, **target), 409, "TARGET_ALREADY_LINKED")

    assert details["bank_transaction_id"] == first["id"]
    await tenant.post(f"/v1/bank-transactions/{first['id']}/unmatch")
    assert (await reconcile(tenant, second, **target)).status_code == 200


async def test_a_foreign_currency_invoice_is_suggested_at_its_eur_value(tenant: Tenant):
    s = await setup(tenant)
    invoice = await fx_invoice(tenant, s["party"], "US-7")
    tx = await bank_line(tenant, s, "1081.82", "Payment US-7")

    found = await tenant.get(
        "/v1/bank-transactions/suggestions", params={"bank_account_id": s["bank"]["id"]}
    )

    [top, *_] = [x for x in found.json()["suggestions"] if x["bank_transaction_id"] == tx["id"]]
    assert (top["ledger_intent_id"], top["ledger_amount"]) == (invoice["intent_id"], 1081.82)
    assert "amount_exact" in top["match_reasons"]


async def test_a_transaction_in_another_currency_cannot_be_settled(tenant: Tenant):
    s = await setup(tenant)
    dollars = await tenant.post(
        "/v1/bank-accounts",
        {
            "name": "Dollarkonto",
            "iban": "DE89370400440532013000",
            "account_number": "1810",
            "currency": "USD",
        },
    )
    assert dollars.status_code == 201, dollars.text
    body = {
        "bank_account_id": dollars.json()["id"],
        "transactions": [
            {"tx_date": "2026-03-10", "amount": "119.00", "currency": "USD", "reference": "RE-1"}
        ],
    }
    assert (await tenant.post("/v1/bank-transactions", body)).json()["imported"] == 1
    [tx] = (await tenant.get("/v1/bank-transactions")).json()["transactions"]
    response = await reconcile(
        tenant, tx, intent_id=s["invoice"]["intent_id"], candidate_kind="open_receivable"
    )
    error_details(response, 422, "UNSUPPORTED_SETTLEMENT_CURRENCY")
    group = await tenant.post(
        "/v1/bank-match-groups",
        {
            "bank_transaction_ids": [tx["id"]],
            "allocations": [
                {
                    "intent_id": s["invoice"]["intent_id"],
                    "candidate_kind": "open_receivable",
                    "allocated_bank_amount": "119.00",
                }
            ],
        },
    )
    error_details(group, 422, "UNSUPPORTED_SETTLEMENT_CURRENCY")


async def test_a_settlement_is_undone_by_unmatching_not_by_a_journal_reversal(tenant: Tenant):
    s = await setup(tenant)
    tx = await bank_line(tenant, s, "119.00")
    done = await reconcile(
        tenant, tx, intent_id=s["invoice"]["intent_id"], candidate_kind="open_receivable"
    )
    settlement = done.json()["settlement_intent_id"]

    refused = await tenant.post(
        "/v1/journal/reverse",
        {"intent_id": settlement, "reason": "falsch", "posting_mode": "original_period"},
    )

    error_details(refused, 409, "RECONCILED_SETTLEMENT")
    assert (await invoice_of(tenant, s))["status"] == "paid"
    assert (await tenant.post(f"/v1/bank-transactions/{tx['id']}/unmatch")).status_code == 200
