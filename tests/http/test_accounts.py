"""The chart of accounts over HTTP: list, add and search (reference §1.6, §3.1).

What it proves: a fresh tenant lists its whole standard chart (SKR04 by default, SKR03 when
chosen) page by page with `limit` 1..500 and `offset`; a custom account is created with 201,
is listed as non-system and can be booked at once; duplicates (system or custom) are 409
DUPLICATE_ACCOUNT; malformed bodies are 400 INVALID_INPUT, and the documented maximum lengths
are accepted; search matches a number prefix or a case-insensitive name substring (umlauts
included) and filters by type. How: real tenants on the real app, compared with the shipped
chart files (`ledger.chart.load_chart`).
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from api.bootstrap import Ledger
from ledger.chart import ACCOUNT_TYPES, load_chart
from schemas import limits
from tests.conftest import Tenant, booking, error_details, make_tenant

ACCOUNT_FIELDS = {"number", "name", "type", "category", "report_group", "is_system"}


def fresh_number() -> str:
    """An 8-digit number: the standard charts use 4 digits, so it is free in every tenant."""
    return f"8{uuid.uuid4().int % 10**7:07d}"


ABSENT = object()  # a field value meaning "leave the field out of the body"


def new_account(**fields) -> dict:
    body = {"number": fresh_number(), "name": "Fremdleistungen Projekt X", "type": "expense"}
    return {key: value for key, value in (body | fields).items() if value is not ABSENT}


async def whole_chart(tenant: Tenant) -> list[dict]:
    accounts: list[dict] = []
    while True:
        page = (await tenant.get("/v1/accounts", params={"offset": len(accounts)})).json()
        accounts += page["accounts"]
        if not page["accounts"]:
            assert len(accounts) == page["total"]
            return accounts


def error_of(response: httpx.Response, status: int, code: str) -> dict:
    """The checked error envelope's `error` object."""
    error_details(response, status, code)
    return response.json()["error"]


@pytest.fixture(scope="module")
async def reader(ledger: Ledger, client: httpx.AsyncClient) -> Tenant:
    """One SKR04 tenant for the tests that only read (or are refused): nothing is added to it."""
    return await make_tenant(ledger, client)


# --- GET /v1/accounts ------------------------------------------------------------------------


async def test_a_fresh_tenant_lists_the_whole_skr04_chart_with_a_default_page_of_500(
    reader: Tenant,
):
    response = await reader.get("/v1/accounts")
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["limit"], page["offset"]) == (500, 0)
    assert len(page["accounts"]) == 500
    assert page["total"] == len(load_chart("skr04"))
    assert 1_100 < page["total"] < 1_300
    for account in page["accounts"]:
        assert set(account) >= ACCOUNT_FIELDS
        assert account["type"] in ACCOUNT_TYPES
        assert account["is_system"] is True


async def test_pages_walk_the_chart_in_number_order_without_gaps_or_repeats(reader: Tenant):
    listed = await whole_chart(reader)
    numbers = [account["number"] for account in listed]
    assert numbers == sorted(numbers)
    assert numbers == [account.number for account in load_chart("skr04")]


@pytest.mark.parametrize(("limit", "offset"), [(1, 0), (7, 3), (500, 1_000)])
async def test_limit_and_offset_cut_the_same_slice_of_the_chart(
    reader: Tenant, limit: int, offset: int
):
    page = (await reader.get("/v1/accounts", params={"limit": limit, "offset": offset})).json()
    chart = [account.number for account in load_chart("skr04")]
    assert [account["number"] for account in page["accounts"]] == chart[offset : offset + limit]
    assert (page["limit"], page["offset"], page["total"]) == (limit, offset, len(chart))


async def test_an_offset_past_the_end_gives_an_empty_page_with_the_total(reader: Tenant):
    page = (await reader.get("/v1/accounts", params={"offset": 100_000})).json()
    assert page["accounts"] == []
    assert page["total"] == len(load_chart("skr04"))


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"limit": -1}, {"limit": "ten"}, {"offset": -1}],
    ids=["limit-0", "limit-501", "limit-negative", "limit-text", "offset-negative"],
)
async def test_a_limit_outside_1_to_500_or_a_negative_offset_is_invalid_input(
    reader: Tenant, params: dict
):
    error = error_of(await reader.get("/v1/accounts", params=params), 400, "INVALID_INPUT")
    assert next(iter(params)) in error["message"]


@pytest.fixture
async def chart_tenant(
    request: pytest.FixtureRequest, ledger: Ledger, client: httpx.AsyncClient
) -> Tenant:
    """A fresh tenant on the chart named by the test's parameter."""
    return await make_tenant(ledger, client, framework=request.param)


@pytest.mark.parametrize(
    ("chart_tenant", "number", "name", "account_type", "report_group"),
    [
        ("skr04", "1800", "Bank", "asset", "cash"),
        ("skr04", "1200", "Forderungen aus Lieferungen und Leistungen", "asset", "receivables"),
        ("skr04", "4400", "Erlöse 19 % USt", "revenue", "revenue"),
        ("skr04", "6815", "Bürobedarf", "expense", "other_opex"),
        ("skr03", "1200", "Bank", "asset", "cash"),
        ("skr03", "8400", "Erlöse 19 % USt", "revenue", "revenue"),
        ("skr03", "1576", "Abziehbare Vorsteuer 19 %", "asset", "input_vat"),
    ],
    indirect=["chart_tenant"],
    ids=lambda value: value if value in ("skr04", "skr03") or value.isdigit() else "",
)
async def test_each_tenant_gets_the_standard_accounts_of_its_own_chart(
    chart_tenant: Tenant, number: str, name: str, account_type: str, report_group: str
):
    hits = await search(chart_tenant, q=number)
    assert hits[0] == {"number": number, "name": name, "type": account_type}
    listed = {account["number"]: account for account in await whole_chart(chart_tenant)}
    assert listed[number]["report_group"] == report_group
    assert listed[number]["is_system"] is True


async def test_an_skr03_tenant_lists_the_skr03_chart_and_not_skr04(skr03_tenant: Tenant):
    numbers = [account["number"] for account in await whole_chart(skr03_tenant)]
    assert numbers == [account.number for account in load_chart("skr03")]
    assert numbers != [account.number for account in load_chart("skr04")]


# --- POST /v1/accounts -----------------------------------------------------------------------


async def test_a_custom_account_is_created_listed_as_non_system_and_bookable(tenant: Tenant):
    body = new_account(category="Fremdleistungen", report_group="material_expense")
    response = await tenant.post("/v1/accounts", body)
    assert response.status_code == 201, response.text
    assert response.json() == {**body, "is_system": False, "is_active": True}

    listed = {account["number"]: account for account in await whole_chart(tenant)}
    assert listed[body["number"]] == {**body, "is_system": False, "is_active": True}

    booked = await tenant.post(
        "/v1/bookings", booking((body["number"], "debit", "250.00"), ("1800", "credit", "250.00"))
    )
    assert booked.status_code == 201, booked.text
    ledger = (await tenant.get(f"/v1/accounts/{body['number']}/entries")).json()
    assert ledger["account"]["number"] == body["number"]
    assert ledger["balance"] == 250


async def test_optional_fields_of_a_custom_account_default_to_null(tenant: Tenant):
    body = {"number": fresh_number(), "name": "Nur Pflichtfelder", "type": "liability"}
    response = await tenant.post("/v1/accounts", body)
    assert response.status_code == 201, response.text
    assert response.json()["category"] is None
    assert response.json()["report_group"] is None


async def test_a_custom_account_is_visible_only_to_its_own_tenant(
    tenant: Tenant, other_tenant: Tenant
):
    body = new_account()
    assert (await tenant.post("/v1/accounts", body)).status_code == 201
    hits = (await other_tenant.get("/v1/accounts/search", params={"q": body["number"]})).json()
    assert hits["accounts"] == []
    assert (await other_tenant.post("/v1/accounts", body)).status_code == 201


async def test_a_system_account_cannot_be_duplicated(tenant: Tenant):
    response = await tenant.post("/v1/accounts", new_account(number="1800", name="Zweite Bank"))
    error = error_of(response, 409, "DUPLICATE_ACCOUNT")
    assert error["details"]["account_number"] == "1800"
    bank = (await tenant.get("/v1/accounts/search", params={"q": "1800"})).json()["accounts"][0]
    assert bank["name"] == "Bank"


async def test_a_custom_account_cannot_be_created_twice(tenant: Tenant):
    body = new_account()
    assert (await tenant.post("/v1/accounts", body)).status_code == 201
    response = await tenant.post("/v1/accounts", {**body, "name": "Anderer Name"})
    error_of(response, 409, "DUPLICATE_ACCOUNT")
    listed = {account["number"]: account for account in await whole_chart(tenant)}
    assert listed[body["number"]]["name"] == body["name"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number", "12a4"),
        ("number", "123456789"),
        ("number", ""),
        ("number", " 4711"),
        ("number", 4711),
        ("name", ""),
        ("name", "x" * (limits.ACCOUNT_NAME_CHARS_MAX + 1)),
        ("type", "income"),
        ("type", "Expense"),
        ("category", "x" * (limits.CATEGORY_CHARS_MAX + 1)),
        ("report_group", "x" * (limits.REPORT_GROUP_CHARS_MAX + 1)),
        ("is_system", True),
        ("number", ABSENT),
        ("name", ABSENT),
        ("type", ABSENT),
    ],
    ids=[
        "number-not-numeric",
        "number-9-digits",
        "number-empty",
        "number-with-space",
        "number-as-json-number",
        "name-empty",
        "name-256-chars",
        "type-unknown",
        "type-capitalised",
        "category-101-chars",
        "report-group-41-chars",
        "unknown-field-is-system",
        "number-missing",
        "name-missing",
        "type-missing",
    ],
)
async def test_a_malformed_account_is_invalid_input_and_not_created(
    reader: Tenant, field: str, value: object
):
    body = new_account(**{field: value})
    error = error_of(await reader.post("/v1/accounts", body), 400, "INVALID_INPUT")
    assert field in error["message"]
    total = (await reader.get("/v1/accounts", params={"limit": 1})).json()["total"]
    assert total == len(load_chart("skr04"))


@pytest.mark.parametrize(
    "fields",
    [
        {"number": "1"},
        {"number": "99999999"},
        {"name": "N" * limits.ACCOUNT_NAME_CHARS_MAX},
        {"category": "C" * limits.CATEGORY_CHARS_MAX},
        {"report_group": "r" * limits.REPORT_GROUP_CHARS_MAX},
        *({"type": account_type} for account_type in ACCOUNT_TYPES),
    ],
    ids=lambda fields: "-".join(f"{k}={str(v)[:8]}" for k, v in fields.items()),
)
async def test_the_documented_limits_and_every_type_are_accepted(tenant: Tenant, fields: dict):
    body = new_account(**fields)
    response = await tenant.post("/v1/accounts", body)
    assert response.status_code == 201, response.text
    assert response.json() == {**body, "category": body.get("category"), "is_system": False} | {
        "report_group": body.get("report_group"),
        "is_active": True,
    }


# --- GET /v1/accounts/search -----------------------------------------------------------------


async def search(tenant: Tenant, **params) -> list[dict]:
    response = await tenant.get("/v1/accounts/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()["accounts"]


async def test_a_number_prefix_finds_the_accounts_starting_with_it_in_number_order(
    reader: Tenant,
):
    hits = await search(reader, q="180")
    numbers = [hit["number"] for hit in hits]
    assert numbers[0] == "1800"
    assert numbers == sorted(numbers)
    assert all(number.startswith("180") for number in numbers)
    assert set(hits[0]) == {"number", "name", "type"}


@pytest.mark.parametrize("text", ["Bürobedarf", "bürobedarf", "BÜROBEDARF", "ürobed", "robeda"])
async def test_a_name_substring_matches_case_insensitively_including_umlauts(
    reader: Tenant, text: str
):
    hits = await search(reader, q=text)
    assert {"number": "6815", "name": "Bürobedarf", "type": "expense"} in hits
    assert all(text.lower() in hit["name"].lower() for hit in hits)


async def test_number_prefix_hits_come_before_name_hits(tenant: Tenant):
    custom = new_account(number=fresh_number(), name="Konto 1800 Spiegel")
    assert (await tenant.post("/v1/accounts", custom)).status_code == 201
    hits = await search(tenant, q="1800")
    assert hits[0]["number"] == "1800"
    assert hits[-1]["number"] == custom["number"]


@pytest.mark.parametrize("account_type", ACCOUNT_TYPES)
async def test_the_type_filter_returns_only_accounts_of_that_type(
    reader: Tenant, account_type: str
):
    hits = await search(reader, type=account_type, limit=limits.SEARCH_RESULTS_MAX)
    assert hits
    assert {hit["type"] for hit in hits} == {account_type}


async def test_the_type_filter_combines_with_the_text(reader: Tenant):
    assert await search(reader, q="Bürobedarf", type="revenue") == []
    assert [hit["number"] for hit in await search(reader, q="Bürobedarf", type="expense")] == [
        "6815"
    ]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}], ids=["absent", "empty", "blank"])
async def test_an_empty_query_returns_the_first_accounts_of_the_chart(reader: Tenant, params: dict):
    hits = await search(reader, **params)
    first = (await reader.get("/v1/accounts", params={"limit": len(hits)})).json()["accounts"]
    assert len(hits) == 20
    assert [hit["number"] for hit in hits] == [account["number"] for account in first]


async def test_a_custom_account_is_found_by_its_name(tenant: Tenant):
    body = new_account(name=f"Projekt Äpfel {uuid.uuid4().hex[:6]}")
    assert (await tenant.post("/v1/accounts", body)).status_code == 201
    hits = await search(tenant, q=body["name"][8:].upper())
    assert hits == [{"number": body["number"], "name": body["name"], "type": "expense"}]


@pytest.mark.parametrize("text", ["%", "_", "\\"])
async def test_like_wildcards_in_the_query_are_matched_literally(reader: Tenant, text: str):
    assert all(text in hit["name"] for hit in await search(reader, q=text))


async def test_a_query_matching_nothing_returns_an_empty_list(reader: Tenant):
    assert await search(reader, q="Gibt es nicht xyz") == []


@pytest.mark.parametrize(
    "params",
    [{"type": "income"}, {"limit": 0}, {"limit": 51}, {"q": "x" * 101}],
    ids=["type-unknown", "limit-0", "limit-51", "q-101-chars"],
)
async def test_an_invalid_search_parameter_is_invalid_input(reader: Tenant, params: dict):
    response = await reader.get("/v1/accounts/search", params=params)
    error_of(response, 400, "INVALID_INPUT")
