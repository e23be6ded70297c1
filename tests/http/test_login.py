"""Login over HTTP: an invitation mail's link sets the password, login gives a session that
works like a key with the user's role, logout ends it; answers never tell whether an account
exists; repeated failures are throttled with 429; a reset link replaces the password and
ends the other sessions."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.conftest import Tenant, error_details
from tests.http.route_table import PUBLIC_V1_ROUTES

PASSWORD = "korrekt Pferd Batterie 42"


def test_only_the_credential_routes_the_contact_form_and_shared_reports_are_public():
    assert sorted(route.id for route in PUBLIC_V1_ROUTES) == [
        "GET /api/reports/share/{token}",
        "POST /v1/auth/forgot-password",
        "POST /v1/auth/login",
        "POST /v1/auth/logout",
        "POST /v1/auth/setup-password",
        "POST /v1/contact",
    ]


async def link_token(tenant: Tenant, email: str) -> str:
    body = await tenant.ledger.pool.fetchval(
        "select body from mail_outbox where recipient = $1 order by created_at desc limit 1",
        email,
    )
    return re.search(r"token=(lt_[0-9a-f]{64})", body)[1]


async def invited(tenant: Tenant) -> str:
    email = f"buchhalterin-{uuid.uuid4().hex[:6]}@example.test"
    response = await tenant.post("/v1/users", {"email": email, "name": "Buchhalterin"})
    assert response.status_code == 201, response.text
    return email


async def setup(client: httpx.AsyncClient, token: str, password: str = PASSWORD):
    return await client.post("/v1/auth/setup-password", json={"token": token, "password": password})


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD):
    return await client.post("/v1/auth/login", json={"email": email, "password": password})


async def test_an_invited_member_sets_a_password_logs_in_and_out(
    tenant: Tenant, visitor: httpx.AsyncClient
):
    email = await invited(tenant)
    token = await link_token(tenant, email)
    error_details(await setup(visitor, token, "kurz"), 400, "PASSWORD_POLICY")
    assert (await setup(visitor, token)).json() == {"ok": True, "message": None}
    error_details(await setup(visitor, token), 400, "INVALID_TOKEN")

    session = await login(visitor, email)

    assert session.status_code == 200, session.text
    body = session.json()
    assert (body["user"]["email"], body["user"]["role"]) == (email, "member")
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert (await tenant.client.get("/v1/accounts", headers=headers)).status_code == 200
    error_details(await tenant.client.get("/v1/users", headers=headers), 403, "FORBIDDEN")
    assert (await tenant.client.post("/v1/auth/logout", headers=headers)).json()["ok"] is True
    error_details(await tenant.client.get("/v1/accounts", headers=headers), 401, "UNAUTHORIZED")


async def test_a_wrong_password_and_an_unknown_address_look_the_same(
    tenant: Tenant, visitor: httpx.AsyncClient
):
    email = await invited(tenant)
    await setup(visitor, await link_token(tenant, email))

    wrong = await login(visitor, email, "falsches Passwort 123")
    unknown = await login(visitor, f"nobody-{uuid.uuid4().hex[:6]}@example.test")

    assert (wrong.status_code, wrong.json()) == (unknown.status_code, unknown.json())
    assert wrong.status_code == 401


async def test_repeated_failures_are_throttled_with_retry_after(
    tenant: Tenant, visitor: httpx.AsyncClient
):
    email = await invited(tenant)
    await setup(visitor, await link_token(tenant, email))
    for _ in range(5):
        assert (await login(visitor, email, "falsches Passwort 123")).status_code == 401

    throttled = await login(visitor, email)

    error_details(throttled, 429, "TOO_MANY_ATTEMPTS")
    assert int(throttled.headers["Retry-After"]) > 0


async def test_a_reset_link_replaces_the_password_and_ends_other_sessions(
    tenant: Tenant, visitor: httpx.AsyncClient
):
    email = await invited(tenant)
    await setup(visitor, await link_token(tenant, email))
    old = (await login(visitor, email)).json()["token"]
    missing = await visitor.post("/v1/auth/forgot-password", json={"email": "nobody@example.test"})

    existing = await visitor.post("/v1/auth/forgot-password", json={"email": email})

    assert (existing.status_code, existing.json()) == (missing.status_code, missing.json())
    new_password = "ganz neues Passwort 2026"
    assert (await setup(visitor, await link_token(tenant, email), new_password)).status_code == 200
    error_details(
        await tenant.client.get("/v1/accounts", headers={"Authorization": f"Bearer {old}"}),
        401,
        "UNAUTHORIZED",
    )
    assert (await login(visitor, email, new_password)).status_code == 200
    assert (await login(visitor, email)).status_code == 401


@pytest.mark.parametrize("password", ["kurz", "aaaaaaaaaaaaaaaa"])
async def test_the_password_policy_is_enforced(
    tenant: Tenant, visitor: httpx.AsyncClient, password: str
):
    email = await invited(tenant)
    error_details(
        await setup(visitor, await link_token(tenant, email), password), 400, "PASSWORD_POLICY"
    )
