"""Our outgoing invoices as e-invoices: a ZUGFeRD PDF that our own reader reads back to the
same invoice, and an XRechnung refused with the master data it lacks named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.bootstrap import Ledger
from ledger.einvoice.read import read_einvoice
from tests.conftest import Tenant, error_details, make_tenant
from tests.http.reconciling import booked_invoice


@pytest.fixture
async def seller(ledger: Ledger, client) -> Tenant:
    """A tenant with a VAT ID, as every e-invoice's seller needs one (BT-31)."""
    return await make_tenant(ledger, client, vat_id="DE136695976")


async def customer_invoice(tenant: Tenant) -> dict:
    customer = await tenant.post(
        "/v1/customers",
        {
            "name": "Kunde Köln GmbH",
            "address": {"street": "Domplatz", "zip": "50667", "city": "Köln", "country": "DE"},
        },
    )
    assert customer.status_code == 201, customer.text
    return await booked_invoice(tenant, customer.json()["id"], "RE-2026-0815")


async def test_a_zugferd_pdf_of_our_invoice_reads_back_to_the_same_invoice(seller: Tenant):
    invoice = await customer_invoice(seller)

    response = await seller.get(f"/v1/outgoing-invoices/{invoice['id']}/e-invoice")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/pdf")
    read = read_einvoice(response.content)
    assert (read.number, read.currency, read.buyer.name, read.profile) == (
        "RE-2026-0815",
        "EUR",
        "Kunde Köln GmbH",
        "en16931",
    )
    assert (read.totals.tax_basis_total, read.totals.tax_total, read.totals.grand_total) == (
        Decimal("100.00"),
        Decimal("19.00"),
        Decimal("119.00"),
    )
    assert [(line.net_amount, line.vat_rate) for line in read.lines] == [
        (Decimal("100.00"), Decimal("19.00"))
    ]


@pytest.mark.parametrize("format_", ["xrechnung-cii", "xrechnung-ubl"])
async def test_an_xrechnung_names_the_master_data_it_lacks(tenant: Tenant, format_: str):
    invoice = await customer_invoice(tenant)

    response = await tenant.get(
        f"/v1/outgoing-invoices/{invoice['id']}/e-invoice", params={"format": format_}
    )

    details = error_details(response, 422, "EINVOICE_INCOMPLETE")
    assert any("BT-10" in problem for problem in details["problems"])


async def test_a_seller_without_vat_id_or_tax_number_cannot_send_e_invoices(tenant: Tenant):
    invoice = await customer_invoice(tenant)
    details = error_details(
        await tenant.get(f"/v1/outgoing-invoices/{invoice['id']}/e-invoice"),
        422,
        "EINVOICE_INCOMPLETE",
    )
    assert details["problems"] == ["BT-31 seller VAT ID or BT-32 tax number (§ 14 UStG)"]
