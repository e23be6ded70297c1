"""Payment runs over HTTP: vendor -> invoice booked -> run -> approve -> export -> complete,
the state machine with its refusals, and pain.001 files valid against the ISO XSDs."""

from __future__ import annotations

import importlib.resources
import uuid
from datetime import date, timedelta

import pytest
from lxml import etree

from tests.conftest import Tenant, error_details

VENDOR_IBAN = "DE89370400440532013000"
OWN_IBAN = "DE02120300000000202051"
VERSIONS = ["pain.001.001.03", "pain.001.001.09"]


def xsd(version: str) -> etree.XMLSchema:
    path = importlib.resources.files("sepaxml") / "schemas" / f"{version}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


async def bank_account(tenant: Tenant, version: str = "pain.001.001.03") -> dict:
    body = {
        "name": "Hausbank",
        "iban": OWN_IBAN,
        "bic": "BYLADEM1001",
        "account_number": "1800",
        "sepa_version": version,
    }
    response = await tenant.post("/v1/bank-accounts", body)
    assert response.status_code == 201, response.text
    return response.json()


async def vendor(tenant: Tenant, **fields) -> dict:
    body = {
        "name": f"Lieferant {uuid.uuid4().hex[:6]}",
        "iban": VENDOR_IBAN,
        "address": {
            "street": "Hauptstraße",
            "building_number": "5",
            "zip": "10115",
            "city": "Berlin",
            "country": "DE",
        },
        **fields,
    }
    response = await tenant.post("/v1/vendors", body)
    assert response.status_code == 201, response.text
    return response.json()


async def booked_bill(tenant: Tenant, vendor_id: str, gross: str = "119.00", **fields) -> dict:
    net = f"{float(gross) / 1.19:.2f}"
    tax = f"{float(gross) - float(net):.2f}"
    body = {
        "vendor_id": vendor_id,
        "invoice_number": f"ER-{uuid.uuid4().hex[:8]}",
        "invoice_date": "2026-03-01",
        "total_net": net,
        "total_tax": tax,
        "total_gross": gross,
        "lines": [
            {
                "position": 1,
                "description": "Ware",
                "quantity": "1",
                "unit_price": net,
                "tax_rate": "0.19",
                "tax_amount": tax,
                "line_total": gross,
                "account_number": "6815",
            }
        ],
        "book": True,
        **fields,
    }
    response = await tenant.post("/v1/invoices", body)
    assert response.status_code == 201, response.text
    return response.json()


def run_body(account: dict, *invoices: dict) -> dict:
    return {
        "bank_account_id": account["id"],
        "execution_date": str(date.today() + timedelta(days=2)),
        "invoice_ids": [invoice["id"] for invoice in invoices],
        "label": "Zahllauf KW 48",
    }


async def create_run(tenant: Tenant, body: dict) -> dict:
    response = await tenant.post("/v1/payment-runs", body)
    assert response.status_code == 201, response.text
    return response.json()


async def act(tenant: Tenant, run: dict, action: str):
    return await tenant.post(f"/v1/payment-runs/{run['id']}/{action}")


@pytest.mark.parametrize("version", VERSIONS)
async def test_the_whole_flow_ends_in_a_valid_pain001_file(tenant: Tenant, version: str):
    account = await bank_account(tenant, version)
    supplier = await vendor(tenant, name="Müller & Söhne Großhandel GmbH", bic="COBADEFFXXX")
    bills = [await booked_bill(tenant, supplier["id"], gross) for gross in ("119.00", "59.50")]

    run = await create_run(tenant, run_body(account, *bills))
    assert (run["status"], run["invoice_count"], run["total_amount"]) == ("draft", 2, 178.5)
    assert [item["vendor_iban"] for item in run["items"]] == [VENDOR_IBAN, VENDOR_IBAN]
    assert (await act(tenant, run, "approve")).json()["status"] == "approved"

    exported = await act(tenant, run, "export")

    assert exported.status_code == 200, exported.text
    body = exported.json()
    assert body["run"] == {"id": run["id"], "status": "exported"}
    assert (body["number_of_transactions"], body["control_sum"]) == (2, 178.5)
    assert body["sepa_version"] == version
    document = etree.fromstring(body["sepa_xml"].encode())
    assert xsd(version).validate(document), xsd(version).error_log
    ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:{version}"}
    assert document.findtext(".//p:GrpHdr/p:MsgId", namespaces=ns) == body["message_id"]
    assert document.findtext(".//p:Cdtr/p:Nm", namespaces=ns) == "Mueller + Soehne Grosshandel GmbH"
    assert document.findtext(".//p:Cdtr/p:PstlAdr/p:StrtNm", namespaces=ns) == "Hauptstrasse"
    ids = document.findall(".//p:EndToEndId", namespaces=ns)
    assert [e.text for e in ids] == [item["end_to_end_id"] for item in run["items"]]
    assert len({e.text for e in ids}) == 2
    bic_tag = "BICFI" if version.endswith("09") else "BIC"
    assert (
        document.findtext(f".//p:DbtrAgt/p:FinInstnId/p:{bic_tag}", namespaces=ns) == "BYLADEM1001"
    )

    completed = await act(tenant, run, "complete")
    assert completed.json()["status"] == "completed"
    journal = (await tenant.get("/v1/journal")).json()["entries"]
    assert len(journal) == 4  # the two bills' lines: completing posts nothing


async def test_many_transfers_long_names_and_no_bic_stay_valid(tenant: Tenant):
    account = await bank_account(tenant)
    supplier = await vendor(tenant, name="Ä" * 40 + " Überlange Firmenbezeichnung ß & Co. KG")
    bills = [await booked_bill(tenant, supplier["id"], f"{10 + n}.00") for n in range(25)]
    run = await create_run(tenant, run_body(account, *bills))
    await act(tenant, run, "approve")

    body = (await act(tenant, run, "export")).json()

    document = etree.fromstring(body["sepa_xml"].encode())
    assert xsd("pain.001.001.03").validate(document)
    names = document.findall(".//{*}Cdtr/{*}Nm")
    assert all(len(name.text) <= 70 for name in names)
    assert body["number_of_transactions"] == 25


async def test_the_state_machine_refuses_every_other_transition(tenant: Tenant):
    account = await bank_account(tenant)
    supplier = await vendor(tenant)
    run = await create_run(tenant, run_body(account, await booked_bill(tenant, supplier["id"])))

    for action in ("export", "complete"):
        error_details(await act(tenant, run, action), 409, "INVALID_STATE_TRANSITION")
    await act(tenant, run, "approve")
    for action in ("approve", "complete"):
        error_details(await act(tenant, run, action), 409, "INVALID_STATE_TRANSITION")
    await act(tenant, run, "export")
    for action in ("approve", "export", "cancel"):  # an exported run cannot be cancelled
        error_details(await act(tenant, run, action), 409, "INVALID_STATE_TRANSITION")


async def test_an_invoice_is_in_one_active_run_and_cancelling_frees_it(tenant: Tenant):
    account = await bank_account(tenant)
    bill = await booked_bill(tenant, (await vendor(tenant))["id"])
    first = await create_run(tenant, run_body(account, bill))

    again = await tenant.post("/v1/payment-runs", run_body(account, bill))
    assert error_details(again, 409, "INVOICE_ALREADY_IN_ACTIVE_RUN")["run_id"] == first["id"]
    eligible = (await tenant.get("/v1/payment-runs/eligible-invoices")).json()["invoices"]
    assert bill["id"] not in [invoice["id"] for invoice in eligible]

    assert (await act(tenant, first, "cancel")).json()["status"] == "cancelled"
    await create_run(tenant, run_body(account, bill))


async def test_refusals_when_creating_a_run(tenant: Tenant):
    account = await bank_account(tenant)
    no_iban = await vendor(tenant, iban=None)
    bill = await booked_bill(tenant, no_iban["id"])
    eligible = (await tenant.get("/v1/payment-runs/eligible-invoices")).json()["invoices"]
    assert [invoice["iban_missing"] for invoice in eligible if invoice["id"] == bill["id"]] == [
        True
    ]

    error_details(
        await tenant.post("/v1/payment-runs", run_body(account, bill)), 400, "VENDOR_IBAN_MISSING"
    )
    unknown = {**run_body(account, bill), "invoice_ids": [str(uuid.uuid4())]}
    error_details(await tenant.post("/v1/payment-runs", unknown), 404, "INVOICE_NOT_FOUND")
    no_account = {**run_body(account, bill), "bank_account_id": str(uuid.uuid4())}
    error_details(await tenant.post("/v1/payment-runs", no_account), 404, "BANK_ACCOUNT_NOT_FOUND")
    past = {**run_body(account, bill), "execution_date": "2020-01-01"}
    error_details(await tenant.post("/v1/payment-runs", past), 400, "INVALID_INPUT")
    twice = {**run_body(account, bill), "invoice_ids": [bill["id"], bill["id"]]}
    error_details(await tenant.post("/v1/payment-runs", twice), 400, "INVALID_INPUT")
    assert (await tenant.get("/v1/payment-runs")).json()["total"] == 0


async def test_an_unbooked_invoice_cannot_be_paid(tenant: Tenant):
    account = await bank_account(tenant)
    draft = await booked_bill(tenant, (await vendor(tenant))["id"], book=False)
    response = await tenant.post("/v1/payment-runs", run_body(account, draft))
    error_details(response, 400, "INVALID_INPUT")


async def test_runs_are_listed_newest_first_and_filtered_by_status(tenant: Tenant):
    account = await bank_account(tenant)
    supplier = await vendor(tenant)
    first = await create_run(tenant, run_body(account, await booked_bill(tenant, supplier["id"])))
    second = await create_run(tenant, run_body(account, await booked_bill(tenant, supplier["id"])))
    await act(tenant, first, "cancel")

    listed = (await tenant.get("/v1/payment-runs")).json()
    assert [run["id"] for run in listed["payment_runs"]] == [second["id"], first["id"]]
    drafts = (await tenant.get("/v1/payment-runs", params={"status": "draft"})).json()
    assert [run["id"] for run in drafts["payment_runs"]] == [second["id"]]
    error_details(await tenant.get(f"/v1/payment-runs/{uuid.uuid4()}"), 404, "NOT_FOUND")
