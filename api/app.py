"""The Litestar application: routers, auth guard, dependencies, error envelope, OpenAPI."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Litestar, Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import JSONBody
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE

from api.auth import Caller, authorize, caller_of
from api.bootstrap import Ledger, open_ledger
from api.errors import EXCEPTION_HANDLERS, ApiError
from api.openapi import ERROR_RESPONSES, DecimalSchemaPlugin
from api.rate_limit import TokenBuckets
from api.requests import LedgerRequest
from api.responses import LedgerResponse
from api.routes import (
    accounts,
    api_keys,
    audit,
    auth_routes,
    bank_accounts,
    bank_imports,
    bank_transactions,
    config,
    contact,
    documents,
    einvoice_out,
    exports,
    extraction,
    imports,
    inbox,
    invoices,
    journal,
    match_groups,
    parties,
    payment_runs,
    periods,
    practice,
    practice_reports,
    reconciliation,
    reports,
    review_cases,
    users,
)
from api.settings import Settings
from schemas import limits
from schemas.journal import PostBookingIn

API_VERSION = "1.0.0"


class HealthOut(msgspec.Struct, kw_only=True):
    status: str
    database: str
    version: str
    position: int | None = None


@get(
    "/health",
    operation_id="GetHealth",
    tags=["System"],
    opt={"public": True},
    security=[{}],  # OpenAPI: no key needed (overrides the document-wide bearer requirement)
)
async def health(ledger: NamedDependency[Ledger]) -> Response[HealthOut]:
    """Liveness and database status (no authentication)."""
    try:
        async with ledger.pool.acquire(timeout=2) as conn:
            position = await conn.fetchval("select coalesce(max(position), 0) from events")
    except Exception as error:  # any failure here means "database down", which we report
        body = HealthOut(
            status="degraded", database=f"unavailable: {type(error).__name__}", version=API_VERSION
        )
        return LedgerResponse(body, status_code=HTTP_503_SERVICE_UNAVAILABLE)
    return LedgerResponse(
        HealthOut(status="ok", database="ok", version=API_VERSION, position=position)
    )


class NoopOut(msgspec.Struct, kw_only=True):
    lines: int
    total: Decimal


@post(
    "/bench/noop",
    operation_id="BenchNoop",
    tags=["System"],
    status_code=200,
    include_in_schema=False,
    request_max_body_size=limits.BOOKING_BODY_BYTES_MAX,
)
async def bench_noop(data: JSONBody[PostBookingIn]) -> NoopOut:
    """Decodes a booking body and does nothing else: the baseline of `make bench`."""
    return NoopOut(lines=len(data.lines), total=sum((x.debit or 0 for x in data.lines), Decimal(0)))


def provide_ledger(state: State) -> Ledger:
    return state.ledger


def provide_caller(request: Request, ledger: NamedDependency[Ledger]) -> Caller:
    """The guard's authenticated caller.

    It names `ledger` only to order the two dependencies: Litestar resolves independent
    dependencies of a request concurrently, with a task group per request (measured: ~10 %
    of a booking's server time); dependent ones it resolves one after the other.
    """
    del ledger
    return caller_of(request)


async def check_request(request: Request) -> None:
    """Before any route of /v1 and /api: no NUL character in the query (text with one cannot
    be searched in PostgreSQL; paths are checked by their routes), and a JSON route refuses a
    body declared as something else (415) instead of guessing.

    Async on purpose: Litestar runs a sync hook in a worker thread, a hop per request.
    """
    if b"%00" in request.scope["query_string"]:
        pairs = request.query_params.multi_items()
        names = sorted({name for name, value in pairs if "\x00" in value})
        raise ApiError(
            "INVALID_INPUT",
            f"{', '.join(names) or 'The query'}: without the NUL character (U+0000).",
            parameters=names,
        )
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    expects = getattr(data.kwarg_definition, "media_type", None) if data else None
    declared, _ = request.content_type
    is_json = declared == "application/json" or declared.endswith("+json")
    if expects is RequestEncodingType.JSON and declared and not is_json:
        raise ApiError(
            "UNSUPPORTED_MEDIA_TYPE",
            "Send the body as JSON with 'Content-Type: application/json'.",
            content_type=declared,
        )


def create_app(
    settings: Settings | None = None,
    *,
    ledger: Ledger | None = None,
    bench_endpoints: bool | None = None,
) -> Litestar:
    """Build the app. With `ledger` given (tests), the caller owns and closes it."""
    settings = settings or Settings.from_env()
    if bench_endpoints is None:
        bench_endpoints = os.environ.get("LEDGER_BENCH_ENDPOINTS") == "1"

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owned = ledger is None
        current = ledger or await open_ledger(settings, serving=True)
        app.state.ledger = current
        app.state.pool = current.pool
        listener = None
        if settings.smtp_listen:
            from api.smtp import start_listener

            listener = await start_listener(current, settings.smtp_listen)
        try:
            yield
        finally:
            if listener is not None:
                listener.close()
                await listener.wait_closed()
            if owned:
                await current.close()

    v1_routes = [
        *journal.ROUTES,
        *accounts.ROUTES,
        *config.ROUTES,
        *periods.ROUTES,
        *audit.ROUTES,
        *exports.ROUTES,
        *documents.ROUTES,
        *parties.ROUTES,
        *invoices.ROUTES,
        *bank_accounts.ROUTES,
        *payment_runs.ROUTES,
        *bank_imports.ROUTES,
        *bank_transactions.ROUTES,
        *reconciliation.ROUTES,
        *match_groups.ROUTES,
        *reports.ROUTES,
        *imports.ROUTES,
        *extraction.ROUTES,
        *inbox.ROUTES,
        *review_cases.ROUTES,
        *einvoice_out.ROUTES,
        *api_keys.ROUTES,
        *users.ROUTES,
        *auth_routes.ROUTES,
        *contact.ROUTES,
    ]
    for handler in v1_routes:  # every /v1 route answers errors in the one envelope
        handler.responses = {**ERROR_RESPONSES, **(handler.responses or {})}
        if handler.opt.get("public"):  # OpenAPI: no key needed here
            handler.security = [{}]
    v1 = Router(
        "/v1",
        guards=[authorize],
        dependencies={"caller": Provide(provide_caller, sync_to_thread=False)},
        before_request=check_request,
        route_handlers=v1_routes,
    )
    api_routes = [*practice.ROUTES, *practice_reports.ROUTES]
    for handler in api_routes:
        handler.responses = {**ERROR_RESPONSES, **(handler.responses or {})}
        if handler.opt.get("public"):
            handler.security = [{}]
    practice_api = Router(
        "/api",
        guards=[authorize],
        dependencies={"caller": Provide(provide_caller, sync_to_thread=False)},
        before_request=check_request,
        route_handlers=api_routes,
    )
    handlers: list[Any] = [health, v1, practice_api]
    if bench_endpoints:
        handlers.append(bench_noop)
    rate_limits = (
        TokenBuckets(settings.rate_limit_per_minute, settings.rate_limit_burst)
        if settings.rate_limit_per_minute > 0
        else None
    )
    return Litestar(
        route_handlers=handlers,
        state=State({"rate_limits": rate_limits}),
        dependencies={"ledger": Provide(provide_ledger, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        response_class=LedgerResponse,
        request_class=LedgerRequest,
        plugins=[DecimalSchemaPlugin()],
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="Ledger API",
            version=API_VERSION,
            description="Event-sourced double-entry ledger (GoBD) with a LedgerLou-style /v1 API.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(
                        type="http", scheme="bearer", bearer_format="ll_<64 hex>"
                    ),
                }
            ),
            security=[{"bearer": []}],
        ),
        request_max_body_size=limits.JSON_BODY_BYTES_DEFAULT,  # routes that take more say so
        # Leave the root logger alone: Litestar's default would print every library's INFO
        # (the embedded server's pg_ctl chatter); our unhandled errors log at ERROR anyway.
        logging_config=LoggingConfig(configure_root_logger=False, log_exceptions="never"),
        debug=False,
    )
