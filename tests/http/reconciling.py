"""What the reconciliation and match-group tests build on: a bank account, parties with
booked invoices (EUR, or foreign currency through an fx booking), bank lines, and balances."""

from __future__ import annotations

import uuid

from tests.conftest import Tenant, booking

OWN_IBAN = "DE02120300000000202051"


async def booked_invoice(
    tenant: Tenant,
    party_id: str,
    number: str,
    *,
    outgoing: bool = True,
    net: str = "100.00",
    tax: str = "19.00",
    gross: str = "119.00",
    invoice_date: str = "2026-03-01",
    account_number: str = "4400",
) -> dict:
    """A booked invoice with one line at 19 %: outgoing to a customer or incoming from a vendor."""
    response = await tenant.post(
        "/v1/outgoing-invoices" if outgoing else "/v1/invoices",
        {
            "customer_id" if outgoing else "vendor_id": party_id,
            "invoice_number": number,
            "invoice_date": invoice_date,
            "total_net": net,
            "total_tax": tax,
            "total_gross": gross,
            "type": "invoice",
            "book": True,
            "lines": [
                {
                    "position": 1,
                    "description": "Leistung",
                    "quantity": "1",
                    "unit_price": net,
                    "tax_rate": "0.19",
                    "tax_amount": tax,
                    "line_total": gross,
                    "account_number": account_number,
                }
            ],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def setup(tenant: Tenant, kind: str = "customers") -> dict:
    """A bank account on 1800, a party, and a booked invoice of 119.00 for it."""
    account = await tenant.post(
        "/v1/bank-accounts", {"name": "Hausbank", "iban": OWN_IBAN, "account_number": "1800"}
    )
    party = (await tenant.post(f"/v1/{kind}", {"name": f"P {uuid.uuid4().hex[:6]}"})).json()
    outgoing = kind == "customers"
    invoice = await booked_invoice(
        tenant,
        party["id"],
        "RE-1",
        outgoing=outgoing,
        account_number="4400" if outgoing else "6815",
    )
    return {"bank": account.json(), "party": party, "invoice": invoice}


async def bank_line(tenant: Tenant, setup_: dict, amount: str, reference: str = "RE-1") -> dict:
    body = {
        "bank_account_id": setup_["bank"]["id"],
        "transactions": [{"tx_date": "2026-03-10", "amount": amount, "reference": reference}],
    }
    assert (await tenant.post("/v1/bank-transactions", body)).status_code == 201
    listed = (await tenant.get("/v1/bank-transactions", params={"search": reference})).json()
    return listed["transactions"][0]


async def reconcile(tenant: Tenant, tx: dict, **body):
    return await tenant.post(f"/v1/bank-transactions/{tx['id']}/reconcile", body)


async def balance(tenant: Tenant, account: str) -> float:
    return (await tenant.get(f"/v1/accounts/{account}/entries")).json()["balance"]


async def invoice_of(tenant: Tenant, setup_: dict, path: str = "outgoing-invoices") -> dict:
    return (await tenant.get(f"/v1/{path}/{setup_['invoice']['id']}")).json()


async def fx_invoice(
    tenant: Tenant,
    party: dict,
    number: str,
    *,
    amount: str = "1190.00",
    eur: str = "1081.82",
    rate: str = "1.1",
    currency: str = "USD",
    outgoing: bool = True,
) -> dict:
    """A foreign-currency invoice without VAT (an export, or a service from abroad), booked
    in EUR through an fx booking at `rate` (`eur` = amount / rate) and linked to it."""
    account = party["account_number"]
    lines = (
        ((account, "debit", eur), ("4120", "credit", eur))
        if outgoing
        else (("5900", "debit", eur), (account, "credit", eur))
    )
    fx = {
        "currency": currency,
        "amount": amount,
        "rate": rate,
        "rate_date": "2026-03-01",
        "rate_source": "ECB",
    }
    posted = await tenant.post("/v1/bookings", booking(*lines, day="2026-03-01", fx=fx))
    assert posted.status_code == 201, posted.text
    response = await tenant.post(
        "/v1/outgoing-invoices" if outgoing else "/v1/invoices",
        {
            "customer_id" if outgoing else "vendor_id": party["id"],
            "invoice_number": number,
            "invoice_date": "2026-03-01",
            "currency": currency,
            "total_net": amount,
            "total_tax": "0.00",
            "total_gross": amount,
            "type": "invoice",
            "intent_id": posted.json()["intent_id"],
            "lines": [
                {
                    "position": 1,
                    "description": "Export",
                    "quantity": "1",
                    "unit_price": amount,
                    "tax_rate": "0",
                    "tax_amount": "0.00",
                    "line_total": amount,
                }
            ],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()
