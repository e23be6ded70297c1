"""The app's route table as test parameters, so a new route cannot escape the generated tests.

The app is built without a database (its lifespan never runs); only its routes are read.
Litestar adds an OPTIONS handler to every path by itself; those are listed apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from litestar.handlers import HTTPRouteHandler

from api.app import create_app
from tests.conftest import settings_for

APP = create_app(settings_for("postgresql://unused.invalid/none"), bench_endpoints=True)
AUTO_OPTIONS_HANDLER = "HTTPRoute.create_options_handler.<locals>.options_handler"


@dataclass(frozen=True)
class Route:
    """One method on one path, e.g. GET /v1/journal/{intent_id}."""

    method: str
    path: str  # OpenAPI form: /v1/accounts/{number}/entries
    handler: HTTPRouteHandler

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(re.findall(r"{(\w+)}", self.path))

    @property
    def scopes(self) -> tuple[str, ...]:
        scope = self.handler.opt.get("scope", ())
        return (scope,) if isinstance(scope, str) else tuple(scope)

    def url(self, **values: str) -> str:
        return self.path.format(**values)


def is_auto_options(handler: HTTPRouteHandler) -> bool:
    return handler.fn.__qualname__ == AUTO_OPTIONS_HANDLER


def _routes() -> tuple[tuple[Route, ...], tuple[str, ...]]:
    routes: list[Route] = []
    auto_options_paths: list[str] = []
    for route in APP.routes:
        for handler in getattr(route, "route_handlers", ()):
            if is_auto_options(handler):
                auto_options_paths.append(route.path_format)
                continue
            routes.extend(
                Route(method=method, path=route.path_format, handler=handler)
                for method in sorted(handler.http_methods)
            )
    # Sorted: the app's handlers come in set order, and test ids must not depend on it.
    return (
        tuple(sorted(routes, key=lambda route: (route.path, route.method))),
        tuple(sorted(auto_options_paths)),
    )


ALL_ROUTES, AUTO_OPTIONS_PATHS = _routes()
GUARDED_PREFIXES = ("/v1/", "/api/")  # the bookkeeping API and the practice API
# Routes that are how a caller gets a credential (login, password links), the contact form
# and opening a shared report need none.
PUBLIC_V1_ROUTES = tuple(
    route
    for route in ALL_ROUTES
    if route.path.startswith(GUARDED_PREFIXES) and route.handler.opt.get("public")
)
# Every route behind the key guard, /v1 and /api alike.
V1_ROUTES = tuple(
    route
    for route in ALL_ROUTES
    if route.path.startswith(GUARDED_PREFIXES) and not route.handler.opt.get("public")
)
V1_OPTIONS_PATHS = tuple(path for path in AUTO_OPTIONS_PATHS if path.startswith("/v1/"))
SCHEMA_ROUTES = tuple(route for route in ALL_ROUTES if route.handler.resolve_include_in_schema())

# A value for every path parameter of a /v1 route; a new parameter name fails loudly.
SAMPLE_PATH_VALUES = {
    "intent_id": "00000000-0000-4000-8000-000000000001",
    "number": "1800",
    "code": "VSt19",
    "period": "2026-03",
    "request_id": "00000000-0000-4000-8000-000000000002",
    "document_id": "00000000-0000-4000-8000-000000000003",
    "party_id": "00000000-0000-4000-8000-000000000004",
    "invoice_id": "00000000-0000-4000-8000-000000000005",
    "bank_account_id": "00000000-0000-4000-8000-000000000006",
    "run_id": "00000000-0000-4000-8000-000000000007",
    "tx_id": "00000000-0000-4000-8000-000000000008",
    "group_id": "00000000-0000-4000-8000-000000000009",
    "inbox_id": "00000000-0000-4000-8000-00000000000a",
    "case_id": "00000000-0000-4000-8000-00000000000b",
    "key_id": "00000000-0000-4000-8000-00000000000c",
    "user_id": "00000000-0000-4000-8000-00000000000d",
    "entity_id": "00000000-0000-4000-8000-00000000000e",
    "link_id": "00000000-0000-4000-8000-00000000000f",
    "token": "lr_" + "0" * 64,
}


def sample_url(route: Route) -> str:
    return route.url(**{name: SAMPLE_PATH_VALUES[name] for name in route.parameters})
