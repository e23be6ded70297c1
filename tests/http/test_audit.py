"""The auditor's view over HTTP: chain verification and the raw event log."""

from __future__ import annotations

import json

import msgspec

from tests.conftest import Tenant, booking, error_details, forge_second_line_amount, journal_of

EXPENSE = (("6815", "debit", "100.00"), ("1800", "credit", "100.00"))


async def post_bookings(tenant: Tenant, count: int) -> None:
    for index in range(count):
        response = await tenant.post(
            "/v1/bookings",
            booking(*EXPENSE, description=f"audit {index}", skip_duplicate_check=True),
        )
        assert response.status_code == 201, response.text


async def lock(tenant: Tenant, period: str) -> str:
    request = await tenant.post(f"/v1/periods/{period}/lock")
    request_id = request.json()["request_id"]
    approved = await tenant.post(f"/v1/periods/{period}/lock/{request_id}/approve")
    assert approved.status_code == 200, approved.text
    return approved.json()["closing_hash"]


async def test_verify_reports_the_head_of_an_intact_chain_and_each_closing(tenant: Tenant):
    await post_bookings(tenant, 3)
    closing_hash = await lock(tenant, "2026-03")

    response = await tenant.get("/v1/audit/verify")

    assert response.status_code == 200, response.text
    report = response.json()
    last = (await journal_of(tenant))[-1]
    assert report["ok"] is True
    assert report["lines_checked"] == 3
    assert (report["head_journal_number"], report["head_hash"]) == (3, last["audit_hash"])
    assert report["broken"] is None
    assert report["closings"] == [
        {
            "period": "2026-03",
            "ok": True,
            "recorded_closing_hash": closing_hash,
            "recomputed_closing_hash": closing_hash,
            "lines_recorded": 3,
            "lines_found": 3,
        }
    ]


async def test_verify_names_a_forged_line_and_the_changed_closing(tenant: Tenant):
    await post_bookings(tenant, 3)
    await lock(tenant, "2026-03")
    await forge_second_line_amount(tenant.ledger.pool, tenant.tenant_id)

    report = (await tenant.get("/v1/audit/verify")).json()

    assert report["ok"] is False
    assert report["broken"]["journal_number"] == 2
    assert "audit_hash does not match" in report["broken"]["problem"]
    [closing] = report["closings"]
    assert closing["ok"] is False
    assert closing["recorded_closing_hash"] != closing["recomputed_closing_hash"]


async def test_the_event_log_pages_through_the_tenants_events_as_stored(tenant: Tenant):
    await post_bookings(tenant, 3)
    admin = await tenant.key_with("admin")

    first = await tenant.get("/v1/audit/events", params={"limit": 2}, headers=admin)
    assert first.status_code == 200, first.text
    page = first.json()
    assert [e["position"] for e in page["events"]] == sorted(e["position"] for e in page["events"])
    assert page["next_after"] == page["events"][-1]["position"]
    everything = []
    after = 0
    while True:
        body = (
            await tenant.get("/v1/audit/events", params={"after": after, "limit": 5}, headers=admin)
        ).json()
        everything.extend(body["events"])
        if body["next_after"] is None:
            break
        after = body["next_after"]

    topics = [e["topic"] for e in everything]
    assert topics[0] == "tenant_created.v1"
    assert topics.count("booking_posted.v1") == 3
    async with tenant.ledger.pool.acquire() as conn:
        stored = await conn.fetch(
            "select position, state from events where tenant_id = $1 order by position",
            tenant.tenant_id,
        )
    assert [e["position"] for e in everything] == [row["position"] for row in stored]
    assert [e["event"] for e in everything] == [json.loads(row["state"]) for row in stored]
    bookings = [e["event"] for e in everything if e["topic"] == "booking_posted.v1"]
    journal = await journal_of(tenant)
    assert [line["audit_hash"] for b in bookings for line in b["lines"]] == [
        line["audit_hash"] for line in journal
    ]


async def test_the_event_log_as_ndjson_has_one_event_per_line(tenant: Tenant):
    await post_bookings(tenant, 2)
    admin = await tenant.key_with("admin")

    response = await tenant.get("/v1/audit/events", params={"format": "ndjson"}, headers=admin)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [msgspec.json.decode(line) for line in response.content.splitlines()]
    page = (await tenant.get("/v1/audit/events", headers=admin)).json()
    assert lines == page["events"]


async def test_the_event_log_needs_the_admin_scope(tenant: Tenant):
    reader = await tenant.key_with("journal:read")
    error_details(await tenant.get("/v1/audit/events", headers=reader), 403, "FORBIDDEN")
    assert (await tenant.get("/v1/audit/verify", headers=reader)).status_code == 200
