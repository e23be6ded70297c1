"""End to end through HTTP: the walkthrough of the README works on a fresh tenant."""

from tests.conftest import Tenant, booking


async def test_booking_with_tax_code_splits_gross_and_reads_back_in_journal(tenant: Tenant):
    response = await tenant.post(
        "/v1/bookings", booking(("6815", "debit", "119.00", "VST19"), ("1800", "credit", 119))
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["event_count"] == 2
    assert body["first_journal_number"] == 1
    journal = (await tenant.get("/v1/journal")).json()["entries"]
    assert [(e["account_debit"], e["account_credit"], e["amount"]) for e in journal] == [
        ("6815", "1800", 100.0),
        ("1406", "1800", 19.0),
    ]
    entries = (await tenant.get("/v1/accounts/1800/entries")).json()
    assert entries["balance"] == -119.0
