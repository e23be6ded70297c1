"""The DATEV import over HTTP: DATEV's own sample books, a dry run books nothing, a file with a
row that cannot be booked books nothing at all, importing twice books once — and exporting
books to DATEV and importing them into fresh books gives the same trial balance."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Tenant, booking, error_details
from tests.http.reconciling import booked_invoice

SAMPLE = (Path(__file__).parents[1] / "fixtures" / "datev" / "EXTF_Buchungsstapel.csv").read_bytes()
MARCH = {"startDate": "2026-03-01", "endDate": "2026-03-31"}


async def import_file(tenant: Tenant, content: bytes, **params):
    return await tenant.client.post(
        "/v1/imports/datev",
        headers=tenant.headers,
        params=params,
        files={"file": ("EXTF_Buchungsstapel.csv", content, "text/csv")},
    )


async def customer(tenant: Tenant, name: str = "Kunde GmbH") -> dict:
    response = await tenant.post("/v1/customers", {"name": name})
    assert response.status_code == 201, response.text
    return response.json()


async def test_datevs_sample_is_booked_after_a_dry_run_and_only_once(skr03_tenant: Tenant):
    assert (await customer(skr03_tenant))["account_number"] == "10000"  # the sample's Debitor

    dry = await import_file(skr03_tenant, SAMPLE, dry_run="true")

    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert (body["dry_run"], body["format_version"], body["total_rows"]) == (True, 9, 2)
    assert body["problems"] == []
    assert [(b["line"], b["status"]) for b in body["bookings"]] == [
        (3, "would_book"),
        (4, "would_book"),
    ]
    first = body["bookings"][0]
    assert [
        (x["account_number"], x["side"], x["amount"], x["tax_code"]) for x in first["lines"]
    ] == [
        ("1200", "credit", 24.95, None),
        ("4940", "debit", 24.95, "VSt7"),
    ]
    assert (await skr03_tenant.get("/v1/journal")).json()["entries"] == []

    booked = (await import_file(skr03_tenant, SAMPLE)).json()
    again = (await import_file(skr03_tenant, SAMPLE)).json()

    assert (booked["booked"], again["booked"], again["already_imported"]) == (2, 0, 2)
    entries = (await skr03_tenant.get("/v1/journal")).json()["entries"]
    assert len(entries) == 4  # two gross rows, each split into net and tax
    revenue = (await skr03_tenant.get("/v1/accounts/8400/entries")).json()
    assert revenue["balance"] == -5000  # 5,950.00 gross at 19 % on the Automatikkonto


async def test_a_row_that_cannot_be_booked_stops_the_whole_file(skr03_tenant: Tenant):
    # Without the customer, account 10000 does not exist: the sample's line 4 cannot book.
    dry = (await import_file(skr03_tenant, SAMPLE, dry_run="true")).json()
    assert [(p["line"], p["column"]) for p in dry["problems"]] == [(4, 7)]

    response = await import_file(skr03_tenant, SAMPLE)

    details = error_details(response, 422, "DATEV_IMPORT_INVALID")
    assert details["problems"][0]["line"] == 4
    assert (await skr03_tenant.get("/v1/journal")).json()["entries"] == []


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "DATEV_FILE_INVALID"),
        (b'"EXTF";700;16;"Debitoren/Kreditoren";5\r\n', "DATEV_FILE_INVALID"),
        (SAMPLE.replace(b';"";"";"";;;"";""\r\n', b';"";"";"04";;;"";""\r\n', 1), "INVALID_INPUT"),
    ],
    ids=["empty", "master-data-file", "skr04-file-into-skr03-books"],
)
async def test_a_file_that_is_not_a_buchungsstapel_for_these_books_is_refused(
    skr03_tenant: Tenant, content: bytes, code: str
):
    error_details(await import_file(skr03_tenant, content), 400, code)


async def export_march(tenant: Tenant) -> bytes:
    response = await tenant.get("/v1/reports/datev-export", params=MARCH)
    assert response.status_code == 200, response.text
    return response.content


async def trial_balance(tenant: Tenant) -> list[tuple]:
    rows = (await tenant.get("/v1/reports", params={"type": "susa", **MARCH})).json()
    return [(r["number"], r["debit_total"], r["credit_total"], r["balance"]) for r in rows]


async def test_exported_books_imported_into_fresh_books_give_the_same_trial_balance(
    tenant: Tenant, other_tenant: Tenant
):
    parties = []
    for books in (tenant, other_tenant):
        response = await books.client.put(
            "/v1/tenant/datev",
            headers=books.headers,
            json={"berater_number": 1001, "mandant_number": 1},
        )
        assert response.status_code == 200, response.text
        parties.append(await customer(books))
    party = parties[0]
    await booked_invoice(tenant, party["id"], "RE-2026-7", invoice_date="2026-03-02")
    for lines in (
        (("1800", "debit", "238.00"), ("4400", "credit", "238.00", "USt19")),
        (("6815", "debit", "119.00", "VSt19"), ("1800", "credit", "119.00")),
        (("5900", "debit", "1000.00", "VSt-igE19"), ("1800", "credit", "1000.00")),
        (("5900", "debit", "500.00", "VSt-13b19"), ("1800", "credit", "500.00")),
        (("1800", "debit", "300.00"), ("4120", "credit", "300.00", "USt0-Ausfuhr")),
        (("1800", "debit", "50.00"), ("4400", "credit", "50.00")),  # no tax: key 40
        (("4400", "debit", "59.50", "USt19"), ("1800", "credit", "59.50")),  # credit note
        (  # one gross line paid from two banks: exported net and tax, as stored
            ("6815", "debit", "119.00", "VSt19"),
            ("1800", "credit", "60.00"),
            ("1810", "credit", "59.00"),
        ),
    ):
        posted = await tenant.post("/v1/bookings", booking(*lines, day="2026-03-10"))
        assert posted.status_code == 201, posted.text

    imported = await import_file(other_tenant, await export_march(tenant))

    assert imported.status_code == 200, imported.text
    assert imported.json()["problems"] == []
    assert await trial_balance(other_tenant) == await trial_balance(tenant)
    vat = [
        (await books.get("/v1/reports/ustva", params={"period": "2026-03"})).json()["figures"]
        for books in (tenant, other_tenant)
    ]
    assert [(f["kz"], f["amount"]) for f in vat[1]] == [(f["kz"], f["amount"]) for f in vat[0]]
