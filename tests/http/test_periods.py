"""Periods over HTTP: the list, soft lock and reopen, the four-eyes hard lock, expiry, the
closing hash, and PERIOD_LOCKED on every path that posts money (reference §1.9, §2.2, §3.5).

The service's clock is real time; it is only moved forward (the `clock` fixture) to let a
lock request's 48 hours run out. Periods used are in the past, so a booking dated in them is
otherwise valid.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from uuid import UUID

import pytest

from api.auth import SCOPES
from api.bootstrap import issue_key
from tests.conftest import (
    ShiftedClock,
    Tenant,
    booking,
    error_details,
    journal_of,
    make_tenant,
    refused,
)

PERIOD = "2026-03"
DAY = "2026-03-15"
EXPENSE = (("6815", "debit", "100.00"), ("1800", "credit", "100.00"))


async def headers_of_new_user(tenant: Tenant) -> dict[str, str]:
    """A second user of the tenant, with an all-scopes key of their own."""
    user_id = await tenant.add_user("admin")
    key = await issue_key(tenant.ledger, tenant.tenant_id, user_id, label="second", scopes=SCOPES)
    return {"Authorization": f"Bearer {key.secret}"}


async def request_lock(tenant: Tenant, period: str = PERIOD) -> str:
    response = await tenant.post(f"/v1/periods/{period}/lock")
    assert response.status_code == 201, response.text
    return response.json()["request_id"]


async def approve(tenant: Tenant, request_id: str, period: str = PERIOD, headers=None):
    return await tenant.post(
        f"/v1/periods/{period}/lock/{request_id}/approve", headers=headers or {}
    )


async def hard_lock(tenant: Tenant, period: str = PERIOD) -> dict:
    """Lock `period` (the tenant's owner is its only user, so may approve alone)."""
    response = await approve(tenant, await request_lock(tenant, period), period)
    assert response.status_code == 200, response.text
    return response.json()


async def post_booking(tenant: Tenant, day: str = DAY, **extra) -> dict:
    response = await tenant.post("/v1/bookings", booking(*EXPENSE, day=day, **extra))
    assert response.status_code == 201, response.text
    return response.json()


async def period_entry(tenant: Tenant, period: str) -> dict:
    response = await tenant.get("/v1/periods")
    assert response.status_code == 200, response.text
    [entry] = [p for p in response.json()["periods"] if p["period"] == period]
    return entry


async def topics_of(tenant: Tenant) -> list[str]:
    async with tenant.ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            "select topic from events where tenant_id = $1 and topic like 'period%'"
            " order by position",
            tenant.tenant_id,
        )
    return [row["topic"] for row in rows]


# --- the period list -------------------------------------------------------------------------


async def test_periods_list_every_month_of_the_fiscal_year_and_its_adjustment_periods(
    tenant: Tenant,
):
    await post_booking(tenant)
    response = await tenant.get("/v1/periods")

    assert response.status_code == 200
    periods = response.json()["periods"]
    year = [p for p in periods if p["period"].startswith("2026-")]
    assert [p["period"] for p in year] == [f"2026-{m:02d}" for m in range(1, 13)] + [
        "2026-P13",
        "2026-P14",
    ]
    assert {p["period_number"] for p in year[:12]} == {0}
    assert [p["period_number"] for p in year[12:]] == [13, 14]
    march = year[2]
    assert march == {
        "period": PERIOD,
        "status": "open",
        "period_number": 0,
        "booking_count": 1,
        "locked_by": None,
        "locked_at": None,
        "closing_hash": None,
    }


async def test_a_fiscal_year_from_july_ends_with_june_and_its_adjustment_periods(ledger, client):
    tenant = await make_tenant(ledger, client, fiscal_year_start=7)
    await post_booking(tenant, day="2025-08-01")

    periods = [p["period"] for p in (await tenant.get("/v1/periods")).json()["periods"]]

    start = periods.index("2025-07")
    assert periods[start : start + 14] == [
        *(f"2025-{m:02d}" for m in range(7, 13)),
        *(f"2026-{m:02d}" for m in range(1, 7)),
        "2026-P13",
        "2026-P14",
    ]


@pytest.mark.parametrize(
    "period", ["2026-13", "2026-00", "26-03", "2026-P15", "2026-3", "0000-P13", "3000-01"]
)
async def test_a_malformed_period_is_invalid_input(tenant: Tenant, period: str):
    for path in (f"/v1/periods/{period}/soft-lock", f"/v1/periods/{period}/lock"):
        error_details(await tenant.post(path), 400, "INVALID_INPUT")
    error_details(await tenant.get(f"/v1/periods/{period}/lock/status"), 400, "INVALID_INPUT")


async def test_the_adjustment_period_of_a_fiscal_year_not_yet_begun_does_not_exist(
    tenant: Tenant,
):
    error_details(await tenant.post("/v1/periods/2099-P13/soft-lock"), 404, "NOT_FOUND")
    error_details(await tenant.post("/v1/periods/2099-P14/lock"), 404, "NOT_FOUND")
    error_details(await tenant.get("/v1/periods/2099-P13/lock/status"), 404, "NOT_FOUND")


# --- soft lock -----------------------------------------------------------------------------


async def test_a_soft_locked_period_refuses_postings_until_it_is_reopened(tenant: Tenant):
    locked = await tenant.post(f"/v1/periods/{PERIOD}/soft-lock")
    assert locked.status_code == 200, locked.text
    body = locked.json()
    assert body["period"] == PERIOD
    assert body["period_number"] == 0
    assert body["status"] == "soft_locked"
    assert body["locked_by"].startswith("owner-")  # the owner's e-mail
    assert body["locked_at"] is not None

    details = await refused(
        tenant, "/v1/bookings", booking(*EXPENSE, day=DAY), 400, "PERIOD_LOCKED"
    )
    assert details == {"period": PERIOD, "status": "soft_locked"}
    assert await journal_of(tenant) == []

    reopened = await tenant.post(f"/v1/periods/{PERIOD}/reopen")
    assert reopened.status_code == 200, reopened.text
    assert reopened.json() == {"period": PERIOD, "period_number": 0, "status": "open"}
    await post_booking(tenant)
    assert (await period_entry(tenant, PERIOD))["booking_count"] == 1


async def test_soft_locking_twice_is_a_conflict_and_reopening_an_open_period_is_invalid(
    tenant: Tenant,
):
    error_details(await tenant.post(f"/v1/periods/{PERIOD}/reopen"), 400, "INVALID_INPUT")
    await tenant.post(f"/v1/periods/{PERIOD}/soft-lock")
    error_details(
        await tenant.post(f"/v1/periods/{PERIOD}/soft-lock"), 409, "PERIOD_ALREADY_SOFT_LOCKED"
    )


async def test_a_lock_in_one_tenant_leaves_the_same_period_of_another_open(
    tenant: Tenant, other_tenant: Tenant
):
    await hard_lock(other_tenant)
    await post_booking(tenant)
    assert (await period_entry(tenant, PERIOD))["status"] == "open"
    status = (await tenant.get(f"/v1/periods/{PERIOD}/lock/status")).json()
    assert status["status"] == "open"


# --- four eyes -----------------------------------------------------------------------------


async def test_four_eyes_a_second_user_approves_and_the_period_is_locked_for_good(
    tenant: Tenant,
):
    await post_booking(tenant)
    second = await headers_of_new_user(tenant)
    request_id = await request_lock(tenant)

    pending = (await tenant.get(f"/v1/periods/{PERIOD}/lock/status")).json()
    assert pending["has_pending_request"] is True
    assert pending["request_id"] == request_id
    assert pending["requested_by"].startswith("owner-")
    assert pending["pending_request"]["request_id"] == request_id
    error_details(await tenant.post(f"/v1/periods/{PERIOD}/lock"), 409, "LOCK_REQUEST_PENDING")
    error_details(await approve(tenant, request_id), 403, "SELF_APPROVAL_DENIED")

    approved = await approve(tenant, request_id, headers=second)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "locked"
    assert body["request_id"] == request_id
    assert body["locked_by"] == pending["requested_by"]
    assert body["approved_by"] != body["locked_by"]
    assert len(body["closing_hash"]) == 64

    entry = await period_entry(tenant, PERIOD)
    assert entry["status"] == "locked"
    assert entry["closing_hash"] == body["closing_hash"]
    status = (await tenant.get(f"/v1/periods/{PERIOD}/lock/status")).json()
    assert (status["status"], status["has_pending_request"]) == ("locked", False)
    error_details(await approve(tenant, request_id, headers=second), 409, "REQUEST_NOT_PENDING")
    cancel = await tenant.post(f"/v1/periods/{PERIOD}/lock/{request_id}/cancel")
    assert error_details(cancel, 404, "NOT_FOUND")["status"] == "approved"
    error_details(await tenant.post(f"/v1/periods/{PERIOD}/lock"), 409, "PERIOD_ALREADY_LOCKED")
    error_details(
        await tenant.post(f"/v1/periods/{PERIOD}/soft-lock"), 409, "PERIOD_ALREADY_LOCKED"
    )
    error_details(await tenant.post(f"/v1/periods/{PERIOD}/reopen"), 409, "PERIOD_IRREVERSIBLE")
    assert await topics_of(tenant) == ["period_lock_requested.v1", "period_locked.v1"]


async def test_a_tenant_with_one_user_may_approve_its_own_request(tenant: Tenant):
    locked = await hard_lock(tenant)
    assert locked["locked_by"] == locked["approved_by"]


async def test_a_soft_locked_period_can_be_hard_locked(tenant: Tenant):
    await tenant.post(f"/v1/periods/{PERIOD}/soft-lock")
    assert (await hard_lock(tenant))["status"] == "locked"


async def test_a_cancelled_request_cannot_be_approved_and_a_new_one_can_be_made(tenant: Tenant):
    request_id = await request_lock(tenant)

    cancelled = await tenant.post(f"/v1/periods/{PERIOD}/lock/{request_id}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json() == {"ok": True, "request_id": request_id, "status": "cancelled"}
    error_details(
        await tenant.post(f"/v1/periods/{PERIOD}/lock/{request_id}/cancel"), 404, "NOT_FOUND"
    )
    error_details(await approve(tenant, request_id), 409, "REQUEST_NOT_PENDING")
    assert (await tenant.get(f"/v1/periods/{PERIOD}/lock/status")).json()[
        "has_pending_request"
    ] is False
    await request_lock(tenant)
    assert await topics_of(tenant) == [
        "period_lock_requested.v1",
        "period_lock_cancelled.v1",
        "period_lock_requested.v1",
    ]


async def test_an_unknown_or_other_periods_request_is_not_found(tenant: Tenant):
    request_id = await request_lock(tenant, "2026-04")
    error_details(await approve(tenant, request_id, PERIOD), 404, "NOT_FOUND")
    error_details(await approve(tenant, str(uuid.uuid4())), 404, "NOT_FOUND")


async def test_a_request_expires_after_48_hours_and_its_expiry_is_recorded(
    tenant: Tenant, clock: ShiftedClock
):
    request_id = await request_lock(tenant)
    clock.advance(hours=47, minutes=59)
    assert (await tenant.get(f"/v1/periods/{PERIOD}/lock/status")).json()["has_pending_request"]

    clock.advance(minutes=1, seconds=1)
    status = (await tenant.get(f"/v1/periods/{PERIOD}/lock/status")).json()
    assert status["has_pending_request"] is False
    error_details(await approve(tenant, request_id), 409, "REQUEST_EXPIRED")
    assert await topics_of(tenant) == ["period_lock_requested.v1", "period_lock_expired.v1"]
    error_details(await approve(tenant, request_id), 409, "REQUEST_EXPIRED")
    cancel = await tenant.post(f"/v1/periods/{PERIOD}/lock/{request_id}/cancel")
    assert error_details(cancel, 404, "NOT_FOUND")["status"] == "expired"
    await request_lock(tenant)  # an expired request does not block a new one


# --- enforcement on every posting path ----------------------------------------------------


async def test_every_posting_path_into_a_hard_locked_period_is_refused_and_leaves_no_trace(
    tenant: Tenant,
):
    posted = await post_booking(tenant)
    await hard_lock(tenant)
    before = await journal_of(tenant)

    await refused(tenant, "/v1/bookings", booking(*EXPENSE, day=DAY), 400, "PERIOD_LOCKED")
    batch = await tenant.post(
        "/v1/bookings/batch", {"bookings": [booking(*EXPENSE, day=DAY)], "atomic": False}
    )
    assert batch.status_code == 200, batch.text
    assert batch.json()["results"][0]["error"]["code"] == "PERIOD_LOCKED"
    await refused(
        tenant,
        "/v1/bookings/opening-balances",
        {
            "booking_date": DAY,
            "balances": [
                {"account_number": "1800", "debit": "10.00", "credit": "0"},
                {"account_number": "2900", "debit": "0", "credit": "10.00"},
            ],
        },
        400,
        "PERIOD_LOCKED",
    )
    await refused(
        tenant,
        "/v1/journal/reverse",
        {"intent_id": posted["intent_id"], "posting_mode": "original_period"},
        400,
        "PERIOD_LOCKED",
    )
    assert await journal_of(tenant) == before

    reversal = await tenant.post(
        "/v1/journal/reverse", {"intent_id": posted["intent_id"], "posting_mode": "current_period"}
    )
    assert reversal.status_code == 200, reversal.text  # the correction goes into an open period


async def test_adjustment_periods_are_locked_independently_of_their_month(tenant: Tenant):
    await hard_lock(tenant, "2025-P13")

    await post_booking(tenant, day="2025-12-31")
    await post_booking(tenant, day="2025-12-31", adjustment_period=14, skip_duplicate_check=True)
    details = await refused(
        tenant,
        "/v1/bookings",
        booking(*EXPENSE, day="2025-12-31", adjustment_period=13),
        400,
        "PERIOD_LOCKED",
    )
    assert details == {"period": "2025-P13", "status": "locked"}
    assert (await period_entry(tenant, "2025-P13"))["period_number"] == 13


# --- closing hash --------------------------------------------------------------------------


def documented_closing_hash(tenant_id: UUID, period: str, lines: list[dict]) -> str:
    """docs/audit-hash.md, "Closing hash", written out independently of ledger/closing.py."""
    ordered = sorted(lines, key=lambda line: line["journal_number"])
    text = "|".join(
        ["closing:v1", str(tenant_id), period, str(len(ordered))]
        + [f"{line['journal_number']}:{line['audit_hash']}" for line in ordered]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


async def test_the_closing_hash_is_recomputable_from_the_periods_journal_lines(tenant: Tenant):
    await post_booking(tenant)
    await post_booking(tenant, day="2026-03-31", skip_duplicate_check=True)
    await post_booking(tenant, day="2026-04-01")  # another period: not covered

    locked = await hard_lock(tenant)

    lines = [line for line in await journal_of(tenant) if line["period"] == PERIOD]
    assert len(lines) == 2
    assert locked["closing_hash"] == documented_closing_hash(tenant.tenant_id, PERIOD, lines)


async def test_an_empty_period_has_a_closing_hash_too(tenant: Tenant):
    locked = await hard_lock(tenant)
    assert locked["closing_hash"] == documented_closing_hash(tenant.tenant_id, PERIOD, [])


async def test_locked_at_is_the_approval_time(tenant: Tenant):
    before = datetime.now(UTC)
    locked = await hard_lock(tenant)
    assert datetime.fromisoformat(locked["locked_at"]) >= before
