"""The GDPdU data carrier over HTTP: a ZIP whose index.xml validates against the shipped DTD
and whose CSV tables, read back as the description says, match the journal."""

from __future__ import annotations

import csv
import importlib.resources
import io
import zipfile

from lxml import etree

from tests.conftest import Tenant, booking, error_details, journal_of

MARCH = {"startDate": "2026-03-01", "endDate": "2026-03-31"}
FILES = {
    "journal.csv",
    "accounts.csv",
    "tax_codes.csv",
    "periods.csv",
    "period_lock_requests.csv",
    "index.xml",
    "gdpdu-01-08-2002.dtd",
}


async def post(tenant: Tenant, day: str, description: str, amount: str = "100.00") -> None:
    body = booking(
        ("6815", "debit", amount, "VSt19"),
        ("1800", "credit", amount),
        day=day,
        description=description,
    )
    response = await tenant.post("/v1/bookings", body)
    assert response.status_code == 201, response.text


async def export(tenant: Tenant, **params) -> zipfile.ZipFile:
    response = await tenant.get("/v1/exports/gdpdu", params={**MARCH, **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def table(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    """A table read as index.xml describes it: UTF-8, ';', CRLF, '"' around text."""
    text = archive.read(name).decode("utf-8")
    assert text == "" or text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"'))


def columns(index: etree._Element, url: str) -> list[str]:
    [described] = [t for t in index.iter("Table") if t.findtext("URL") == url]
    return [c.findtext("Name") for c in described.iter("VariablePrimaryKey", "VariableColumn")]


async def test_the_export_holds_the_ranges_journal_described_by_a_valid_index(tenant: Tenant):
    await post(tenant, "2026-03-02", 'Bürobedarf "Muster"; Filiale 2')
    await post(tenant, "2026-03-20", '=HYPERLINK("x")', amount="50.00")
    await post(tenant, "2026-04-01", "not in March")

    archive = await export(tenant)

    assert set(archive.namelist()) == FILES
    dtd_file = importlib.resources.files("projections") / "data" / "gdpdu-01-08-2002.dtd"
    assert archive.read("gdpdu-01-08-2002.dtd") == dtd_file.read_bytes()
    index = etree.fromstring(archive.read("index.xml"), etree.XMLParser(no_network=True))
    assert etree.DTD(dtd_file).validate(index)
    assert {d.text for d in index.iter("RecordDelimiter")} == {"\r\n"}
    assert {d.text for d in index.iter("ColumnDelimiter")} == {";"}

    names = columns(index, "journal.csv")
    rows = [dict(zip(names, row, strict=True)) for row in table(archive, "journal.csv")]
    march = [line for line in await journal_of(tenant) if line["booking_date"] < "2026-04"]
    assert [int(r["journal_number"]) for r in rows] == [line["journal_number"] for line in march]
    assert [r["audit_hash"] for r in rows] == [line["audit_hash"] for line in march]
    assert [r["amount"] for r in rows] == ["84,03", "15,97", "42,02", "7,98"]
    assert rows[0]["booking_date"] == "02.03.2026"
    assert rows[0]["description"] == 'Bürobedarf "Muster"; Filiale 2'
    assert rows[2]["description"] == '\'=HYPERLINK("x")'  # a formula would run in a spreadsheet
    assert {r["recorded_by"] for r in rows} == {march[0]["created_by"]}


async def test_the_export_lists_accounts_tax_codes_and_the_locks_with_their_closing_hash(
    tenant: Tenant,
):
    await post(tenant, "2026-03-02", "Miete")
    request = (await tenant.post("/v1/periods/2026-03/lock")).json()
    approved = await tenant.post(f"/v1/periods/2026-03/lock/{request['request_id']}/approve")
    closing_hash = approved.json()["closing_hash"]

    archive = await export(tenant)
    index = etree.fromstring(archive.read("index.xml"))

    accounts = {row[0]: row for row in table(archive, "accounts.csv")}
    assert accounts["1800"][1] == "Bank"
    codes = {row[0]: row for row in table(archive, "tax_codes.csv")}
    assert codes["VSt19"][2] == "19,00"
    [period] = table(archive, "periods.csv")
    period_row = dict(zip(columns(index, "periods.csv"), period, strict=True))
    assert period_row["period"] == "2026-03"
    assert period_row["status"] == "locked"
    assert period_row["closing_hash"] == closing_hash
    assert period_row["line_count"] == "2"
    [lock] = table(archive, "period_lock_requests.csv")
    assert (lock[0], lock[2]) == (request["request_id"], "approved")


async def test_an_empty_range_gives_empty_tables_and_a_valid_index(tenant: Tenant):
    archive = await export(tenant, startDate="2020-01-01", endDate="2020-01-31")
    assert table(archive, "journal.csv") == []
    assert table(archive, "accounts.csv") != []


async def test_the_range_is_required_and_must_not_run_backwards(tenant: Tenant):
    response = await tenant.get("/v1/exports/gdpdu", params={"startDate": "2026-03-01"})
    error_details(response, 400, "INVALID_INPUT")
    backwards = {"startDate": "2026-03-31", "endDate": "2026-03-01"}
    error_details(await tenant.get("/v1/exports/gdpdu", params=backwards), 400, "INVALID_INPUT")
