"""API keys over HTTP: created with the secret shown once, used (last_used_at), narrowed,
revoked — each change effective on the next request; members see only their own keys."""

from __future__ import annotations

import httpx
import pytest

from api.bootstrap import issue_key
from tests.conftest import Tenant, error_details


async def create(tenant: Tenant, **body) -> dict:
    response = await tenant.post(
        "/v1/api-keys", {"name": "Buchhaltungs-Tool", "scopes": ["journal:read"], **body}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def as_key(tenant: Tenant, secret: str, path: str = "/v1/accounts") -> httpx.Response:
    return await tenant.client.get(path, headers={"Authorization": f"Bearer {secret}"})


async def test_a_new_key_works_at_once_and_its_use_is_kept(tenant: Tenant):
    key = await create(tenant)
    assert key["secret"].startswith(key["key_prefix"])
    assert (key["name"], key["scopes"], key["last_used_at"]) == (
        "Buchhaltungs-Tool",
        ["journal:read"],
        None,
    )

    assert (await as_key(tenant, key["secret"])).status_code == 200

    listed = (await tenant.get("/v1/api-keys")).json()["api_keys"]
    mine = next(k for k in listed if k["id"] == key["id"])
    assert "secret" not in mine
    assert mine["last_used_at"] is not None
    error_details(await as_key(tenant, key["secret"], "/v1/customers"), 403, "FORBIDDEN")


async def test_narrowing_and_revoking_a_key_take_effect_on_the_next_request(tenant: Tenant):
    key = await create(tenant, scopes=["journal:read", "debitoren:read"])
    assert (await as_key(tenant, key["secret"], "/v1/customers")).status_code == 200
    path = f"/v1/api-keys/{key['id']}"

    narrowed = await tenant.client.patch(
        path, headers=tenant.headers, json={"scopes": ["journal:read"], "name": "Nur Journal"}
    )

    assert narrowed.status_code == 200, narrowed.text
    assert (narrowed.json()["name"], narrowed.json()["scopes"]) == ("Nur Journal", ["journal:read"])
    error_details(await as_key(tenant, key["secret"], "/v1/customers"), 403, "FORBIDDEN")
    revoked = await tenant.client.delete(path, headers=tenant.headers)
    assert revoked.json()["revoked_at"] is not None
    error_details(await as_key(tenant, key["secret"]), 401, "UNAUTHORIZED")
    again = await tenant.client.delete(path, headers=tenant.headers)
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    error_details(
        await tenant.client.patch(path, headers=tenant.headers, json={"name": "x"}),
        404,
        "API_KEY_NOT_FOUND",
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"scopes": ["journal:delete"]}, "INVALID_INPUT"),
        ({"scopes": []}, "INVALID_INPUT"),
        ({"expires_at": "2000-01-01T00:00:00Z"}, "INVALID_INPUT"),
        ({"name": ""}, "INVALID_INPUT"),
    ],
)
async def test_a_key_with_unknown_scopes_or_a_past_expiry_is_refused(tenant: Tenant, body, code):
    response = await tenant.post(
        "/v1/api-keys", {"name": "Tool", "scopes": ["journal:read"], **body}
    )
    error_details(response, 400, code)


async def test_a_member_manages_only_their_own_keys_from_their_session(tenant: Tenant):
    owners = await create(tenant)
    headers = await tenant.session(await tenant.add_user("member"))
    mine = await tenant.client.post(
        "/v1/api-keys", headers=headers, json={"name": "Mein Tool", "scopes": ["journal:write"]}
    )
    assert mine.status_code == 201, mine.text

    listed = (await tenant.client.get("/v1/api-keys", headers=headers)).json()["api_keys"]

    assert [k["name"] for k in listed] == ["Mein Tool"]
    foreign = await tenant.client.get(f"/v1/api-keys/{owners['id']}", headers=headers)
    error_details(foreign, 404, "API_KEY_NOT_FOUND")
    error_details(
        await tenant.client.delete(f"/v1/api-keys/{owners['id']}", headers=headers),
        404,
        "API_KEY_NOT_FOUND",
    )


async def test_a_member_cannot_escalate_to_admin(tenant: Tenant):
    member = await tenant.add_user("member")
    headers = await tenant.session(member)
    key = await create(tenant)  # the owner's

    generalschluessel = {"name": "Generalschlüssel", "scopes": ["admin"]}
    created = await tenant.client.post("/v1/api-keys", headers=headers, json=generalschluessel)
    assert error_details(created, 403, "FORBIDDEN") == {"scopes": ["admin"]}
    owners = f"/v1/api-keys/{key['id']}"
    hijacked = await tenant.client.patch(owners, headers=headers, json={"scopes": ["admin"]})
    error_details(hijacked, 404, "API_KEY_NOT_FOUND")
    mine = await tenant.client.post(
        "/v1/api-keys", headers=headers, json={"name": "Tool", "scopes": ["journal:read"]}
    )
    widened = await tenant.client.patch(
        f"/v1/api-keys/{mine.json()['id']}", headers=headers, json={"scopes": ["admin"]}
    )
    assert error_details(widened, 403, "FORBIDDEN") == {"scopes": ["admin"]}
    # A key made outside the API (the CLI) for a member still acts as a member.
    outside = await issue_key(
        tenant.ledger, tenant.tenant_id, member, label="CLI", scopes=("admin",)
    )
    as_member = {"Authorization": f"Bearer {outside.secret}"}
    assert (await tenant.client.get("/v1/accounts", headers=as_member)).status_code == 200
    error_details(await tenant.client.get("/v1/users", headers=as_member), 403, "FORBIDDEN")


async def test_a_demoted_admins_keys_lose_admin_on_the_next_request(tenant: Tenant):
    admin = await tenant.add_user("admin")
    key = await issue_key(tenant.ledger, tenant.tenant_id, admin, label="Admin", scopes=("admin",))
    headers = {"Authorization": f"Bearer {key.secret}"}
    assert (await tenant.client.get("/v1/users", headers=headers)).status_code == 200

    demoted = await tenant.patch(f"/v1/users/{admin}", {"role": "member"})

    assert demoted.status_code == 200, demoted.text
    error_details(await tenant.client.get("/v1/users", headers=headers), 403, "FORBIDDEN")
    assert (await tenant.client.get("/v1/accounts", headers=headers)).status_code == 200
