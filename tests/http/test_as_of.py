"""Knowledge time: `as_of` answers as the books stood then, leaving out later postings —
including back-dated ones, which change the past of the books but not what was known."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.conftest import ShiftedClock, Tenant, booking, error_details, journal_of

BANK = "1800"


async def post(tenant: Tenant, day: str, amount: str) -> None:
    body = booking(("6815", "debit", amount), (BANK, "credit", amount), day=day)
    response = await tenant.post("/v1/bookings", body)
    assert response.status_code == 201, response.text


async def books_known_before_a_back_dated_booking(tenant: Tenant, clock: ShiftedClock) -> str:
    """100.00 on 10 March, then (five minutes later) 30.00 back-dated to 5 March.
    Returns a moment between the two recordings."""
    await post(tenant, "2026-03-10", "100.00")
    [first] = await journal_of(tenant)
    known_at = datetime.fromisoformat(first["created_at"]) + timedelta(minutes=1)
    clock.advance(minutes=5)
    await post(tenant, "2026-03-05", "30.00")
    return known_at.isoformat()


async def test_the_journal_as_of_a_time_leaves_out_what_was_recorded_later(
    tenant: Tenant, clock: ShiftedClock
):
    known_at = await books_known_before_a_back_dated_booking(tenant, clock)

    then = (await tenant.get("/v1/journal", params={"as_of": known_at})).json()
    now = await journal_of(tenant)

    assert [e["amount"] for e in then["entries"]] == [100]
    assert then["as_of"] is not None
    assert [e["amount"] for e in now] == [100, 30]


async def test_account_entries_and_balances_as_of_a_time(tenant: Tenant, clock: ShiftedClock):
    known_at = await books_known_before_a_back_dated_booking(tenant, clock)
    path = f"/v1/accounts/{BANK}/entries"

    then = (await tenant.get(path, params={"as_of": known_at})).json()
    now = (await tenant.get(path)).json()
    assert [e["credit"] for e in then["entries"]] == [100]
    assert (then["balance"], now["balance"]) == (-100, -130)

    window = {"startDate": "2026-03-08"}
    then = (await tenant.get(path, params={**window, "as_of": known_at})).json()
    now = (await tenant.get(path, params=window)).json()
    assert (then["opening_balance"], now["opening_balance"]) == (0, -30)
    assert then["entries"][0]["running_balance"] == -100


async def test_as_of_before_the_first_booking_shows_empty_books(
    tenant: Tenant, clock: ShiftedClock
):
    known_at = await books_known_before_a_back_dated_booking(tenant, clock)
    before = (datetime.fromisoformat(known_at) - timedelta(days=1)).isoformat()

    assert (await tenant.get("/v1/journal", params={"as_of": before})).json()["entries"] == []
    entries = (await tenant.get(f"/v1/accounts/{BANK}/entries", params={"as_of": before})).json()
    assert (entries["entries"], entries["balance"]) == ([], 0)


async def test_as_of_without_a_time_zone_is_refused(tenant: Tenant):
    for path in ("/v1/journal", f"/v1/accounts/{BANK}/entries"):
        response = await tenant.get(path, params={"as_of": "2026-03-31T12:00:00"})
        error_details(response, 400, "INVALID_INPUT")
        assert "time zone" in response.json()["error"]["message"]
