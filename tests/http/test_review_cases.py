"""Invoice review cases over HTTP: an e-invoice from the inbox waits as a case; approving it
records the incoming invoice and its booking in one go and confirms the inbox item; what is
missing keeps it in correction; duplicates, non-invoices and repeated decisions are refused."""

from __future__ import annotations

import smtplib
import uuid
from pathlib import Path

import anyio.to_thread
import pytest

from api.smtp import start_listener
from tests.conftest import Tenant, error_details
from tests.http.mailing import XRECHNUNG, mail

EINVOICES = Path(__file__).parents[1] / "fixtures" / "einvoice"
LIEFERANT_IBAN = "DE02120300000000202051"  # the XRechnung sample's payee


async def vendor(tenant: Tenant, **fields) -> dict:
    body = {"name": "Lieferant GmbH", "default_account": "6815", **fields}
    response = await tenant.post("/v1/vendors", body)
    assert response.status_code == 201, response.text
    return response.json()


async def case_of_mail(tenant: Tenant, content: bytes, name: str = "rechnung.xml") -> dict:
    response = await tenant.client.post(
        "/v1/inbox",
        headers={**tenant.headers, "Content-Type": "message/rfc822"},
        content=mail((name, content, "application/xml")),
    )
    assert response.status_code == 201, response.text
    inbox_id = response.json()["attachments"][0]["inbox_id"]
    cases = (await tenant.get("/v1/invoice-review-cases")).json()["cases"]
    [case] = [c for c in cases if c["inbox_id"] == inbox_id]
    return case


async def approve(tenant: Tenant, case: dict):
    return await tenant.post(f"/v1/invoice-review-cases/{case['id']}/approve")


async def test_an_approved_case_becomes_a_booked_incoming_invoice(tenant: Tenant):
    supplier = await vendor(tenant, iban=LIEFERANT_IBAN)
    case = await case_of_mail(tenant, XRECHNUNG)
    assert (case["queue_state"], case["vendor_id"], case["problems"]) == (
        "approval",
        supplier["id"],
        [],
    )
    assert [
        (x["net_amount"], x["tax_amount"]) for x in case["normalized_invoice"]["line_items"]
    ] == [
        (198, 37.62),
        (275, 19.25),
    ]

    response = await approve(tenant, case)

    assert response.status_code == 200, response.text
    ids = response.json()
    assert ids["reviewCaseId"] == case["id"]
    invoice = (await tenant.get(f"/v1/invoices/{ids['invoiceId']}")).json()
    assert (invoice["invoice_number"], invoice["total_gross"], invoice["intent_id"]) == (
        "471102",
        529.87,
        ids["intentId"],
    )
    assert (await tenant.get(f"/v1/accounts/{supplier['account_number']}/entries")).json()[
        "balance"
    ] == -529.87
    [item] = (await tenant.get("/v1/inbox", params={"status": "confirmed"})).json()["items"]
    assert item["id"] == case["inbox_id"]
    error_details(await approve(tenant, case), 409, "ALREADY_APPROVED")
    error_details(
        await tenant.post(f"/v1/invoice-review-cases/{case['id']}/reject"), 409, "ALREADY_APPROVED"
    )


async def test_a_case_without_a_vendor_waits_for_correction(tenant: Tenant):
    case = await case_of_mail(tenant, XRECHNUNG)
    assert (case["queue_state"], case["problems"]) == ("correction", ["Kein Lieferant zugeordnet."])
    error_details(await approve(tenant, case), 400, "VENDOR_REQUIRED")
    supplier = await vendor(tenant)
    path = f"/v1/invoice-review-cases/{case['id']}"

    patched = await tenant.client.patch(
        path, headers=tenant.headers, json={"vendor_id": supplier["id"]}
    )

    assert patched.status_code == 200, patched.text
    assert patched.json()["queue_state"] == "approval"
    assert (await approve(tenant, case)).status_code == 200
    error_details(
        await tenant.client.patch(path, headers=tenant.headers, json={"vendor_id": None}),
        409,
        "ALREADY_APPROVED",
    )


async def test_a_second_invoice_with_the_same_number_is_a_suspected_duplicate(tenant: Tenant):
    await vendor(tenant, iban=LIEFERANT_IBAN)
    first = await case_of_mail(tenant, XRECHNUNG)
    assert (await approve(tenant, first)).status_code == 200
    again = (EINVOICES / "zugferd_2p1_EN16931_Einfach.xml").read_bytes()  # same number 471102

    second = await case_of_mail(tenant, again, "kopie.xml")

    assert second["vendor_id"] == first["vendor_id"]  # found by its name this time
    error_details(await approve(tenant, second), 409, "DUPLICATE_SUSPECTED")
    rejected = await tenant.post(
        f"/v1/invoice-review-cases/{second['id']}/reject", {"reason": "Doppelt"}
    )
    assert (rejected.json()["queue_state"], rejected.json()["reason"]) == ("rejected", "Doppelt")
    error_details(
        await tenant.post(f"/v1/invoice-review-cases/{second['id']}/reject"),
        409,
        "ALREADY_REJECTED",
    )


async def test_a_booking_aid_is_an_exception_and_not_approved(tenant: Tenant):
    await vendor(tenant)
    minimum = (EINVOICES / "zugferd_2p1_MINIMUM_Rechnung.xml").read_bytes()
    case = await case_of_mail(tenant, minimum, "minimum.xml")
    assert case["queue_state"] == "exception"
    error_details(await approve(tenant, case), 400, "NOT_AN_INVOICE")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "INVALID_INPUT"),
        ({"vendor_id": str(uuid.uuid4())}, 404, "VENDOR_NOT_FOUND"),
        ({"vendor_id": None}, 400, "NO_CHANGES"),
    ],
)
async def test_a_patch_that_changes_nothing_or_names_no_vendor_is_refused(
    tenant: Tenant, body, status, code
):
    case = await case_of_mail(tenant, XRECHNUNG)
    response = await tenant.client.patch(
        f"/v1/invoice-review-cases/{case['id']}", headers=tenant.headers, json=body
    )
    error_details(response, status, code)


async def test_an_unknown_case_is_not_found(tenant: Tenant):
    error_details(await tenant.get(f"/v1/invoice-review-cases/{uuid.uuid4()}"), 404, "NOT_FOUND")


async def test_an_xrechnung_mailed_to_the_inbox_ends_as_a_booked_invoice(tenant: Tenant):
    """End to end: SMTP listener -> inbox item -> review case -> approved -> booked invoice."""
    supplier = await vendor(tenant, iban=LIEFERANT_IBAN)
    address = (await tenant.get("/v1/inbox/address")).json()["inbox_address"]
    server = await start_listener(tenant.ledger, "127.0.0.1:0")
    port = server.sockets[0].getsockname()[1]
    message = mail(("rechnung.xml", XRECHNUNG, "application/xml"), to=address)

    def send() -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail(
                "rechnung@lieferant.example", [address], message.replace(b"\n", b"\r\n")
            )

    try:
        await anyio.to_thread.run_sync(send)
    finally:
        server.close()
        await server.wait_closed()
    [case] = (await tenant.get("/v1/invoice-review-cases")).json()["cases"]

    approved = await approve(tenant, case)

    assert approved.status_code == 200, approved.text
    invoices = (await tenant.get("/v1/invoices", params={"vendor_id": supplier["id"]})).json()
    assert [(i["invoice_number"], i["total_gross"]) for i in invoices["invoices"]] == [
        ("471102", 529.87)
    ]
