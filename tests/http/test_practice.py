"""The practice API over HTTP: a partner firm creates client entities (each a tenant with its
own chart), invites their users (a VIEWER reads, never writes), records time, runs
engagements with their tasks, and bills time into its own books — an invoice booked AR to
fee income and VAT with the entries marked invoiced at once, idempotent under retry, paid
by a reconciled bank line."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from tests.conftest import Tenant, booking, error_details
from tests.http.conftest import FIRM_RATE_CENTS as RATE
from tests.http.reconciling import OWN_IBAN, reconcile


async def new_client(firm: Tenant, **body) -> dict:
    response = await firm.post(
        "/api/practice/clients",
        {
            "firmEntityId": str(firm.tenant_id),
            "name": f"Mandant {uuid.uuid4().hex[:6]} GmbH",
            **body,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def record(firm: Tenant, client: dict, hours: str = "1.5", **body) -> dict:
    response = await firm.post(
        "/api/practice/time",
        {
            "firmEntityId": str(firm.tenant_id),
            "entityId": client["entity"]["id"],
            "date": "2026-03-02",
            "hours": hours,
            "description": "Monatsabschluss",
            **body,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def bill(firm: Tenant, client: dict, *entries: dict):
    return await firm.post(
        "/api/practice/billing/invoice",
        {
            "firmEntityId": str(firm.tenant_id),
            "clientEntityId": client["entity"]["id"],
            "timeEntryIds": [entry["id"] for entry in entries],
        },
    )


async def time_of(firm: Tenant, **params) -> dict:
    response = await firm.get(
        "/api/practice/time", params={"firmEntityId": str(firm.tenant_id), **params}
    )
    assert response.status_code == 200, response.text
    return response.json()


# --- the firm guard -------------------------------------------------------------------------


async def test_an_entity_outside_the_partner_programme_is_refused(tenant: Tenant):
    response = await tenant.get(
        "/api/practice/clients", params={"firmEntityId": str(tenant.tenant_id)}
    )
    error_details(response, 403, "NOT_A_PARTNER_FIRM")


async def test_another_firms_id_is_not_found(firm: Tenant, other_tenant: Tenant):
    response = await firm.get(
        "/api/practice/clients", params={"firmEntityId": str(other_tenant.tenant_id)}
    )
    error_details(response, 404, "FIRM_NOT_FOUND")


async def test_a_key_without_the_practice_scope_is_refused(firm: Tenant):
    headers = await firm.key_with("journal:write")
    response = await firm.client.get(
        "/api/practice/clients", params={"firmEntityId": str(firm.tenant_id)}, headers=headers
    )
    error_details(response, 403, "FORBIDDEN")


# --- client entities ------------------------------------------------------------------------


async def test_a_client_entity_gets_its_own_chart_and_a_link_with_the_tier_fee(firm: Tenant):
    created = await new_client(
        firm, type="GmbH", industry="Handel", tier="PROFESSIONAL", accountFramework="skr03"
    )

    entity, link = created["entity"], created["link"]
    assert (entity["type"], entity["industry"], entity["accountFramework"]) == (
        "GmbH",
        "Handel",
        "skr03",
    )
    assert (link["clientTier"], link["billingMode"], link["monthlyFee"]) == (
        "PROFESSIONAL",
        "consolidated",
        14_900,
    )
    accounts = await firm.ledger.pool.fetchval(
        "select count(*) from accounts where tenant_id = $1 and number = '8400'", entity["id"]
    )
    assert accounts == 1  # SKR03's revenue account: the client's own chart
    listed = await firm.get("/api/practice/clients", params={"firmEntityId": str(firm.tenant_id)})
    assert [c["entity"]["id"] for c in listed.json()["clients"]] == [entity["id"]]


async def test_an_invited_viewer_reads_the_clients_books_but_cannot_write(firm: Tenant):
    client = await new_client(firm)
    email = f"viewer-{uuid.uuid4().hex[:6]}@example.test"
    invited = await firm.post(
        f"/api/practice/clients/{client['entity']['id']}/invite", {"email": email}
    )
    assert invited.status_code == 201, invited.text
    assert invited.json()["role"] == "VIEWER"
    body = await firm.ledger.pool.fetchval(
        "select body from mail_outbox where recipient = $1", email
    )
    token = re.search(r"token=(lt_[0-9a-f]{64})", body)[1]
    password = "korrekt Pferd Batterie 42"
    assert (
        await firm.client.post(
            "/v1/auth/setup-password", json={"token": token, "password": password}
        )
    ).status_code == 200
    session = await firm.client.post("/v1/auth/login", json={"email": email, "password": password})
    headers = {"Authorization": f"Bearer {session.json()['token']}"}

    reads = await firm.client.get("/v1/accounts", headers=headers)
    writes = await firm.client.post(
        "/v1/accounts", headers=headers, json={"number": "6999", "name": "X", "type": "expense"}
    )

    assert reads.status_code == 200
    error_details(writes, 403, "FORBIDDEN")
    assert session.json()["user"]["tenant_id"] == client["entity"]["id"]


async def test_a_client_of_another_firm_cannot_get_invitations(firm: Tenant, other_tenant: Tenant):
    response = await firm.post(
        f"/api/practice/clients/{other_tenant.tenant_id}/invite", {"email": "x@example.test"}
    )
    error_details(response, 404, "CLIENT_NOT_FOUND")


# --- time -----------------------------------------------------------------------------------


async def test_time_is_listed_with_its_sums_and_filters(firm: Tenant):
    a, b = await new_client(firm), await new_client(firm)
    await record(firm, a, "1.5")
    await record(firm, a, "0.25", billable=False, date="2026-03-20")
    entry = await record(firm, b, "2", rate=9_000)

    assert (entry["hours"], entry["rate"], entry["value"], entry["status"]) == (
        2,
        9_000,
        18_000,
        "unbilled",
    )
    everything = await time_of(firm)
    assert (everything["totalHours"], everything["billableHours"]) == (3.75, 3.5)
    of_a = await time_of(firm, clientEntityId=a["entity"]["id"], **{"from": "2026-03-10"})
    assert [(e["hours"], e["billable"], e["rate"]) for e in of_a["entries"]] == [
        (0.25, False, RATE)
    ]


@pytest.mark.parametrize("hours", ["0", "0.3", "-1", "24.25"])
async def test_hours_must_be_whole_quarter_hours(firm: Tenant, hours: str):
    client = await new_client(firm)
    response = await firm.post(
        "/api/practice/time",
        {
            "firmEntityId": str(firm.tenant_id),
            "entityId": client["entity"]["id"],
            "date": "2026-03-02",
            "hours": hours,
        },
    )
    error_details(response, 400, "INVALID_INPUT")


async def test_time_for_an_entity_that_is_not_a_client_is_refused(
    firm: Tenant, other_tenant: Tenant
):
    response = await firm.post(
        "/api/practice/time",
        {
            "firmEntityId": str(firm.tenant_id),
            "entityId": str(other_tenant.tenant_id),
            "date": "2026-03-02",
            "hours": "1",
        },
    )
    error_details(response, 404, "CLIENT_NOT_FOUND")


async def test_an_entry_is_deleted_until_it_is_invoiced(firm: Tenant):
    client = await new_client(firm)
    kept, dropped = await record(firm, client), await record(firm, client)
    params = {"firmEntityId": str(firm.tenant_id)}

    deleted = await firm.delete(
        "/api/practice/time", params={**params, "timeEntryId": dropped["id"]}
    )

    assert deleted.json() == {"id": dropped["id"], "deleted": True}
    assert [e["id"] for e in (await time_of(firm))["entries"]] == [kept["id"]]
    again = await firm.delete("/api/practice/time", params={**params, "timeEntryId": dropped["id"]})
    error_details(again, 404, "TIME_ENTRY_NOT_FOUND")
    assert (await bill(firm, client, kept)).status_code == 201
    invoiced = await firm.delete("/api/practice/time", params={**params, "timeEntryId": kept["id"]})
    error_details(invoiced, 409, "TIME_ENTRY_INVOICED")


# --- billing --------------------------------------------------------------------------------


async def test_billing_time_books_the_invoice_and_marks_the_entries_at_once(firm: Tenant):
    client = await new_client(firm)
    first = await record(firm, client, "1.5")  # 180.00
    second = await record(firm, client, "0.75", rate=10_000, date="2026-03-05")  # 75.00

    response = await bill(firm, client, second, first)

    assert response.status_code == 201, response.text
    body = response.json()
    invoice = body["invoice"]
    assert (invoice["total"], invoice["lineCount"], body["markedEntries"]) == (30_345, 2, 2)
    assert re.fullmatch(r"HON-\d{4}-00001", invoice["number"])
    booked = (await firm.get(f"/v1/outgoing-invoices/{invoice['id']}")).json()
    assert (booked["invoice_number"], booked["status"], booked["total_gross"]) == (
        invoice["number"],
        "open",
        303.45,
    )
    assert [line["description"] for line in booked["lines"]] == [
        "02.03.2026 Monatsabschluss",
        "05.03.2026 Monatsabschluss",
    ]
    journal = (await firm.get(f"/v1/journal/{invoice['intentId']}")).json()
    credited = sorted((line["account_credit"], line["amount"]) for line in journal["entries"])
    assert credited == [("3806", 48.45), ("4400", 255.0)]
    assert {e["status"] for e in (await time_of(firm))["entries"]} == {"invoiced"}


async def test_billing_the_same_entries_again_answers_the_first_invoice(firm: Tenant):
    client = await new_client(firm)
    entry = await record(firm, client)
    first = await bill(firm, client, entry)

    retry = await bill(firm, client, entry)

    assert (retry.status_code, retry.headers["Idempotent-Replayed"]) == (200, "true")
    assert retry.json() == first.json()
    count = await firm.ledger.pool.fetchval(
        "select count(*) from invoices where tenant_id = $1", firm.tenant_id
    )
    assert count == 1


async def test_a_refused_invoice_leaves_every_entry_unbilled(firm: Tenant):
    client, other = await new_client(firm), await new_client(firm)
    fine = await record(firm, client)
    unpaid_work = await record(firm, client, billable=False)
    foreign = await record(firm, other)

    not_billable = await bill(firm, client, fine, unpaid_work)
    of_other = await bill(firm, client, fine, foreign)
    missing = await bill(firm, client, fine, {"id": str(uuid.uuid4())})

    error_details(not_billable, 400, "TIME_ENTRY_NOT_BILLABLE")
    error_details(of_other, 400, "TIME_ENTRY_OF_OTHER_CLIENT")
    error_details(missing, 404, "TIME_ENTRY_NOT_FOUND")
    assert {e["status"] for e in (await time_of(firm))["entries"]} == {"unbilled"}
    assert (
        await firm.ledger.pool.fetchval(
            "select count(*) from invoices where tenant_id = $1", firm.tenant_id
        )
        == 0
    )
    assert (await bill(firm, client, fine)).status_code == 201
    error_details(
        await bill(firm, client, fine, await record(firm, client)), 409, "TIME_ENTRY_INVOICED"
    )


async def test_time_to_cash_a_reconciled_payment_marks_the_invoice_paid(firm: Tenant):
    client = await new_client(firm)
    invoice = (await bill(firm, client, await record(firm, client, "1"))).json()["invoice"]
    bank = await firm.post(
        "/v1/bank-accounts", {"name": "Hausbank", "iban": OWN_IBAN, "account_number": "1800"}
    )
    await firm.post(
        "/v1/bank-transactions",
        {
            "bank_account_id": bank.json()["id"],
            "transactions": [
                {"tx_date": "2026-03-20", "amount": "142.80", "reference": invoice["number"]}
            ],
        },
    )
    [tx] = (await firm.get("/v1/bank-transactions")).json()["transactions"]

    done = await reconcile(
        firm, tx, intent_id=invoice["intentId"], candidate_kind="open_receivable"
    )

    assert done.status_code == 200, done.text
    paid = (await firm.get(f"/v1/outgoing-invoices/{invoice['id']}")).json()
    assert (paid["status"], paid["remaining_amount"]) == ("paid", 0)


async def test_the_billing_overview_shows_fees_discount_and_unbilled_time(firm: Tenant):
    starter = await new_client(firm)
    direct = await new_client(firm, tier="BUSINESS", billingMode="client_direct")
    await record(firm, starter, "2")
    await record(firm, starter, "1", billable=False)

    response = await firm.get("/api/practice/billing", params={"firmEntityId": str(firm.tenant_id)})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["partnerTier"], body["clientCount"], body["volumeDiscount"]) == ("standard", 2, 0)
    by_id = {c["entityId"]: c for c in body["clients"]}
    assert (
        by_id[starter["entity"]["id"]]["unbilledHours"],
        by_id[starter["entity"]["id"]]["unbilledValue"],
    ) == (2, 24_000)
    assert by_id[direct["entity"]["id"]]["monthlyFee"] == 29_900
    assert body["monthlyFees"] == 7_900  # client_direct clients pay the platform themselves


# --- engagements ----------------------------------------------------------------------------


async def test_a_monthly_engagement_lists_a_task_per_month_and_completes_them(firm: Tenant):
    client = await new_client(firm)
    start = (firm.ledger.clock().date().replace(day=1) - timedelta(days=40)).replace(day=15)
    created = await firm.post(
        "/api/practice/engagements",
        {
            "firmEntityId": str(firm.tenant_id),
            "entityId": client["entity"]["id"],
            "name": "Finanzbuchhaltung",
            "startDate": start.isoformat(),
            "type": "bookkeeping",
            "recurrence": "monthly",
        },
    )
    assert created.status_code == 201, created.text
    engagement = created.json()
    tasks = engagement["tasks"]
    assert [t["period"] for t in tasks] == sorted(t["period"] for t in tasks)
    assert len(tasks) == 4  # two months ago, last month, this month, next month
    assert (
        tasks[0]["dueDate"]
        == (start.replace(day=1) + timedelta(days=40)).replace(day=10).isoformat()
    )
    assert tasks[0]["overdue"] is True

    done = await firm.patch(
        "/api/practice/engagements", {"firmEntityId": str(firm.tenant_id), "taskId": tasks[0]["id"]}
    )

    assert done.status_code == 200, done.text
    assert [t["status"] for t in done.json()["tasks"]] == ["completed", "open", "open", "open"]
    again = await firm.patch(
        "/api/practice/engagements", {"firmEntityId": str(firm.tenant_id), "taskId": tasks[0]["id"]}
    )
    error_details(again, 409, "INVALID_STATE_TRANSITION")
    closed = await firm.patch(
        "/api/practice/engagements",
        {
            "firmEntityId": str(firm.tenant_id),
            "engagementId": engagement["id"],
            "status": "completed",
        },
    )
    assert closed.json()["status"] == "completed"
    listed = await firm.get(
        "/api/practice/engagements", params={"firmEntityId": str(firm.tenant_id)}
    )
    assert [e["id"] for e in listed.json()["engagements"]] == [engagement["id"]]


@pytest.mark.parametrize(
    "body",
    [
        {"taskId": "kein-task"},
        {"taskId": f"{uuid.uuid4()}:2026-01"},
        {"engagementId": str(uuid.uuid4()), "status": "cancelled"},
    ],
    ids=["malformed task", "unknown engagement's task", "unknown engagement"],
)
async def test_unknown_tasks_and_engagements_are_not_found(firm: Tenant, body: dict):
    response = await firm.patch(
        "/api/practice/engagements", {"firmEntityId": str(firm.tenant_id), **body}
    )
    assert response.status_code == 404, response.text


async def test_an_engagement_patch_needs_a_task_or_a_status(firm: Tenant):
    response = await firm.patch("/api/practice/engagements", {"firmEntityId": str(firm.tenant_id)})
    error_details(response, 400, "INVALID_INPUT")


# --- working in a client's books ------------------------------------------------------------


async def test_a_firm_books_into_its_clients_books_with_x_entity_id(
    firm: Tenant, other_tenant: Tenant
):
    client = await new_client(firm)
    as_client = {**firm.headers, "X-Entity-Id": client["entity"]["id"]}
    body = booking(("6815", "debit", "50.00"), ("1800", "credit", "50.00"), day="2026-03-03")

    posted = await firm.client.post("/v1/bookings", headers=as_client, json=body)

    assert posted.status_code == 201, posted.text
    clients_journal = (await firm.client.get("/v1/journal", headers=as_client)).json()
    [line] = clients_journal["entries"]
    assert f"(partner firm {firm.tenant_id})" in line["created_by"]
    assert (await firm.get("/v1/journal")).json()["entries"] == []
    stranger = {**firm.headers, "X-Entity-Id": str(other_tenant.tenant_id)}
    error_details(await firm.client.get("/v1/journal", headers=stranger), 404, "CLIENT_NOT_FOUND")
    garbled = {**firm.headers, "X-Entity-Id": "nicht-eine-id"}
    error_details(await firm.client.get("/v1/journal", headers=garbled), 400, "INVALID_INPUT")


async def test_in_a_clients_books_access_control_stays_the_clients(firm: Tenant):
    client = await new_client(firm)
    as_client = {**firm.headers, "X-Entity-Id": client["entity"]["id"]}

    users = await firm.client.get("/v1/users", headers=as_client)
    keys = await firm.client.post(
        "/v1/api-keys", headers=as_client, json={"name": "x", "scopes": ["journal:read"]}
    )

    error_details(users, 403, "FORBIDDEN")
    error_details(keys, 403, "FORBIDDEN")
