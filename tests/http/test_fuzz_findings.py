"""What schemathesis found against our own OpenAPI (tests/fuzz/test_schemathesis.py), each
kept as a regression: every one of these was a 500."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import Tenant, error_details

HUGE = str(10**22)  # beyond PostgreSQL's bigint


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/accounts?offset={HUGE}",
        f"/v1/audit/events?after={HUGE}",
        f"/v1/journal?after={HUGE}",
    ],
)
async def test_a_cursor_beyond_a_bigint_is_refused(tenant: Tenant, path: str):
    error_details(await tenant.get(path), 400, "INVALID_INPUT")


async def test_approving_the_lock_of_a_malformed_period_is_refused(tenant: Tenant):
    response = await tenant.post(f"/v1/periods/000000000/lock/{uuid.uuid4()}/approve")
    assert 400 <= response.status_code < 500, response.text


@pytest.mark.parametrize("email", ["bea\x00@example.test", "bea@exa\x01mple.test"])
async def test_an_email_with_control_characters_is_refused(tenant: Tenant, email: str):
    response = await tenant.post("/v1/users", {"email": email, "name": "Bea"})
    details = error_details(response, 400, "INVALID_INPUT")
    assert "e-mail address" in response.json()["error"]["message"], details


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/vendors?search=a%00b"),
        ("GET", "/v1/customers?search=%00"),
        ("DELETE", "/v1/tax-codes/US%00t19"),
    ],
)
async def test_a_nul_character_in_the_address_is_refused(tenant: Tenant, method: str, path: str):
    response = await tenant.client.request(method, path, headers=tenant.headers)
    error_details(response, 400, "INVALID_INPUT")
