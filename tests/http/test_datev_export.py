"""The DATEV export over HTTP: an EXTF Buchungsstapel (Formatversion 13) whose rows book gross
amounts with the BU-Schlüssel of their tax codes, refused before the first byte when DATEV
would not take it, and the Debitoren/Kreditoren of its accounts in a ZIP on request."""

from __future__ import annotations

import io
import zipfile

import pytest

from ledger.chart import load_chart
from projections.exports.datev_check import check
from tests.conftest import Tenant, booking, error_details
from tests.http.reconciling import booked_invoice

MARCH = {"startDate": "2026-03-01", "endDate": "2026-03-31"}


async def datev_ready(tenant: Tenant) -> None:
    response = await tenant.client.put(
        "/v1/tenant/datev",
        headers=tenant.headers,
        json={"berater_number": 29098, "mandant_number": 55003},
    )
    assert response.status_code == 200, response.text
    assert response.json()["datev"] == {
        "berater_number": 29098,
        "mandant_number": 55003,
        "account_length": 4,
    }


async def post(tenant: Tenant, *lines, **extra) -> dict:
    response = await tenant.post("/v1/bookings", booking(*lines, day="2026-03-10", **extra))
    assert response.status_code == 201, response.text
    return response.json()


AUTOMATIC = frozenset(account.number for account in load_chart("skr04") if account.automatic)


def records(content: bytes) -> list[list[str]]:
    """The file's lines split into fields (no field of these tests holds a `;`), after our
    DATEV checker found nothing wrong with the file."""
    assert check(content, automatic_accounts=AUTOMATIC) == []
    text = content.decode("cp1252")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    return [line.split(";") for line in text.split("\r\n")[:-1]]


def unquote(field: str) -> str:
    return field[1:-1] if field.startswith('"') else field


async def export(tenant: Tenant, **params):
    return await tenant.get("/v1/reports/datev-export", params={**MARCH, **params})


async def test_bookings_become_gross_rows_with_the_bu_key_of_their_tax_code(tenant: Tenant):
    await datev_ready(tenant)
    await post(tenant, ("1800", "debit", "238.00"), ("4400", "credit", "238.00", "USt19"))
    await post(tenant, ("6815", "debit", "119.00", "VSt19"), ("1800", "credit", "119.00"))
    await post(tenant, ("5900", "debit", "1000.00", "VSt-igE19"), ("1800", "credit", "1000.00"))
    await post(
        tenant,
        ("6855", "debit", "4.90"),
        ("1800", "credit", "4.90"),
        external_reference="GEB-03/26",
    )

    response = await export(tenant)

    assert response.status_code == 200, response.text
    head, headings, *rows = records(response.content)
    assert head[:5] == ['"EXTF"', "700", "21", '"Buchungsstapel"', "13"]
    assert (head[10], head[11], head[13], head[14], head[15]) == (
        "29098",
        "55003",
        "4",
        "20260301",
        "20260331",
    )
    assert len(headings) == 125
    assert all(len(row) == 125 for row in rows)
    summary = [
        (row[0], unquote(row[1]), row[6], row[7], unquote(row[8]), row[9], unquote(row[10]))
        for row in rows
    ]
    assert summary == [
        ("238,00", "S", "1800", "4400", "", "1003", ""),  # Automatikkonto: DATEV books the VAT
        ("119,00", "H", "1800", "6815", "9", "1003", ""),
        ("1000,00", "H", "1800", "5900", "19", "1003", ""),  # intra-EU acquisition: both taxes
        ("4,90", "S", "6855", "1800", "", "1003", "GEB-03/26"),
    ]
    journal = (await tenant.get("/v1/journal")).json()["entries"]
    assert {unquote(row[102]) for row in rows} <= {entry["id"] for entry in journal}
    assert {row[113] for row in rows} == {"0"}  # no period is hard-locked


async def test_a_plain_booking_on_an_automatikkonto_switches_its_tax_off(tenant: Tenant):
    await datev_ready(tenant)
    await post(tenant, ("1800", "debit", "50.00"), ("4400", "credit", "50.00"))

    [row] = records((await export(tenant)).content)[2:]

    assert (row[6], row[7], unquote(row[8])) == ("1800", "4400", "40")


async def test_master_data_comes_in_a_zip_with_the_customers_the_batch_books(tenant: Tenant):
    await datev_ready(tenant)
    customer = (
        await tenant.post(
            "/v1/customers",
            {"name": "Kunde Köln GmbH", "iban": "DE89370400440532013000", "vat_id": "DE136695976"},
        )
    ).json()
    await booked_invoice(tenant, customer["id"], "RE-2026-001", invoice_date="2026-03-05")

    response = await export(tenant, master_data="true")

    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert names == [
        "EXTF_Buchungsstapel_20260301_20260331.csv",
        "EXTF_Buchungsstapel_20260301_20260331_Debitoren_Kreditoren.csv",
    ]
    [row] = records(archive.read(names[0]))[2:]
    assert (row[6], unquote(row[10])) == (customer["account_number"], "RE-2026-001")
    head, headings, party = records(archive.read(names[1]))
    assert (head[2], len(headings), len(party)) == ("16", 254, 254)
    assert (party[0], unquote(party[1]), unquote(party[44])) == (
        customer["account_number"],
        "Kunde Köln GmbH",
        "DE89370400440532013000",
    )
    assert (unquote(party[8]), unquote(party[9])) == ("DE", "136695976")


@pytest.mark.parametrize(
    ("setup", "params", "status", "code"),
    [
        ("none", {}, 422, "DATEV_SETTINGS_MISSING"),
        ("bad_reference", {}, 422, "DATEV_EXPORT_INVALID"),
        ("ready", {"endDate": "2027-01-31"}, 400, "INVALID_INPUT"),
        ("ready", {"startDate": "2026-04-01"}, 400, "INVALID_INPUT"),
    ],
)
async def test_an_export_datev_would_not_take_is_refused_before_the_first_byte(
    tenant: Tenant, setup: str, params: dict, status: int, code: str
):
    if setup != "none":
        await datev_ready(tenant)
    if setup == "bad_reference":
        await post(
            tenant,
            ("6855", "debit", "4.90"),
            ("1800", "credit", "4.90"),
            external_reference="Geb. März 2026",
        )

    details = error_details(await export(tenant, **params), status, code)

    if code == "DATEV_EXPORT_INVALID":
        assert details["belegfeld"][0]["value"] == "Geb. März 2026"


async def test_datev_settings_are_checked(tenant: Tenant):
    response = await tenant.client.put(
        "/v1/tenant/datev",
        headers=tenant.headers,
        json={"berater_number": 99, "mandant_number": 1},
    )
    error_details(response, 400, "INVALID_INPUT")
    too_long = await tenant.client.put(
        "/v1/tenant/datev",
        headers=tenant.headers,
        json={"berater_number": 1001, "mandant_number": 1, "account_length": 5},
    )
    error_details(too_long, 400, "INVALID_INPUT")  # customers have five digits, not six


async def test_lines_of_a_hard_locked_period_are_exported_festgeschrieben(tenant: Tenant):
    await datev_ready(tenant)
    await post(tenant, ("6815", "debit", "119.00", "VSt19"), ("1800", "credit", "119.00"))
    requested = await tenant.post("/v1/periods/2026-03/lock")
    assert requested.status_code == 201, requested.text
    approved = await tenant.post(
        f"/v1/periods/2026-03/lock/{requested.json()['request_id']}/approve"
    )
    assert approved.status_code == 200, approved.text

    [row] = records((await export(tenant)).content)[2:]

    assert row[113] == "1"


async def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(tenant: Tenant):
    await datev_ready(tenant)
    await post(
        tenant,
        ("6855", "debit", "4.90"),
        ("1800", "credit", "4.90"),
        description='=HYPERLINK("http://x.test")',
    )

    [row] = records((await export(tenant)).content)[2:]

    assert unquote(row[13]) == '\'=HYPERLINK(""http://x.test"")'
