"""GET /v1/journal and GET /v1/journal/{intent_id}: filters, paging, provenance, the audit view.

Goal: pin reference §3.1 for the two journal reads and our extensions (keyset paging with
`after` / `next_after_journal_number`, the intent's summary and metadata). Method: the filter
and paging tests read two module-wide tenants whose journals are written once (they only
read, so sharing them is safe); the audit-view tests post to a fresh tenant each. Expected
results are journal numbers, which are gapless per tenant and so name each line exactly.
"""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from api.bootstrap import Ledger
from tests.conftest import Tenant, booking, error_details, journal_of, make_tenant

GENESIS_HASH = "0" * 64


@pytest.fixture(scope="module")
async def books(ledger: Ledger, client: httpx.AsyncClient) -> Tenant:
    """Four bookings, five lines: journal numbers 1-2 (A), 3 (B), 4 (C), 5 (D)."""
    tenant = await make_tenant(ledger, client)
    bookings = [
        booking(  # A: lines 1 and 2 (the tax code adds 1406)
            ("6815", "debit", "119.00", "VSt19"),
            ("1800", "credit", "119.00"),
            day="2026-01-10",
            description="Office chairs",
            external_reference="INV-2026-001",
        ),
        booking(  # B: line 3
            ("6310", "debit", "500.00"),
            ("1800", "credit", "500.00"),
            day="2026-02-15",
            description="Rent February",
            external_reference="RENT-02",
        ),
        booking(  # C: line 4
            ("1800", "debit", "250.00"),
            ("1200", "credit", "250.00"),
            day="2026-03-20",
            description="Customer payment",
            external_reference="INV-2026-0010",
        ),
        booking(  # D: line 5
            ("6600", "debit", "10.00"),
            ("1800", "credit", "10.00"),
            day="2026-03-25",
            description="Flyer 100% off_promo",
        ),
    ]
    for body in bookings:
        assert (await tenant.post("/v1/bookings", body)).status_code == 201
    return tenant


LINES_PER_BOOKING = 499  # 500 input lines: 499 debits against one credit -> 499 pairs
LONG_JOURNAL_LINES = 3 * LINES_PER_BOOKING


@pytest.fixture(scope="module")
async def long_journal(ledger: Ledger, client: httpx.AsyncClient) -> Tenant:
    """1,497 journal lines, numbered 1 to 1,497, in three bookings of 499 pairs."""
    tenant = await make_tenant(ledger, client)
    debits = [("6815", "debit", "1.00")] * LINES_PER_BOOKING
    credit = ("1800", "credit", f"{LINES_PER_BOOKING}.00")
    for day in ("2026-04-01", "2026-04-02", "2026-04-03"):
        response = await tenant.post("/v1/bookings", booking(*debits, credit, day=day))
        assert response.status_code == 201, response.text
    return tenant


async def journal_page(tenant: Tenant, **params) -> dict:
    response = await tenant.get("/v1/journal", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def numbers(page: dict) -> list[int]:
    return [entry["journal_number"] for entry in page["entries"]]


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({}, [1, 2, 3, 4, 5], id="no-filter"),
        pytest.param({"account": "6815"}, [1], id="account-debit-side"),
        pytest.param({"account": "1200"}, [4], id="account-credit-side"),
        pytest.param({"account": "1800"}, [1, 2, 3, 4, 5], id="account-both-sides"),
        pytest.param({"account": "1406"}, [2], id="account-of-the-tax-line"),
        pytest.param({"account": "4400"}, [], id="account-without-lines"),
        pytest.param({"startDate": "2026-02-15"}, [3, 4, 5], id="startDate-inclusive"),
        pytest.param({"endDate": "2026-02-15"}, [1, 2, 3], id="endDate-inclusive"),
        pytest.param({"startDate": "2026-02-01", "endDate": "2026-03-20"}, [3, 4], id="date-range"),
        pytest.param({"startDate": "2026-03-20", "endDate": "2026-03-20"}, [4], id="one-day"),
        pytest.param({"search": "rent"}, [3], id="search-description-any-case"),
        pytest.param({"search": "inv-2026-001"}, [1, 2, 4], id="search-external-reference"),
        pytest.param({"search": "6310"}, [3], id="search-account-number"),
        pytest.param({"search": "140"}, [2], id="search-part-of-account-number"),
        pytest.param({"search": "%"}, [5], id="search-percent-is-literal"),
        pytest.param({"search": "f_p"}, [5], id="search-underscore-is-literal"),
        pytest.param({"search": "nothing like it"}, [], id="search-no-match"),
        pytest.param({"externalReference": "INV-2026-001"}, [1, 2], id="externalReference-exact"),
        pytest.param({"externalReference": "INV-2026"}, [], id="externalReference-no-prefix"),
        pytest.param({"account": "1800", "search": "INV"}, [1, 2, 4], id="account-and-search"),
        pytest.param(
            {"account": "1800", "startDate": "2026-03-01", "search": "o"},
            [4, 5],
            id="account-date-and-search",
        ),
    ],
)
async def test_filters_select_the_matching_lines(books: Tenant, params: dict, expected: list):
    assert numbers(await journal_page(books, **params)) == expected


@pytest.mark.parametrize(
    ("params", "named"),
    [
        pytest.param({"startDate": "2026-03-02", "endDate": "2026-03-01"}, "startDate", id="range"),
        pytest.param({"startDate": "2026-13-01"}, "start", id="bad-startDate"),
        pytest.param({"endDate": "01.03.2026"}, "end", id="bad-endDate"),
        pytest.param({"account": "18O0"}, "account", id="account-not-numeric"),
        pytest.param({"limit": 1001}, "limit", id="limit-over-1000"),
        pytest.param({"limit": 0}, "limit", id="limit-zero"),
        pytest.param({"limit": "all"}, "limit", id="limit-not-a-number"),
        pytest.param({"offset": -1}, "offset", id="offset-negative"),
        pytest.param({"after": -1}, "after", id="after-negative"),
        pytest.param({"search": "s" * 201}, "search", id="search-over-200-chars"),
        pytest.param({"search": "a\x00"}, "search", id="search-with-U+0000"),
        pytest.param({"externalReference": "a\x00"}, "external", id="reference-with-U+0000"),
    ],
)
async def test_bad_query_is_refused_as_invalid_input(books: Tenant, params: dict, named: str):
    response = await books.get("/v1/journal", params=params)

    details = error_details(response, 400, "INVALID_INPUT")
    assert named in str(details)


# --- paging ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected_numbers", "next_after"),
    [
        pytest.param({}, range(1, 201), 200, id="default-limit-200"),
        pytest.param({"limit": 1000}, range(1, 1001), 1000, id="limit-max-1000"),
        pytest.param({"limit": 5, "offset": 10}, range(11, 16), 15, id="offset"),
        pytest.param({"limit": 5, "after": 1000}, range(1001, 1006), 1005, id="after"),
        pytest.param({"after": 1490}, range(1491, 1498), None, id="last-page-has-no-next"),
        pytest.param({"after": 1497}, [], None, id="after-the-end-is-empty"),
    ],
)
async def test_page_holds_limit_lines_and_names_the_next_keyset(
    long_journal: Tenant, params: dict, expected_numbers, next_after: int | None
):
    page = await journal_page(long_journal, **params)

    assert numbers(page) == list(expected_numbers)
    assert page["limit"] == params.get("limit", 200)
    assert page["offset"] == params.get("offset", 0)
    assert page["next_after_journal_number"] == next_after


async def test_following_next_after_reads_every_line_exactly_once(long_journal: Tenant):
    seen: list[int] = []
    after: int | None = 0
    while after is not None:
        page = await journal_page(long_journal, limit=400, after=after)
        seen += numbers(page)
        after = page["next_after_journal_number"]

    assert seen == list(range(1, LONG_JOURNAL_LINES + 1))


# --- provenance ------------------------------------------------------------------------------


async def test_line_names_the_key_that_booked_it_and_the_api_channel(tenant: Tenant):
    headers = await tenant.key_with("journal:write")
    prefix = headers["Authorization"].removeprefix("Bearer ")[:11]
    await tenant.post(
        "/v1/bookings", booking(("6815", "debit", 5), ("1800", "credit", 5)), headers=headers
    )

    [entry] = await journal_of(tenant)

    assert (entry["created_by"], entry["source"]) == ("test journal:write", "api")
    assert entry["provenance_summary"] == {
        "surface": "api",
        "surface_label": "REST API",
        "channel": "api",
        "channel_label": "REST API",
        "actor_type": "api_key",
        "actor_label": "test journal:write",
        "actor_key_prefix": prefix,
        "actor_display": f"test journal:write ({prefix}…)",
    }


# --- the audit view of one intent ------------------------------------------------------------

PURCHASE = booking(
    ("6815", "debit", "119.00", "VSt19"),
    ("1800", "credit", "119.00"),
    external_reference="INV-7",
    custom_metadata={"supplier": "Papier GmbH", "pages": 2},
)


async def intent_view(tenant: Tenant, intent_id: str) -> dict:
    response = await tenant.get(f"/v1/journal/{intent_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_intent_view_lists_lines_with_account_names_summary_and_metadata(tenant: Tenant):
    posted = await tenant.post("/v1/bookings", PURCHASE, headers={"Idempotency-Key": "k-7"})
    intent_id = posted.json()["intent_id"]

    view = await intent_view(tenant, intent_id)

    assert view["intent_id"] == intent_id
    assert [
        (e["account_debit"], e["account_debit_name"], e["account_credit_name"], e["amount"])
        for e in view["entries"]
    ] == [
        ("6815", "Bürobedarf", "Bank", 100.0),
        ("1406", "Abziehbare Vorsteuer 19 %", "Bank", 19.0),
    ]
    assert {(e["intent_id"], e["currency"], e["tax_code"]) for e in view["entries"]} == {
        (intent_id, "EUR", "VSt19")
    }
    summary = view["summary"]
    assert summary.pop("created_at")
    assert summary == {
        "kind": "booking",
        "status": "posted",
        "booking_date": "2026-03-15",
        "period": "2026-03",
        "description": "Test booking",
        "total": 119.0,
        "total_debit": 119.0,
        "total_credit": 119.0,
        "event_count": 2,
        "currency": "EUR",
        "first_journal_number": 1,
        "last_journal_number": 2,
        "created_by": "Test Owner (owner)",
    }
    metadata = view["metadata"]
    assert metadata.pop("position") > 0
    assert metadata == {
        "external_reference": "INV-7",
        "custom_metadata": {"supplier": "Papier GmbH", "pages": 2},
        "fx": None,
        "reason": None,
        "idempotency_key": "k-7",
    }


async def test_intent_lines_chain_their_hashes_across_intents(tenant: Tenant):
    first = (await tenant.post("/v1/bookings", PURCHASE)).json()["intent_id"]
    second = (
        await tenant.post("/v1/bookings", booking(("6600", "debit", 7), ("1800", "credit", 7)))
    ).json()["intent_id"]

    entries = (await intent_view(tenant, first))["entries"]
    entries += (await intent_view(tenant, second))["entries"]

    assert [e["journal_number"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev_hash"] == GENESIS_HASH
    assert [e["prev_hash"] for e in entries[1:]] == [e["audit_hash"] for e in entries[:-1]]
    assert all(re.fullmatch(r"[0-9a-f]{64}", e["audit_hash"]) for e in entries)
    assert len({e["audit_hash"] for e in entries}) == 3


async def test_reversal_links_both_intents_in_their_views(tenant: Tenant):
    original = (await tenant.post("/v1/bookings", PURCHASE)).json()["intent_id"]
    reversal = (
        await tenant.post("/v1/journal/reverse", {"intent_id": original, "reason": "wrong account"})
    ).json()["reversal_intent_id"]

    original_view = await intent_view(tenant, original)
    reversal_view = await intent_view(tenant, reversal)

    assert original_view["summary"]["status"] == "reversed"
    assert original_view["linked_intents"] == {
        "reverses_intent_id": None,
        "reversed_by_intent_id": reversal,
        "documents": [],
        "bank_transactions": [],
        "settles": [],
        "settled_by": [],
    }
    assert reversal_view["linked_intents"]["reverses_intent_id"] == original
    assert reversal_view["linked_intents"]["reversed_by_intent_id"] is None
    assert {e["reverses_intent_id"] for e in reversal_view["entries"]} == {original}
    assert (reversal_view["summary"]["kind"], reversal_view["summary"]["status"]) == (
        "reversal",
        "posted",
    )
    assert reversal_view["summary"]["description"] == "Storno: Test booking"
    assert reversal_view["metadata"]["reason"] == "wrong account"


async def test_intent_of_another_tenant_is_not_found_like_an_unknown_one(
    tenant: Tenant, other_tenant: Tenant
):
    theirs = (await other_tenant.post("/v1/bookings", PURCHASE)).json()["intent_id"]

    for intent_id in (theirs, str(uuid.uuid4())):
        response = await tenant.get(f"/v1/journal/{intent_id}")
        assert error_details(response, 404, "NOT_FOUND") == {"intent_id": intent_id}
    assert await journal_of(tenant) == []


@pytest.mark.parametrize("intent_id", ["not-a-uuid", "12345", "6290b857-7458-4c73-8700"])
async def test_intent_id_that_is_not_a_uuid_is_refused_as_invalid_input(
    tenant: Tenant, intent_id: str
):
    response = await tenant.get(f"/v1/journal/{intent_id}")

    assert error_details(response, 400, "INVALID_INPUT") == {"intent_id": intent_id}
