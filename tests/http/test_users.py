"""Users over HTTP: the owner invites, promotes and deactivates; a member cannot manage users;
a deactivated user's keys are refused on the next request; the owner stays the owner."""

from __future__ import annotations

import uuid

import pytest

from api.bootstrap import issue_key
from tests.conftest import Tenant, error_details


async def invite(tenant: Tenant, role: str = "member") -> dict:
    response = await tenant.post(
        "/v1/users",
        {"email": f"u-{uuid.uuid4().hex[:6]}@example.test", "name": "Mitarbeiterin", "role": role},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def key_of(tenant: Tenant, user: dict) -> dict[str, str]:
    issued = await issue_key(
        tenant.ledger, tenant.tenant_id, uuid.UUID(user["id"]), label="k", scopes=("admin",)
    )
    return {"Authorization": f"Bearer {issued.secret}"}


async def test_the_owner_invites_promotes_and_deactivates_a_user(tenant: Tenant):
    member = await invite(tenant)
    members = await key_of(tenant, member)
    assert member["role"] == "member"
    refused = await tenant.client.post(
        "/v1/users", headers=members, json={"email": "x@example.test", "name": "X"}
    )
    error_details(refused, 403, "FORBIDDEN")

    promoted = await tenant.client.patch(
        f"/v1/users/{member['id']}", headers=tenant.headers, json={"role": "admin"}
    )

    assert promoted.json()["role"] == "admin"
    assert (await tenant.client.get("/v1/users", headers=members)).status_code == 200
    gone = await tenant.client.delete(f"/v1/users/{member['id']}", headers=tenant.headers)
    assert gone.json()["is_active"] is False
    error_details(await tenant.client.get("/v1/users", headers=members), 401, "UNAUTHORIZED")
    error_details(
        await tenant.client.delete(f"/v1/users/{member['id']}", headers=tenant.headers),
        404,
        "USER_NOT_FOUND",
    )


@pytest.mark.parametrize(
    ("target", "method", "body", "status", "code"),
    [
        ("owner", "patch", {"role": "member"}, 400, "INVALID_INPUT"),
        ("owner", "delete", None, 400, "INVALID_INPUT"),
        ("member", "patch", {"role": "member"}, 400, "NO_CHANGES"),
        ("unknown", "patch", {"role": "admin"}, 404, "USER_NOT_FOUND"),
    ],
)
async def test_what_users_cannot_change(tenant: Tenant, target, method, body, status, code):
    user_id = {
        "owner": str(tenant.owner_id),
        "member": (await invite(tenant))["id"],
        "unknown": str(uuid.uuid4()),
    }[target]
    response = await tenant.client.request(
        method.upper(), f"/v1/users/{user_id}", headers=tenant.headers, json=body
    )
    error_details(response, status, code)


async def test_an_email_is_one_user(tenant: Tenant):
    user = await invite(tenant)
    again = await tenant.post("/v1/users", {"email": user["email"], "name": "Zwei"})
    error_details(again, 409, "DUPLICATE_EMAIL")
    listed = (await tenant.get("/v1/users")).json()["users"]
    assert [u["role"] for u in listed] == ["owner", "member"]
