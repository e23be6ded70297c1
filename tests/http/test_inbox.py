"""The invoice inbox over HTTP and SMTP: a mail's attachments become inbox items with what
extraction read, the vendor it matches and its § 14 UStG check; files it does not take are
named in the ingestion log; the same file twice lands once; items are confirmed or rejected
once; the SMTP listener takes mail for a tenant's inbox address only."""

from __future__ import annotations

import smtplib
import uuid

import anyio.to_thread

from api.smtp import start_listener
from tests.conftest import Tenant, error_details
from tests.http.mailing import PNG_1X1, XRECHNUNG, mail


async def post_mail(tenant: Tenant, raw: bytes):
    return await tenant.client.post(
        "/v1/inbox",
        headers={**tenant.headers, "Content-Type": "message/rfc822"},
        content=raw,
    )


async def items(tenant: Tenant, status: str = "pending") -> list[dict]:
    response = await tenant.get("/v1/inbox", params={"status": status})
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_a_mail_becomes_inbox_items_and_a_log_entry(tenant: Tenant):
    # The sample's VAT ID fails its check digit, so its IBAN finds the vendor.
    vendor = await tenant.post(
        "/v1/vendors", {"name": "Lieferant GmbH", "iban": "DE02120300000000202051"}
    )
    assert vendor.status_code == 201, vendor.text
    raw = mail(
        ("rechnung.xml", XRECHNUNG, "application/xml"),
        ("kopie.xml", XRECHNUNG, "application/xml"),
        ("scan.png", PNG_1X1, "image/png"),
        ("agb.txt", b"Allgemeine Geschaeftsbedingungen", "text/plain"),
    )

    response = await post_mail(tenant, raw)

    assert response.status_code == 201, response.text
    log = response.json()
    assert (log["outcome"], log["sender"], log["subject"]) == (
        "partly_accepted",
        "rechnung@lieferant.example",
        "Rechnung 471102",
    )
    assert [(a["name"], a["outcome"]) for a in log["attachments"]] == [
        ("rechnung.xml", "accepted"),
        ("kopie.xml", "duplicate"),
        ("scan.png", "accepted"),
        ("agb.txt", "rejected_type"),
    ]
    [item] = await items(tenant)
    assert (item["original_name"], item["ocr_extraction"]["invoice_number"]) == (
        "rechnung.xml",
        "471102",
    )
    match = item["vendor_match"]
    assert (match["status"], match["vendor_id"], match["match_method"]) == (
        "matched",
        vendor.json()["id"],
        "iban",
    )
    assert item["compliance_check"]["is_invoice"] is True
    detail = (await tenant.get(f"/v1/inbox/{item['id']}")).json()
    assert detail["ocr_raw"].startswith("# Rechnung 471102")
    [scan] = await items(tenant, "exception")
    assert "OCR" in scan["reason"] or "ocr" in scan["reason"].lower()
    logged = (await tenant.get("/v1/payables/ingestion-log")).json()
    assert [entry["id"] for entry in logged["entries"]] == [log["id"]]


async def test_the_same_file_in_a_later_mail_lands_once(tenant: Tenant):
    first = await post_mail(tenant, mail(("r.xml", XRECHNUNG, "application/xml")))
    again = await post_mail(tenant, mail(("r2.xml", XRECHNUNG, "application/xml")))

    assert (first.json()["outcome"], again.json()["outcome"]) == ("accepted", "rejected")
    assert again.json()["attachments"][0]["outcome"] == "duplicate"
    assert len(await items(tenant)) == 1


async def test_an_item_is_confirmed_or_rejected_once(tenant: Tenant):
    await post_mail(tenant, mail(("r.xml", XRECHNUNG, "application/xml")))
    [item] = await items(tenant)

    confirmed = await tenant.post(f"/v1/inbox/{item['id']}/confirm")

    assert confirmed.json() == {"confirmed": True, "inbox_id": item["id"]}
    error_details(await tenant.post(f"/v1/inbox/{item['id']}/confirm"), 409, "ALREADY_CONFIRMED")
    error_details(await tenant.post(f"/v1/inbox/{item['id']}/reject"), 409, "ALREADY_CONFIRMED")
    [kept] = await items(tenant, "confirmed")
    assert kept["resolved_at"] is not None
    error_details(await tenant.post(f"/v1/inbox/{uuid.uuid4()}/reject"), 404, "NOT_FOUND")


async def test_a_mail_without_anything_to_take_is_logged_as_rejected(tenant: Tenant):
    response = await post_mail(tenant, mail())
    assert (response.json()["outcome"], response.json()["reason"]) == (
        "rejected",
        "The mail has no attachments.",
    )
    error_details(await post_mail(tenant, b"not a mail"), 400, "MAIL_INVALID")


async def test_the_smtp_listener_takes_mail_for_inbox_addresses_only(tenant: Tenant):
    address = (await tenant.get("/v1/inbox/address")).json()["inbox_address"]
    assert (await tenant.get("/v1/inbox/address")).json()["inbox_address"] == address
    server = await start_listener(tenant.ledger, "127.0.0.1:0")
    port = server.sockets[0].getsockname()[1]

    def send(to: str) -> dict:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            return client.sendmail(
                "rechnung@lieferant.example",
                [to],
                # SMTP wants CR LF line ends; smtplib leaves bytes as they are.
                mail(("rechnung.xml", XRECHNUNG, "application/xml"), to=to).replace(b"\n", b"\r\n"),
            )

    try:
        await anyio.to_thread.run_sync(send, address)
        refused = None
        try:
            await anyio.to_thread.run_sync(send, "nobody@" + address.split("@")[1])
        except smtplib.SMTPRecipientsRefused as error:
            refused = error
    finally:
        server.close()
        await server.wait_closed()

    assert refused is not None
    [item] = await items(tenant)
    assert item["source_email"] == "rechnung@lieferant.example"
    logged = (await tenant.get("/v1/payables/ingestion-log")).json()["entries"]
    assert [(e["received_via"], e["recipient"]) for e in logged] == [("smtp", address)]


EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol2;</Invoice>"""


async def test_hostile_attachments_are_kept_out_or_kept_as_exceptions(tenant: Tenant):
    raw = mail(
        ("eicar.com", EICAR, "application/octet-stream"),
        ("bomb.xml", XML_BOMB, "application/xml"),
        ("eicar.pdf", b"%PDF-1.4\n" + EICAR + b"\n%%EOF", "application/pdf"),
    )

    response = await post_mail(tenant, raw)

    assert response.status_code == 201, response.text
    assert [(a["name"], a["outcome"]) for a in response.json()["attachments"]] == [
        ("eicar.com", "rejected_type"),
        ("bomb.xml", "accepted"),
        ("eicar.pdf", "accepted"),
    ]
    exceptions = {
        item["original_name"]: item["reason"] for item in await items(tenant, "exception")
    }
    assert set(exceptions) == {"bomb.xml", "eicar.pdf"}
    assert "DTD" in exceptions["bomb.xml"]
