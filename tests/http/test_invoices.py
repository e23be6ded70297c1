"""Invoices over HTTP: outgoing (customers) and incoming (vendors) invoices and credit notes,
totals checked against the lines, linking a journal intent, status, open items, ageing."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from tests.conftest import ShiftedClock, Tenant, booking, error_details

DIRECTIONS = [
    pytest.param(("outgoing-invoices", "customers", "customer", "4400"), id="outgoing"),
    pytest.param(("invoices", "vendors", "vendor", "6815"), id="incoming"),
]


def line(position: int = 1, net: str = "100.00", tax: str = "19.00", gross: str = "119.00"):
    return {
        "position": position,
        "description": f"Leistung {position}",
        "quantity": "2",
        "unit_price": str(float(net) / 2),
        "tax_rate": "0.19",
        "tax_amount": tax,
        "line_total": gross,
    }


def invoice_body(party_key: str, party_id: str, **fields) -> dict:
    return {
        f"{party_key}_id": party_id,
        "invoice_number": f"RE-{uuid.uuid4().hex[:8]}",
        "invoice_date": "2026-03-01",
        "due_date": str(date.today() + timedelta(days=30)),  # not overdue
        "total_net": "100.00",
        "total_tax": "19.00",
        "total_gross": "119.00",
        "type": "invoice",
        "lines": [line()],
        **fields,
    }


async def new_party(tenant: Tenant, parties_path: str) -> dict:
    response = await tenant.post(f"/v1/{parties_path}", {"name": f"P {uuid.uuid4().hex[:6]}"})
    assert response.status_code == 201, response.text
    return response.json()


async def new_intent(tenant: Tenant) -> str:
    body = booking(("1800", "debit", "119.00"), ("4400", "credit", "119.00"))
    body["skip_duplicate_check"] = True
    response = await tenant.post("/v1/bookings", body)
    assert response.status_code == 201, response.text
    return response.json()["intent_id"]


async def record(tenant: Tenant, path: str, body: dict) -> dict:
    response = await tenant.post(f"/v1/{path}", body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("direction", DIRECTIONS)
async def test_an_invoice_is_recorded_as_draft_and_opens_when_an_intent_is_linked(
    tenant: Tenant, direction
):
    path, parties_path, party_key, account = direction
    party = await new_party(tenant, parties_path)
    lines = [
        line(1, "60.00", "11.40", "71.40"),
        {**line(2, "40.00", "7.60", "47.60"), "account_number": account},
    ]
    invoice = await record(tenant, path, invoice_body(party_key, party["id"], lines=lines))

    assert invoice[f"{party_key}_id"] == party["id"]
    assert invoice[f"{party_key}_name"] == party["name"]
    assert (invoice["status"], invoice["remaining_amount"]) == ("draft", 119)
    assert [entry["line_total"] for entry in invoice["lines"]] == [71.4, 47.6]
    assert invoice["lines"][0]["tax_rate"] == 0.19
    assert (await tenant.get(f"/v1/{path}/{invoice['id']}")).json() == invoice

    intent_id = await new_intent(tenant)
    linked = await tenant.patch(f"/v1/{path}/{invoice['id']}", {"intent_id": intent_id})
    assert linked.status_code == 200, linked.text
    assert (linked.json()["status"], linked.json()["intent_id"]) == ("open", intent_id)
    again = await tenant.patch(
        f"/v1/{path}/{invoice['id']}", {"intent_id": await new_intent(tenant)}
    )
    error_details(again, 409, "INTENT_ALREADY_SET")
    error_details(
        await tenant.patch(f"/v1/{path}/{invoice['id']}", {"intent_id": intent_id}),
        400,
        "NO_CHANGES",
    )


@pytest.mark.parametrize("direction", DIRECTIONS)
async def test_the_invoice_number_is_unique_per_party(tenant: Tenant, direction):
    path, parties_path, party_key, _ = direction
    first, second = await new_party(tenant, parties_path), await new_party(tenant, parties_path)
    body = invoice_body(party_key, first["id"], invoice_number="RE-1")
    existing = await record(tenant, path, body)

    response = await tenant.post(f"/v1/{path}", body)
    assert error_details(response, 409, "DUPLICATE_INVOICE_NUMBER") == {
        "existing_id": existing["id"]
    }
    await record(tenant, path, {**body, f"{party_key}_id": second["id"]})


@pytest.mark.parametrize("direction", DIRECTIONS)
async def test_an_unknown_party_is_not_found(tenant: Tenant, direction):
    path, _, party_key, _ = direction
    code = "CUSTOMER_NOT_FOUND" if party_key == "customer" else "VENDOR_NOT_FOUND"
    response = await tenant.post(f"/v1/{path}", invoice_body(party_key, str(uuid.uuid4())))
    error_details(response, 404, code)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"total_gross": "119.01", "total_net": "100.01"}, "total_gross"),
        ({"total_tax": "19.01", "total_net": "99.99"}, "total_tax"),
        ({"total_net": "99.00"}, "total_net"),
        ({"lines": [{**line(), "tax_amount": "18.00", "line_total": "118.00"}]}, "tax_amount"),
        ({"lines": [{**line(), "quantity": "3"}]}, "quantity x unit_price"),
    ],
)
async def test_totals_that_do_not_add_up_are_refused_naming_the_field(
    tenant: Tenant, change: dict, field: str
):
    party = await new_party(tenant, "customers")
    response = await tenant.post(
        "/v1/outgoing-invoices", invoice_body("customer", party["id"], **change)
    )
    assert error_details(response, 400, "INVOICE_TOTALS_MISMATCH")["field"] == field


async def test_a_cent_of_rounding_per_line_is_accepted(tenant: Tenant):
    party = await new_party(tenant, "customers")
    rounded = {**line(), "quantity": "3", "unit_price": "33.3333"}  # 99.9999 -> 100.00
    await record(
        tenant, "outgoing-invoices", invoice_body("customer", party["id"], lines=[rounded])
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"lines": []}, "INVALID_INPUT"),
        ({"due_date": "2026-02-01"}, "INVALID_INPUT"),
        (
            {
                "lines": [line(1), line(1)],
                "total_net": "200.00",
                "total_tax": "38.00",
                "total_gross": "238.00",
            },
            "INVALID_INPUT",
        ),
        ({"lines": [{**line(), "tax_rate": "19"}]}, "INVALID_INPUT"),
        ({"lines": [{**line(), "account_number": "6815"}]}, "INVALID_ACCOUNT_TYPE"),
        ({"lines": [{**line(), "account_number": "99999999"}]}, "ACCOUNT_NOT_FOUND"),
        ({"intent_id": str(uuid.uuid4())}, "INVALID_INPUT"),
        ({"document_id": str(uuid.uuid4())}, "DOCUMENT_NOT_FOUND"),
        ({"type": "refund"}, "INVALID_INPUT"),
    ],
)
async def test_invalid_invoices_are_refused(tenant: Tenant, change: dict, code: str):
    party = await new_party(tenant, "customers")
    response = await tenant.post(
        "/v1/outgoing-invoices", invoice_body("customer", party["id"], **change)
    )
    error_details(response, 400, code)
    assert (await tenant.get("/v1/outgoing-invoices")).json()["total"] == 0


async def test_status_is_overdue_after_the_due_date(tenant: Tenant, clock: ShiftedClock):
    party = await new_party(tenant, "customers")
    today = clock().date()
    body = invoice_body(
        "customer",
        party["id"],
        invoice_date=str(today - timedelta(days=10)),
        due_date=str(today + timedelta(days=5)),
        intent_id=await new_intent(tenant),
    )
    invoice = await record(tenant, "outgoing-invoices", body)
    assert invoice["status"] == "open"

    clock.advance(days=6)
    assert (await tenant.get(f"/v1/outgoing-invoices/{invoice['id']}")).json()[
        "status"
    ] == "overdue"
    overdue = await tenant.get("/v1/outgoing-invoices", params={"status": "overdue"})
    assert [i["id"] for i in overdue.json()["invoices"]] == [invoice["id"]]


async def test_open_items_net_credit_notes_per_customer(tenant: Tenant):
    party = await new_party(tenant, "customers")
    intent = await new_intent(tenant)
    invoice = await record(
        tenant, "outgoing-invoices", invoice_body("customer", party["id"], intent_id=intent)
    )
    credit_lines = [line(1, "20.00", "3.80", "23.80")]
    await record(
        tenant,
        "outgoing-invoices",
        invoice_body(
            "customer",
            party["id"],
            type="credit_note",
            total_net="20.00",
            total_tax="3.80",
            total_gross="23.80",
            lines=credit_lines,
            intent_id=intent,
        ),
    )
    await record(tenant, "outgoing-invoices", invoice_body("customer", party["id"]))  # draft

    items = (await tenant.get("/v1/outgoing-invoices/open-items")).json()["customers"]

    assert len(items) == 1
    group = items[0]
    assert (group["customer_id"], group["account_number"]) == (party["id"], party["account_number"])
    assert (group["total_open"], group["credit_note_total"], group["net_open"]) == (119, 23.8, 95.2)
    assert [i["id"] for i in group["invoices"]] == [invoice["id"]]


async def test_ageing_buckets_by_days_past_due(tenant: Tenant):
    party = await new_party(tenant, "vendors")
    as_of = date(2026, 6, 30)
    for days_past_due in (0, 10, 45, 75, 120):
        due = as_of - timedelta(days=days_past_due)
        await record(
            tenant,
            "invoices",
            invoice_body(
                "vendor",
                party["id"],
                invoice_date=str(due - timedelta(days=14)),
                due_date=str(due),
                intent_id=await new_intent(tenant),
            ),
        )

    ageing = (await tenant.get("/v1/invoices/ageing", params={"as_of": str(as_of)})).json()

    [row] = ageing["rows"]
    assert row["vendor_id"] == party["id"]
    assert [
        row[b] for b in ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
    ] == [
        119,
        119,
        119,
        119,
        119,
    ]
    assert ageing["totals"]["total"] == 595


async def test_patch_changes_notes_and_due_date_and_nothing_else(tenant: Tenant):
    party = await new_party(tenant, "customers")
    invoice = await record(tenant, "outgoing-invoices", invoice_body("customer", party["id"]))
    url = f"/v1/outgoing-invoices/{invoice['id']}"

    changed = await tenant.patch(url, {"notes": "Mahnung 1", "due_date": "2026-04-15"})
    assert (changed.json()["notes"], changed.json()["due_date"]) == ("Mahnung 1", "2026-04-15")
    cleared = await tenant.patch(url, {"notes": None})
    assert cleared.json()["notes"] is None
    error_details(await tenant.patch(url, {"total_gross": "1.00"}), 400, "INVALID_INPUT")
    error_details(await tenant.patch(url, {}), 400, "NO_CHANGES")
    error_details(await tenant.patch(url, {"due_date": "2026-01-01"}), 400, "INVALID_INPUT")


async def test_an_outgoing_invoice_is_not_an_incoming_one(tenant: Tenant):
    party = await new_party(tenant, "customers")
    invoice = await record(tenant, "outgoing-invoices", invoice_body("customer", party["id"]))
    error_details(await tenant.get(f"/v1/invoices/{invoice['id']}"), 404, "NOT_FOUND")
    error_details(await tenant.get("/v1/invoices/not-a-uuid"), 400, "INVALID_INPUT")


# --- book: true ------------------------------------------------------------------------------


async def booked(tenant: Tenant, path: str, body: dict) -> tuple[dict, list[dict]]:
    """Record with `book: true`; the invoice and its intent's journal lines."""
    invoice = await record(tenant, path, {**body, "book": True})
    audit = (await tenant.get(f"/v1/journal/{invoice['intent_id']}")).json()
    pairs = [
        (e["account_debit"], e["account_credit"], e["amount"], e["tax_code"])
        for e in audit["entries"]
    ]
    return invoice, sorted(pairs)


async def test_a_booked_outgoing_invoice_posts_receivable_revenue_and_output_vat(tenant: Tenant):
    party = await new_party(tenant, "customers")
    lines = [
        {**line(1, "60.00", "11.40", "71.40"), "account_number": "4400"},
        {**line(2, "40.00", "7.60", "47.60"), "account_number": "4400"},
    ]
    invoice, pairs = await booked(
        tenant, "outgoing-invoices", invoice_body("customer", party["id"], lines=lines)
    )

    assert invoice["status"] == "open"
    account = party["account_number"]
    assert pairs == [(account, "3806", 19, "USt19"), (account, "4400", 100, "USt19")]
    assert (await tenant.get(f"/v1/customers/{party['id']}")).json()["open_amount"] == 119


async def test_a_booked_incoming_invoice_keeps_the_invoices_own_tax(tenant: Tenant):
    party = await new_party(tenant, "vendors")
    # 3 x 33.3333 = 99.9999 -> net 100.00, tax 19.00: but the vendor wrote 18.99 tax
    odd = {
        **line(),
        "quantity": "3",
        "unit_price": "33.3333",
        "tax_amount": "18.99",
        "line_total": "118.99",
        "account_number": "6815",
    }
    body = invoice_body("vendor", party["id"], lines=[odd], total_tax="18.99", total_gross="118.99")
    _, pairs = await booked(tenant, "invoices", body)

    account = party["account_number"]
    assert pairs == [("1406", account, 18.99, "VSt19"), ("6815", account, 100, "VSt19")]
    assert (await tenant.get(f"/v1/vendors/{party['id']}")).json()["open_amount"] == 118.99


async def test_a_booked_credit_note_books_the_other_way(tenant: Tenant):
    party = await new_party(tenant, "customers")
    body = invoice_body(
        "customer",
        party["id"],
        type="credit_note",
        lines=[{**line(), "account_number": "4400"}],
    )
    _, pairs = await booked(tenant, "outgoing-invoices", body)
    account = party["account_number"]
    assert pairs == [("3806", account, 19, "USt19"), ("4400", account, 100, "USt19")]


async def test_the_default_account_books_lines_without_one(tenant: Tenant):
    response = await tenant.post("/v1/customers", {"name": "Standard", "default_account": "4400"})
    party = response.json()
    _, pairs = await booked(tenant, "outgoing-invoices", invoice_body("customer", party["id"]))
    assert (party["account_number"], "4400", 100, "USt19") in pairs


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({}, "INVALID_INPUT"),  # no account on the line, none on the customer
        (
            {
                "lines": [
                    {
                        **line(),
                        "account_number": "4400",
                        "tax_rate": "0.16",
                        "tax_amount": "16.00",
                        "line_total": "116.00",
                    }
                ],
                "total_tax": "16.00",
                "total_gross": "116.00",
            },
            "INVALID_TAX_CODE",
        ),
        ({"currency": "USD", "lines": [{**line(), "account_number": "4400"}]}, "INVALID_INPUT"),
        ({"intent_id": "x", "lines": [{**line(), "account_number": "4400"}]}, "INVALID_INPUT"),
    ],
)
async def test_an_invoice_that_cannot_be_booked_is_refused_whole(
    tenant: Tenant, change: dict, code: str
):
    party = await new_party(tenant, "customers")
    body = {**invoice_body("customer", party["id"], **change), "book": True}
    error_details(await tenant.post("/v1/outgoing-invoices", body), 400, code)
    assert (await tenant.get("/v1/outgoing-invoices")).json()["total"] == 0
    assert (await tenant.get("/v1/journal")).json()["entries"] == []


async def test_booking_into_a_locked_period_refuses_the_invoice_too(tenant: Tenant):
    party = await new_party(tenant, "customers")
    await tenant.post("/v1/periods/2026-03/soft-lock")
    body = {
        **invoice_body("customer", party["id"], lines=[{**line(), "account_number": "4400"}]),
        "book": True,
    }
    error_details(await tenant.post("/v1/outgoing-invoices", body), 400, "PERIOD_LOCKED")
    assert (await tenant.get("/v1/outgoing-invoices")).json()["total"] == 0


async def test_open_items_carry_the_open_amount_in_eur_beside_the_invoice_currency(
    tenant: Tenant,
):
    party = await new_party(tenant, "customers")
    fx = {
        "currency": "USD",
        "amount": "129.41",
        "rate": "1.0875",
        "rate_date": "2026-03-01",
        "rate_source": "ECB",
    }
    body = booking(
        (party["account_number"], "debit", "119.00"), ("4400", "credit", "119.00"), fx=fx
    )
    intent = (await tenant.post("/v1/bookings", body)).json()["intent_id"]
    usd_line = {**line(1, "108.75", "20.66", "129.41"), "quantity": "1", "unit_price": "108.75"}
    await record(
        tenant,
        "outgoing-invoices",
        invoice_body(
            "customer",
            party["id"],
            currency="USD",
            total_net="108.75",
            total_tax="20.66",
            total_gross="129.41",
            lines=[usd_line],
            intent_id=intent,
        ),
    )

    [group] = (await tenant.get("/v1/outgoing-invoices/open-items")).json()["customers"]
    [item] = group["invoices"]
    assert (item["currency"], item["remaining_amount"]) == ("USD", 129.41)
    assert (item["base_currency"], item["base_amount"]) == ("EUR", 119)
