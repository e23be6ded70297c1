"""Reports over HTTP: trial balance, balance sheet with its result row, income statement, BWA,
monthly revenue and expenses — each balancing — and the books as known at an earlier time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.conftest import ShiftedClock, Tenant, booking, error_details, journal_of

QUARTER = {"startDate": "2026-03-01", "endDate": "2026-03-31"}


async def post(tenant: Tenant, *lines, day: str) -> dict:
    response = await tenant.post("/v1/bookings", booking(*lines, day=day))
    assert response.status_code == 201, response.text
    return response.json()


async def small_books(tenant: Tenant) -> None:
    """Capital 1,000 in January, office supplies 100 in February, a sale of 238 gross in
    March (200 revenue, 38 VAT)."""
    await post(
        tenant, ("1800", "debit", "1000.00"), ("2900", "credit", "1000.00"), day="2026-01-15"
    )
    await post(tenant, ("6815", "debit", "100.00"), ("1800", "credit", "100.00"), day="2026-02-10")
    await post(
        tenant,
        ("1800", "debit", "238.00"),
        ("4400", "credit", "238.00", "USt19"),
        day="2026-03-05",
    )


async def report(tenant: Tenant, kind: str, **params) -> list[dict] | dict:
    response = await tenant.get("/v1/reports", params={"type": kind, **params})
    assert response.status_code == 200, response.text
    return response.json()


def by_number(rows: list[dict]) -> dict[str | None, dict]:
    return {row["number"] or row["name"]: row for row in rows}


@pytest.mark.parametrize("kind", ["susa", "trial_balance"])
async def test_the_trial_balance_shows_opening_movements_and_closing_and_balances(
    tenant: Tenant, kind: str
):
    await small_books(tenant)

    rows = by_number(await report(tenant, kind, **QUARTER))

    bank = rows["1800"]
    assert (bank["opening_balance"], bank["debit_total"], bank["balance"]) == (900, 238, 1138)
    assert (rows["6815"]["opening_balance"], rows["6815"]["debit_total"]) == (100, 0)
    assert (rows["4400"]["credit_total"], rows["3806"]["credit_total"]) == (200, 38)
    assert sum(r["debit_total"] for r in rows.values()) == sum(
        r["credit_total"] for r in rows.values()
    )


async def test_the_balance_sheet_balances_with_the_period_result(tenant: Tenant):
    await small_books(tenant)

    rows = by_number(await report(tenant, "bilanz", startDate="2026-01-01", endDate="2026-03-31"))

    assert set(rows) == {"1800", "2900", "3806", "Periodenergebnis"}
    result = rows["Periodenergebnis"]
    assert (result["type"], result["balance"]) == ("equity", -100)  # a profit of 100
    assert sum(r["balance"] for r in rows.values()) == 0
    later = by_number(await report(tenant, "bilanz", startDate="2026-03-01", endDate="2026-03-31"))
    assert later["Ergebnis vor Periodenbeginn"]["balance"] == 100  # February's expense
    assert later["Periodenergebnis"]["balance"] == -200
    assert sum(r["balance"] for r in later.values()) == 0


async def test_the_income_statement_and_the_bwa_agree(tenant: Tenant):
    await small_books(tenant)
    year = {"startDate": "2026-01-01", "endDate": "2026-12-31"}

    rows = by_number(await report(tenant, "guv", **year))
    bwa = await report(tenant, "bwa", **year)

    assert set(rows) == {"4400", "6815"}
    assert (bwa["umsatzerloese_total"], bwa["sonstige_betriebliche_aufwendungen_total"]) == (
        200,
        100,
    )
    assert bwa["jahresueberschuss"] == -sum(r["balance"] for r in rows.values()) == 100
    assert (bwa["start_date"], bwa["end_date"]) == ("2026-01-01", "2026-12-31")


async def test_monthly_revenue_and_expenses_has_twelve_months(tenant: Tenant):
    await small_books(tenant)

    response = await tenant.get("/v1/reports/monthly-revenue-expenses", params={"year": 2026})

    assert response.status_code == 200, response.text
    months = response.json()
    assert [m["month"] for m in months] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert [(m["revenue"], m["expenses"], m["result"]) for m in months[:4]] == [
        (0, 0, 0),
        (0, 100, -100),
        (200, 0, 200),
        (0, 0, 0),
    ]


async def test_a_report_as_of_an_earlier_time_leaves_out_later_postings(
    tenant: Tenant, clock: ShiftedClock
):
    await small_books(tenant)
    [*_, last] = await journal_of(tenant)
    known_at = (datetime.fromisoformat(last["created_at"]) + timedelta(minutes=1)).isoformat()
    clock.advance(minutes=5)
    await post(tenant, ("6815", "debit", "50.00"), ("1800", "credit", "50.00"), day="2026-03-20")

    then = by_number(await report(tenant, "susa", **QUARTER, as_of=known_at))
    now = by_number(await report(tenant, "susa", **QUARTER))

    assert (then["1800"]["balance"], now["1800"]["balance"]) == (1138, 1088)


@pytest.mark.parametrize(
    "params",
    [
        {"type": "cashflow"},
        {"type": "susa", "startDate": "2026-04-01", "endDate": "2026-03-01"},
        {"type": "susa", "startDate": "2026-13-01"},
        {"type": "susa", "as_of": "2026-03-01T10:00:00"},
        {},
    ],
)
async def test_a_bad_report_request_is_invalid_input(tenant: Tenant, params: dict):
    error_details(await tenant.get("/v1/reports", params=params), 400, "INVALID_INPUT")


async def march_vat_books(tenant: Tenant) -> None:
    """One booking per kind of figure, and a credit note that reduces Kz 81."""
    march = "2026-03-10"
    for lines in (
        (("1800", "debit", "120.00"), ("4400", "credit", "120.00", "USt19")),  # 100.84 + 19.16
        (("1800", "debit", "107.00"), ("4300", "credit", "107.00", "USt7")),
        (("6815", "debit", "119.00", "VSt19"), ("1800", "credit", "119.00")),
        (("5900", "debit", "1000.00", "VSt-igE19"), ("1800", "credit", "1000.00")),
        (("5900", "debit", "500.00", "VSt-13b19"), ("1800", "credit", "500.00")),
        (("1800", "debit", "300.00"), ("4120", "credit", "300.00", "USt0-Ausfuhr")),
        (("1800", "debit", "400.00"), ("4336", "credit", "400.00")),
        (("4400", "debit", "59.50", "USt19"), ("1800", "credit", "59.50")),  # credit note
    ):
        await post(tenant, *lines, day=march)


async def test_the_vat_return_derives_each_figure_from_tax_codes_and_postings(tenant: Tenant):
    await march_vat_books(tenant)

    response = await tenant.get("/v1/reports/ustva", params={"period": "2026-03"})

    assert response.status_code == 200, response.text
    body = response.json()
    figures = {f["kz"]: f for f in body["figures"]}
    assert {kz: f["amount"] for kz, f in figures.items()} == {
        "81": 50.84,
        "86": 100,
        "43": 300,
        "89": 1000,
        "84": 500,
        "85": 95,
        "21": 400,
        "66": 19,
        "61": 190,
        "67": 95,
        "83": -2.34,
    }
    assert figures["81"]["form_amount"] == 50  # bases in whole euros
    assert [p["contribution"] for p in figures["81"]["postings"]] == [100.84, -50]
    assert (body["output_tax"], body["input_tax"]) == (301.66, 304)
    quarter = await tenant.get("/v1/reports/ustva", params={"period": "2026-Q1"})
    assert quarter.json()["figures"] == body["figures"]
    april = (await tenant.get("/v1/reports/ustva", params={"period": "2026-04"})).json()
    assert [(f["kz"], f["amount"]) for f in april["figures"]] == [("83", 0)]


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "2026", "03-2026", ""])
async def test_a_vat_period_is_a_month_or_a_quarter(tenant: Tenant, period: str):
    response = await tenant.get("/v1/reports/ustva", params={"period": period})
    error_details(response, 400, "INVALID_INPUT")


async def test_the_bwa_reads_the_skr03_ranges_too(skr03_tenant: Tenant):
    for lines in (
        (("1200", "debit", "1190.00"), ("8400", "credit", "1190.00", "USt19")),
        (("3400", "debit", "119.00", "VSt19"), ("1200", "credit", "119.00")),
        (("4120", "debit", "300.00"), ("1200", "credit", "300.00")),
    ):
        await post(skr03_tenant, *lines, day="2026-03-05")

    bwa = await report(skr03_tenant, "bwa", startDate="2026-01-01", endDate="2026-12-31")

    assert (bwa["umsatzerloese_total"], bwa["materialaufwand_total"]) == (1000, 100)
    assert (bwa["rohertrag"], bwa["personalaufwand_total"]) == (900, 300)
    assert bwa["jahresueberschuss"] == 600
