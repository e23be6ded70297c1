"""GET /v1/tenant: the caller's master data, and only ever the caller's (reference §3.7).

What it proves: the tenant's documented fields come back with the values it was created
with (chart, fiscal-year start, VAT status), and whichever way a request names another
tenant (query string, a path below /v1/tenant, a key of the other tenant), a key only ever
sees its own tenant. How: two fresh tenants side by side on the real app.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from api.bootstrap import Ledger
from tests.conftest import Tenant, error_details, make_tenant

TENANT_FIELDS = {
    "id",
    "company_name",
    "tax_id",
    "vat_id",
    "legal_form",
    "fiscal_year_start",
    "vat_registered",
    "account_framework",
    "datev",
    "street",
    "zip",
    "city",
    "country",
    "contact_name",
    "contact_phone",
    "contact_email",
}


async def tenant_of(tenant: Tenant, **kwargs) -> dict:
    response = await tenant.get("/v1/tenant", **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("framework", "fiscal_year_start"), [("skr04", 1), ("skr03", 1), ("skr04", 7)]
)
async def test_the_tenant_answers_its_documented_fields_as_created(
    ledger: Ledger, client: httpx.AsyncClient, framework: str, fiscal_year_start: int
):
    tenant = await make_tenant(
        ledger, client, framework=framework, fiscal_year_start=fiscal_year_start
    )
    body = await tenant_of(tenant)
    assert set(body) == TENANT_FIELDS
    assert body["id"] == str(tenant.tenant_id)
    assert body["company_name"].startswith("Test ")
    assert body["account_framework"] == framework
    assert body["fiscal_year_start"] == fiscal_year_start
    assert body["vat_registered"] is True
    assert (body["tax_id"], body["vat_id"], body["legal_form"]) == (None, None, None)


async def test_two_tenants_each_see_only_themselves(tenant: Tenant, other_tenant: Tenant):
    mine, theirs = await tenant_of(tenant), await tenant_of(other_tenant)
    assert mine["id"] == str(tenant.tenant_id)
    assert theirs["id"] == str(other_tenant.tenant_id)
    assert mine["company_name"] != theirs["company_name"]


@pytest.mark.parametrize("name", ["id", "tenant_id", "tenant"])
async def test_naming_another_tenant_in_the_query_is_ignored(
    tenant: Tenant, other_tenant: Tenant, name: str
):
    body = await tenant_of(tenant, params={name: str(other_tenant.tenant_id)})
    assert body["id"] == str(tenant.tenant_id)


async def test_a_path_below_tenant_is_not_found_for_another_and_for_an_unknown_id(
    tenant: Tenant, other_tenant: Tenant
):
    for tenant_id in (other_tenant.tenant_id, uuid.uuid4()):
        response = await tenant.get(f"/v1/tenant/{tenant_id}")
        error_details(response, 404, "NOT_FOUND")
        assert str(tenant_id) not in response.text


async def test_every_key_of_a_tenant_sees_that_tenant(tenant: Tenant):
    headers = await tenant.key_with("config:read")
    body = await tenant_of(tenant, headers=headers)
    assert body["id"] == str(tenant.tenant_id)


async def test_writing_the_tenant_with_an_api_key_is_forbidden(tenant: Tenant):
    """The reference reserves master-data changes to the owner's session (not API keys)."""
    response = await tenant.patch("/v1/tenant", {"company_name": "Übernommen GmbH"})
    error_details(response, 403, "FORBIDDEN")
    assert (await tenant_of(tenant))["company_name"] != "Übernommen GmbH"


async def test_only_the_owner_logged_in_changes_the_master_data(tenant: Tenant):
    change = {"street": "Musterstraße 1", "zip": "10115", "city": "Berlin", "vat_id": "de136695976"}
    with_key = await tenant.client.patch("/v1/tenant", headers=tenant.headers, json=change)
    error_details(with_key, 403, "FORBIDDEN")

    headers = await tenant.session()
    changed = await tenant.client.patch("/v1/tenant", headers=headers, json=change)

    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["street"], body["zip"], body["city"], body["vat_id"]) == (
        "Musterstraße 1",
        "10115",
        "Berlin",
        "DE136695976",
    )
    error_details(
        await tenant.client.patch("/v1/tenant", headers=headers, json={}), 400, "NO_CHANGES"
    )
    bad = await tenant.client.patch("/v1/tenant", headers=headers, json={"vat_id": "DE123"})
    error_details(bad, 400, "INVALID_VAT_ID")
