"""Abuse protection over HTTP: per-key and per-session rate limits (429 with Retry-After), the
public contact form (honeypot, limits per sender and network address), limited reset
requests and failed logins per network address, a body limit on every route that reads one
(413), and JSON nesting bounded by every route's body type."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import msgspec.inspect as mi
import pytest
from litestar import Litestar

from api.bootstrap import Ledger
from api.settings import RATE_LIMIT_BURST, RATE_LIMIT_PER_MINUTE, Settings
from schemas import limits
from tests.conftest import Tenant, asgi_client, booking, error_details, serve, settings_for
from tests.http.route_table import ALL_ROUTES, Route, sample_url

README = Path(__file__).parents[2] / "README.md"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Routes that read the raw body themselves instead of declaring `data`.
RAW_BODY_ROUTES = frozenset({"POST /v1/inbox"})


def body_type(route: Route) -> object | None:
    data = route.handler.parsed_fn_signature.parameters.get("data")
    return data.annotation if data is not None else None


def is_json_body(route: Route) -> bool:
    data = route.handler.parsed_fn_signature.parameters.get("data")
    media_type = getattr(data.kwarg_definition, "media_type", None) if data else None
    return media_type is not None and media_type.value == "application/json"


BODY_ROUTES = tuple(
    route
    for route in ALL_ROUTES
    if route.method in BODY_METHODS
    and (body_type(route) is not None or route.id in RAW_BODY_ROUTES)
)
JSON_ROUTES = tuple(route for route in BODY_ROUTES if is_json_body(route))


# --- rate limits per key and session ------------------------------------------------------


@pytest.fixture
async def limited(ledger: Ledger) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a small limit: 3 requests at once, then one a minute (so a slow machine
    cannot earn a request back while a test runs)."""
    settings = dataclasses.replace(
        settings_for(ledger.database_url), rate_limit_per_minute=1, rate_limit_burst=3
    )
    async with asgi_client(serve(ledger, settings)) as client:
        yield client


async def test_a_key_over_its_limit_gets_429_with_retry_after_while_other_keys_go_on(
    tenant: Tenant, limited: httpx.AsyncClient
):
    for _ in range(3):
        assert (await limited.get("/v1/accounts", headers=tenant.headers)).status_code == 200

    refused = await limited.get("/v1/accounts", headers=tenant.headers)

    wait = error_details(refused, 429, "RATE_LIMITED")["retry_after"]
    assert 50 < wait <= 60  # the next token, a minute after the first, less the seconds gone
    assert refused.headers["Retry-After"] == str(wait)
    assert "POST /v1/bookings/batch" in refused.json()["error"]["message"]
    other_key = await tenant.key_with("journal:read")
    assert (await limited.get("/v1/accounts", headers=other_key)).status_code == 200
    session = await tenant.session()
    for _ in range(3):
        assert (await limited.get("/v1/accounts", headers=session)).status_code == 200
    error_details(await limited.get("/v1/accounts", headers=session), 429, "RATE_LIMITED")


async def test_a_refused_request_leaves_no_trace_in_the_books(
    tenant: Tenant, limited: httpx.AsyncClient
):
    def rent(month: int) -> dict:
        return booking(
            ("6310", "debit", "100.00"), ("1800", "credit", "100.00"), day=f"2026-0{month}-01"
        )

    answers = [
        (await limited.post("/v1/bookings", headers=tenant.headers, json=rent(m))).status_code
        for m in range(1, 6)
    ]

    assert answers == [201, 201, 201, 429, 429]
    journal = (await tenant.get("/v1/journal")).json()
    assert len(journal["entries"]) == 3


def test_the_default_limit_is_on_and_the_readme_states_it(monkeypatch):
    monkeypatch.delenv("LEDGER_RATE_LIMIT", raising=False)
    monkeypatch.delenv("LEDGER_RATE_BURST", raising=False)

    settings = Settings.from_env()

    assert (settings.rate_limit_per_minute, settings.rate_limit_burst) == (1_200, 200)
    assert (RATE_LIMIT_PER_MINUTE, RATE_LIMIT_BURST) == (1_200, 200)
    readme = README.read_text()
    assert "| `LEDGER_RATE_LIMIT` | `1200` |" in readme
    assert "| `LEDGER_RATE_BURST` | `200` |" in readme


# --- the contact form ---------------------------------------------------------------------

MESSAGE = {"name": "Erika Mustermann", "message": "Bitte rufen Sie mich zurück."}


def contact(email: str, **extra) -> dict:
    return {**MESSAGE, "email": email, **extra}


async def kept(ledger: Ledger, email: str) -> list[str]:
    rows = await ledger.pool.fetch(
        "select message from contact_messages where email = $1 order by received_at", email
    )
    return [row["message"] for row in rows]


async def test_a_contact_message_is_kept_and_mailed_to_the_operator(
    ledger: Ledger, visitor: httpx.AsyncClient, monkeypatch
):
    monkeypatch.setenv("LEDGER_CONTACT_TO", "betrieb@example.test")
    sender = f"erika-{id(visitor)}@example.test"

    answer = await visitor.post("/v1/contact", json=contact(sender))

    assert (answer.status_code, answer.json()) == (200, {"ok": True, "message": None})
    assert await kept(ledger, sender) == [MESSAGE["message"]]
    mail = await ledger.pool.fetchrow(
        "select subject, body from mail_outbox where recipient = 'betrieb@example.test'"
        " order by created_at desc limit 1"
    )
    assert mail["subject"] == "Kontaktformular: Erika Mustermann"
    assert f"<{sender}>" in mail["body"]
    assert MESSAGE["message"] in mail["body"]


async def test_a_filled_honeypot_is_answered_alike_and_dropped(
    ledger: Ledger, visitor: httpx.AsyncClient
):
    bot = f"bot-{id(visitor)}@example.test"

    answer = await visitor.post("/v1/contact", json=contact(bot, _honeypot="http://spam.test"))

    assert (answer.status_code, answer.json()) == (200, {"ok": True, "message": None})
    assert await kept(ledger, bot) == []


async def test_contact_messages_are_limited_per_sender_and_per_network_address(
    app: Litestar, visitor: httpx.AsyncClient
):
    sender = f"eilig-{id(visitor)}@example.test"
    answers = [
        (await visitor.post("/v1/contact", json=contact(sender))).status_code for _ in "1234"
    ]
    assert answers == [200, 200, 200, 429]
    async with asgi_client(app, "192.0.2.77") as elsewhere:  # the sender, from elsewhere
        error_details(
            await elsewhere.post("/v1/contact", json=contact(sender)), 429, "TOO_MANY_ATTEMPTS"
        )

    others = [
        (await visitor.post("/v1/contact", json=contact(f"{n}-{sender}"))).status_code
        for n in range(8)
    ]

    assert others == [200] * 7 + [429]  # 10 an hour from one network address
    throttled = await visitor.post("/v1/contact", json=contact(f"x-{sender}"))
    assert int(throttled.headers["Retry-After"]) > 3000  # an hour, less the seconds gone


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Erika", "message": "Hallo"},
        {"name": "Erika", "email": "keine-adresse", "message": "Hallo"},
        {"name": "", "email": "erika@example.test", "message": "Hallo"},
        {"name": "Erika", "email": "erika@example.test", "message": "x" * 5_001},
        {"name": "Erika", "email": "erika@example.test", "message": "Hallo", "phone": "0"},
    ],
    ids=["no e-mail", "bad e-mail", "no name", "too long", "unknown field"],
)
async def test_an_incomplete_contact_message_is_refused(visitor: httpx.AsyncClient, body):
    error_details(await visitor.post("/v1/contact", json=body), 400, "INVALID_INPUT")


# --- resets and logins per network address ------------------------------------------------


async def test_reset_requests_are_limited_alike_for_existing_and_missing_accounts(
    tenant: Tenant, visitor: httpx.AsyncClient
):
    owner = await tenant.ledger.pool.fetchval(
        "select email from users where id = $1", tenant.owner_id
    )
    missing = f"niemand-{id(visitor)}@example.test"

    def ask(email: str):
        return visitor.post("/v1/auth/forgot-password", json={"email": email})

    existing_answers = [(await ask(owner)).status_code for _ in range(4)]
    missing_answers = [(await ask(missing)).status_code for _ in range(4)]

    assert existing_answers == missing_answers == [202, 202, 202, 429]
    mails = await tenant.ledger.pool.fetchval(
        "select count(*) from mail_outbox where recipient = $1", owner
    )
    assert mails == 3


async def test_failed_logins_from_one_network_address_are_throttled(visitor: httpx.AsyncClient):
    answers = [
        (
            await visitor.post(
                "/v1/auth/login",
                json={"email": f"raten-{n}@example.test", "password": "geraten 12345"},
            )
        ).status_code
        for n in range(21)
    ]

    assert answers == [401] * 20 + [429]


# --- request size and JSON depth ----------------------------------------------------------


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda route: route.id)
async def test_every_route_refuses_a_body_over_its_limit_with_413(
    route: Route, client: httpx.AsyncClient, tenant: Tenant
):
    limit = route.handler.resolve_request_max_body_size()
    assert limit is not None

    response = await client.request(
        route.method,
        sample_url(route),
        headers={**tenant.headers, "Content-Type": "application/json"},
        content=b" " * (limit + 1),
    )

    assert error_details(response, 413, "PAYLOAD_TOO_LARGE") == {"max_bytes": limit}


async def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(
    client: httpx.AsyncClient, tenant: Tenant
):
    async def chunks():
        for _ in range(limits.PUBLIC_BODY_BYTES_MAX // 1024 + 1):
            yield b" " * 1024

    response = await client.post(
        "/v1/contact", headers={"Content-Type": "application/json"}, content=chunks()
    )

    assert error_details(response, 413, "PAYLOAD_TOO_LARGE") == {
        "max_bytes": limits.PUBLIC_BODY_BYTES_MAX
    }


def nesting(t: mi.Type, path: tuple[type, ...] = ()) -> int:
    """How deep a JSON value of this type can nest; a test failure for free-form JSON."""
    match t:
        case mi.StructType():
            assert t.cls not in path, f"{t.cls.__name__} contains itself: unbounded nesting"
            return 1 + max((nesting(f.type, (*path, t.cls)) for f in t.fields), default=0)
        case mi.ListType() | mi.SetType() | mi.FrozenSetType() | mi.VarTupleType():
            return 1 + nesting(t.item_type, path)
        case mi.TupleType():
            return 1 + max((nesting(item, path) for item in t.item_types), default=0)
        case mi.DictType():
            return 1 + max(nesting(t.key_type, path), nesting(t.value_type, path))
        case mi.UnionType():
            return max(nesting(member, path) for member in t.types)
        case mi.Metadata():
            return nesting(t.type, path)
        case mi.AnyType() | mi.RawType():
            raise AssertionError("free-form JSON: nesting not bounded by the type")
        case _:
            return 0


@pytest.mark.parametrize("route", JSON_ROUTES, ids=lambda route: route.id)
def test_every_json_body_nests_no_deeper_than_the_documented_limit(route: Route):
    assert nesting(mi.type_info(body_type(route))) <= limits.JSON_DEPTH_MAX


@pytest.mark.parametrize("route", JSON_ROUTES, ids=lambda route: route.id)
async def test_deeply_nested_json_is_refused_with_400(
    route: Route, client: httpx.AsyncClient, tenant: Tenant
):
    depth = 5_000  # far past the decoder's recursion limit, within every route's body limit
    for body in (b"[" * depth + b"]" * depth, b'{"lines": ' + b"[" * depth + b"]" * depth + b"}"):
        response = await client.request(
            route.method,
            sample_url(route),
            headers={**tenant.headers, "Content-Type": "application/json"},
            content=body,
        )
        error_details(response, 400, "INVALID_INPUT")
