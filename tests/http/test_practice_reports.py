"""Printable reports and shared links over HTTP: the balance sheet, income statement and trial
balance of the caller's entity or a client's of its firm, in German or English, with totals
that tie out; links that serve a report without a key, count each opening, and answer 410
once expired or revoked; tokens stored only as hashes."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.conftest import ShiftedClock, Tenant, booking, error_details

YEAR = {"from": "2026-01-01", "to": "2026-12-31"}


async def sell(tenant: Tenant) -> None:
    """1,190.00 of revenue with 19 % VAT into the bank, and 238.00 of office supplies."""
    for body in (
        booking(
            ("1800", "debit", "1190.00"), ("4400", "credit", "1190.00", "USt19"), day="2026-03-02"
        ),
        booking(
            ("6815", "debit", "238.00", "VSt19"), ("1800", "credit", "238.00"), day="2026-03-05"
        ),
    ):
        assert (await tenant.post("/v1/bookings", body)).status_code == 201


async def page(tenant: Tenant, report: str, entity=None, **params) -> httpx.Response:
    return await tenant.get(
        "/api/reports/pdf",
        params={
            "entityId": str(entity or tenant.tenant_id),
            "bookId": "main",
            "report": report,
            **YEAR,
            **params,
        },
    )


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


async def test_the_balance_sheet_is_a_printable_page_whose_sides_agree(tenant: Tenant):
    await sell(tenant)

    response = await page(tenant, "balance_sheet")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    text = text_of(response.text)
    assert "Bilanz" in text
    assert "Stichtag: 31.12.2026" in text
    assert "Summe Aktiva 990,00 €" in text  # bank 952.00 + input VAT 38.00
    assert "Summe Passiva 990,00 €" in text  # output VAT 190.00 + result 800.00
    assert "Periodenergebnis 800,00 €" in text
    assert "Die Summen stimmen überein." in text


async def test_the_income_statement_in_english(tenant: Tenant):
    await sell(tenant)

    response = await page(tenant, "income_statement", lang="en")

    text = text_of(response.text)
    assert '<html lang="en">' in response.text
    assert "Income statement" in text
    assert "Period: 2026-01-01 – 2026-12-31" in text
    assert "Total revenue €1,000.00" in text
    assert "Total expenses €200.00" in text
    assert "Net income (loss) €800.00" in text


async def test_the_trial_balance_ties_debits_to_credits(tenant: Tenant):
    await sell(tenant)

    text = text_of((await page(tenant, "trial_balance")).text)

    assert "Summen- und Saldenliste" in text
    assert re.search(r"Summe 0,00 € 1\.428,00 € 1\.428,00 € 0,00 €", text), text
    assert "Die Summen stimmen überein." in text


async def test_text_from_the_books_is_escaped(tenant: Tenant):
    await tenant.post(
        "/v1/accounts", {"number": "6999", "name": "<script>x</script>", "type": "expense"}
    )
    body = booking(("6999", "debit", "10.00"), ("1800", "credit", "10.00"))
    assert (await tenant.post("/v1/bookings", body)).status_code == 201

    html = (await page(tenant, "trial_balance")).text

    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


async def test_a_firm_prints_its_clients_reports_but_nobody_elses(
    firm: Tenant, other_tenant: Tenant
):
    created = await firm.post(
        "/api/practice/clients", {"firmEntityId": str(firm.tenant_id), "name": "Mandant KG"}
    )
    client_id = created.json()["entity"]["id"]

    own_client = await page(firm, "balance_sheet", entity=client_id)
    stranger = await page(firm, "balance_sheet", entity=other_tenant.tenant_id)

    assert own_client.status_code == 200
    assert "Mandant KG" in own_client.text
    error_details(stranger, 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"bookId": "tax"}, 404, "NOT_FOUND"),
        ({"report": "cash_flow"}, 400, "INVALID_INPUT"),
        ({"from": "2026-12-31", "to": "2026-01-01"}, 400, "INVALID_INPUT"),
        ({"lang": "fr"}, 400, "INVALID_INPUT"),
    ],
    ids=["unknown book", "unknown report", "reversed range", "unknown language"],
)
async def test_bad_report_parameters_are_refused(tenant: Tenant, params, status, code):
    response = await page(tenant, params.pop("report", "balance_sheet"), **params)
    error_details(response, status, code)


# --- shared links ---------------------------------------------------------------------------


async def share(tenant: Tenant, **extra) -> dict:
    response = await tenant.post(
        "/api/reports/share",
        {
            "entityId": str(tenant.tenant_id),
            "reportType": "income_statement",
            "parameters": {"bookId": "main", **YEAR},
            **extra,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def path_of(link: dict) -> str:
    return "/api/reports/share/" + link["shareUrl"].rsplit("/", 1)[1]


async def test_a_shared_link_serves_the_report_without_a_key_and_counts_openings(
    tenant: Tenant, client: httpx.AsyncClient
):
    await sell(tenant)
    link = await share(tenant)

    first = await client.get(path_of(link))
    second = await client.get(path_of(link))

    assert (first.status_code, second.status_code) == (200, 200)
    assert "Jahresüberschuss" in first.text
    [listed] = (await tenant.get("/api/reports/links")).json()["links"]
    assert (listed["id"], listed["status"], listed["accessCount"]) == (link["id"], "active", 2)
    token = link["shareUrl"].rsplit("/", 1)[1]
    stored = await tenant.ledger.pool.fetchval(
        "select token_hash from report_links where id = $1", uuid.UUID(link["id"])
    )
    assert token.startswith("lr_")
    assert stored != token
    assert token not in stored


async def test_a_revoked_link_answers_410(tenant: Tenant, client: httpx.AsyncClient):
    link = await share(tenant)

    revoked = await tenant.delete(f"/api/reports/links/{link['id']}")

    assert revoked.json()["status"] == "revoked"
    error_details(await client.get(path_of(link)), 410, "REPORT_LINK_GONE")
    again = await tenant.delete(f"/api/reports/links/{link['id']}")
    assert again.json()["revokedAt"] == revoked.json()["revokedAt"]


async def test_an_expired_link_answers_410(
    tenant: Tenant, client: httpx.AsyncClient, clock: ShiftedClock
):
    link = await share(tenant, expiresInDays=1)
    assert (await client.get(path_of(link))).status_code == 200

    clock.advance(days=1, seconds=1)

    error_details(await client.get(path_of(link)), 410, "REPORT_LINK_GONE")
    [listed] = (await tenant.get("/api/reports/links")).json()["links"]
    assert listed["status"] == "expired"


async def test_an_unknown_link_is_not_found(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
):
    error_details(
        await client.get("/api/reports/share/lr_" + "0" * 64), 404, "REPORT_LINK_NOT_FOUND"
    )
    error_details(await client.get("/api/reports/share/anything"), 404, "REPORT_LINK_NOT_FOUND")
    link = await share(tenant)
    foreign = await other_tenant.delete(f"/api/reports/links/{link['id']}")
    error_details(foreign, 404, "REPORT_LINK_NOT_FOUND")


async def test_a_link_to_a_stranger_entity_is_refused(tenant: Tenant, other_tenant: Tenant):
    response = await tenant.post(
        "/api/reports/share",
        {
            "entityId": str(other_tenant.tenant_id),
            "reportType": "balance_sheet",
            "parameters": YEAR,
        },
    )
    error_details(response, 404, "NOT_FOUND")
