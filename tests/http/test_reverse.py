"""POST /v1/journal/reverse: a Storno mirrors every pair, nets every account to zero, once.

Goal: pin reference §1.5 (corrections are reversals) and §3.1 (reverse): the reversal is a new
intent whose pairs are the original's with debit and credit swapped, dated today in
Europe/Berlin (`current_period`, the default) or on the original date (`original_period`);
an intent is reversed only once; unknown and foreign intents are 404; a retry with the same
`Idempotency-Key` replays. Method: post originals of every shape (tax codes, self-assessment,
splits, fx, opening balances) to a fresh tenant, reverse them through the real app on
PostgreSQL and read both intents and the account balances back.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import Tenant, assert_replayed, booking, journal_of, refused

REVERSE = "/v1/journal/reverse"
BOOKINGS = "/v1/bookings"
USD = {
    "currency": "USD",
    "amount": "110.00",
    "rate": "1.1",
    "rate_date": "2026-03-14",
    "rate_source": "ECB",
}
SPLIT_DEBITS = (("6815", "debit", "60.00"), ("6300", "debit", "40.00"))

ORIGINALS = [
    pytest.param(
        BOOKINGS, booking(("6815", "debit", "50.00"), ("1800", "credit", "50.00")), id="simple"
    ),
    pytest.param(
        BOOKINGS,
        booking(("6815", "debit", "119.00", "VSt19"), ("1800", "credit", "119.00")),
        id="VSt19",
    ),
    pytest.param(
        BOOKINGS,
        booking(("5925", "debit", "1000.00", "VSt-13b19"), ("1800", "credit", "1000.00")),
        id="VSt-13b19-self-assessed",
    ),
    pytest.param(
        BOOKINGS,
        booking(*SPLIT_DEBITS, ("1800", "credit", "70.00"), ("1600", "credit", "30.00")),
        id="split",
    ),
    pytest.param(
        BOOKINGS,
        booking(*SPLIT_DEBITS, ("1800", "credit", "100.00"), fx=USD),
        id="fx",
    ),
    pytest.param(
        "/v1/bookings/opening-balances",
        {
            "booking_date": "2026-01-01",
            "balances": [
                {"account_number": "1800", "debit": "700.00", "credit": "0"},
                {"account_number": "2900", "debit": "0", "credit": "700.00"},
            ],
        },
        id="opening-balances",
    ),
]


def today_in_berlin() -> str:
    return datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()


def moves(entries: list[dict]) -> list[tuple]:
    return [
        (e["account_debit"], e["account_credit"], e["amount"], e["tax_code"], e.get("fx_amount"))
        for e in entries
    ]


def mirrored(entries: list[dict]) -> list[tuple]:
    return [(credit, debit, *rest) for debit, credit, *rest in moves(entries)]


async def post_and_reverse(tenant: Tenant, path: str, body: dict, **reverse_fields) -> tuple:
    """Post the original, reverse it; answer (original id, reversal answer)."""
    posted = await tenant.post(path, body)
    assert posted.status_code in (200, 201), posted.text  # opening balances answer 200
    original = posted.json()["intent_id"]
    response = await tenant.post(REVERSE, {"intent_id": original, **reverse_fields})
    assert response.status_code == 200, response.text
    return original, response.json()


async def lines_of(tenant: Tenant, intent_id: str) -> list[dict]:
    return [e for e in await journal_of(tenant) if e["intent_id"] == intent_id]


@pytest.mark.parametrize(("path", "body"), ORIGINALS)
async def test_reversal_mirrors_every_pair_of_the_original(tenant: Tenant, path: str, body: dict):
    original, answer = await post_and_reverse(tenant, path, body)

    original_lines = await lines_of(tenant, original)
    reversal_lines = await lines_of(tenant, answer["reversal_intent_id"])

    assert answer["original_intent_id"] == original
    assert answer["event_count"] == len(original_lines)
    assert moves(reversal_lines) == mirrored(original_lines)
    assert {e["fx_currency"] for e in reversal_lines} == {e["fx_currency"] for e in original_lines}


@pytest.mark.parametrize(("path", "body"), ORIGINALS)
async def test_reversal_nets_every_account_to_zero(tenant: Tenant, path: str, body: dict):
    original, _ = await post_and_reverse(tenant, path, body)

    lines = await lines_of(tenant, original)
    accounts = {e["account_debit"] for e in lines} | {e["account_credit"] for e in lines}
    balances = {}
    for number in sorted(accounts):
        response = await tenant.get(f"/v1/accounts/{number}/entries")
        balances[number] = response.json()["balance"]

    assert balances == dict.fromkeys(sorted(accounts), 0.0)


@pytest.mark.parametrize(
    ("original_fields", "reverse_fields", "expected_date", "expected_period"),
    [
        pytest.param({}, {}, "today", "today", id="default-is-current-period"),
        pytest.param({}, {"posting_mode": "current_period"}, "today", "today", id="current-period"),
        pytest.param(
            {},
            {"posting_mode": "original_period"},
            "2026-03-15",
            "2026-03",
            id="original-period",
        ),
        pytest.param(
            {"booking_date": "2026-12-31", "adjustment_period": 13},
            {"posting_mode": "original_period"},
            "2026-12-31",
            "2026-P13",
            id="original-adjustment-period",
        ),
        pytest.param(
            {"booking_date": "2026-12-31", "adjustment_period": 14},
            {"posting_mode": "current_period"},
            "today",
            "today",
            id="adjustment-period-reversed-today",
        ),
    ],
)
async def test_posting_mode_dates_the_reversal_today_in_berlin_or_on_the_original_date(
    tenant: Tenant,
    original_fields: dict,
    reverse_fields: dict,
    expected_date: str,
    expected_period: str,
):
    body = booking(("6815", "debit", "50.00"), ("1800", "credit", "50.00"), **original_fields)
    if expected_date == "today":
        today = today_in_berlin()
        expected_date, expected_period = today, today[:7]

    _, answer = await post_and_reverse(tenant, BOOKINGS, body, **reverse_fields)

    assert (answer["booking_date"], answer["period"]) == (expected_date, expected_period)
    reversal_lines = await lines_of(tenant, answer["reversal_intent_id"])
    assert {(e["booking_date"], e["period"]) for e in reversal_lines} == {
        (expected_date, expected_period)
    }


async def test_second_reversal_is_refused_naming_the_first(tenant: Tenant):
    body = booking(("6815", "debit", "50.00"), ("1800", "credit", "50.00"))
    original, answer = await post_and_reverse(tenant, BOOKINGS, body)

    details = await refused(tenant, REVERSE, {"intent_id": original}, 409, "ALREADY_REVERSED")

    assert details == {"reversal_intent_id": answer["reversal_intent_id"]}


async def test_reversals_racing_each_other_reverse_once(tenant: Tenant):
    body = booking(("6815", "debit", "50.00"), ("1800", "credit", "50.00"))
    original = (await tenant.post(BOOKINGS, body)).json()["intent_id"]

    responses = await asyncio.gather(
        *(tenant.post(REVERSE, {"intent_id": original}) for _ in range(3))
    )

    assert sorted(r.status_code for r in responses) == [200, 409, 409]
    [winner] = [r.json()["reversal_intent_id"] for r in responses if r.status_code == 200]
    for loser in (r for r in responses if r.status_code == 409):
        assert loser.json()["error"]["details"] == {"reversal_intent_id": winner}
    assert len(await journal_of(tenant)) == 2


async def test_reversal_can_itself_be_reversed_which_restores_the_original_pairs(
    tenant: Tenant,
):
    body = booking(("6815", "debit", "119.00", "VSt19"), ("1800", "credit", "119.00"))
    original, answer = await post_and_reverse(tenant, BOOKINGS, body)

    again = await tenant.post(REVERSE, {"intent_id": answer["reversal_intent_id"]})

    assert again.status_code == 200, again.text
    restored = await lines_of(tenant, again.json()["reversal_intent_id"])
    assert moves(restored) == moves(await lines_of(tenant, original))


async def test_reversed_booking_may_be_posted_again_without_a_duplicate_warning(tenant: Tenant):
    body = booking(("6815", "debit", "50.00"), ("1800", "credit", "50.00"))
    await post_and_reverse(tenant, BOOKINGS, body)

    again = await tenant.post(BOOKINGS, body)

    assert again.status_code == 201, again.text


async def test_unknown_or_foreign_intent_is_not_found(tenant: Tenant, other_tenant: Tenant):
    body = booking(("6815", "debit", "50.00"), ("1800", "credit", "50.00"))
    theirs = (await other_tenant.post(BOOKINGS, body)).json()["intent_id"]
    their_journal = await journal_of(other_tenant)

    for intent_id in (theirs, str(uuid.uuid4())):
        details = await refused(tenant, REVERSE, {"intent_id": intent_id}, 404, "NOT_FOUND")
        assert details == {"intent_id": intent_id}
    assert await journal_of(other_tenant) == their_journal


@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param({}, "intent_id", id="no-intent-id"),
        pytest.param({"intent_id": "abc"}, "intent_id", id="intent-id-not-a-uuid"),
        pytest.param(
            {"intent_id": str(uuid.uuid4()), "posting_mode": "next_period"},
            "posting_mode",
            id="unknown-posting-mode",
        ),
        pytest.param(
            {"intent_id": str(uuid.uuid4()), "reason": "r" * 1001}, "reason", id="reason-too-long"
        ),
        pytest.param({"intent_id": str(uuid.uuid4()), "mode": "now"}, "mode", id="unknown-field"),
        pytest.param(
            {"intent_id": str(uuid.uuid4()), "reason": "typo\x00"}, "reason", id="reason-U+0000"
        ),
    ],
)
async def test_malformed_reversal_is_refused_as_invalid_input(
    tenant: Tenant, body: dict, named: str
):
    details = await refused(tenant, REVERSE, body, 400, "INVALID_INPUT")

    assert named in str(details["problems"])


async def test_retry_with_same_idempotency_key_replays_the_reversal(tenant: Tenant):
    body = booking(("6815", "debit", "50.00"), ("1800", "credit", "50.00"))
    original = (await tenant.post(BOOKINGS, body)).json()["intent_id"]
    request = {"intent_id": original, "reason": "typo"}
    key = {"headers": {"Idempotency-Key": "storno-1"}}
    first = await tenant.post(REVERSE, request, **key)
    journal = await journal_of(tenant)

    retry = await tenant.post(REVERSE, request, **key)

    assert first.status_code == 200, first.text
    assert_replayed(retry, first)
    assert await journal_of(tenant) == journal


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param({"reason": "another reason"}, id="other-reason"),
        pytest.param({"posting_mode": "original_period"}, id="other-posting-mode"),
    ],
)
async def test_same_idempotency_key_with_another_reversal_body_is_refused(
    tenant: Tenant, changed: dict
):
    body = booking(("6815", "debit", "50.00"), ("1800", "credit", "50.00"))
    original = (await tenant.post(BOOKINGS, body)).json()["intent_id"]
    key = {"headers": {"Idempotency-Key": "storno-1"}}
    first = (await tenant.post(REVERSE, {"intent_id": original, "reason": "typo"}, **key)).json()

    details = await refused(
        tenant,
        REVERSE,
        {"intent_id": original, "reason": "typo", **changed},
        409,
        "IDEMPOTENCY_KEY_REUSED",
        **key,
    )

    assert details == {"intent_id": first["reversal_intent_id"]}
