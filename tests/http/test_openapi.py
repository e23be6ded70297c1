"""The served OpenAPI document is part of the contract (ARCHITECTURE.md, "API").

What it proves: GET /schema/openapi.json is OpenAPI 3.1 and lists every implemented route
that is meant to be public in the schema, each with its handler's operationId; it declares
the bearer scheme, every /v1 operation requires it and the public /health does not; the docs
UI answers HTML. How: the expected operations come from the app's own route table
(tests/http/route_table.py), excluding handlers with include_in_schema=False such as
/bench/noop, so a new route that is missing from the document fails here.
"""

from __future__ import annotations

import httpx
import pytest

from tests.http.route_table import ALL_ROUTES, SCHEMA_ROUTES, V1_ROUTES, Route

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


@pytest.fixture(scope="module")
async def document(client: httpx.AsyncClient) -> dict:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200, response.text
    return response.json()


def operation(document: dict, route: Route) -> dict:
    return document["paths"][route.path][route.method.lower()]


def test_the_document_is_openapi_3_1_with_title_and_version(document: dict):
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"]
    assert document["info"]["version"]


@pytest.mark.parametrize("route", SCHEMA_ROUTES, ids=lambda route: route.id)
def test_every_route_in_the_schema_is_documented_with_its_operation_id(
    document: dict, route: Route
):
    assert route.handler.operation_id, f"{route.id} has no operation_id"
    assert operation(document, route)["operationId"] == route.handler.operation_id


def test_the_document_holds_no_operation_the_app_does_not_serve(document: dict):
    documented = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    assert documented == {(route.method, route.path) for route in SCHEMA_ROUTES}


def test_routes_kept_out_of_the_schema_are_absent(document: dict):
    hidden = [route for route in ALL_ROUTES if route not in SCHEMA_ROUTES]
    assert any(route.path == "/bench/noop" for route in hidden)
    for route in hidden:
        assert route.method.lower() not in document["paths"].get(route.path, {})


def test_operation_ids_are_unique(document: dict):
    ids = [
        op["operationId"]
        for item in document["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]
    assert len(ids) == len(set(ids))


def test_the_bearer_scheme_is_declared_and_required_by_default(document: dict):
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    assert document["security"] == [{"bearer": []}]


@pytest.mark.parametrize("route", V1_ROUTES, ids=lambda route: route.id)
def test_every_v1_operation_requires_the_bearer_key(document: dict, route: Route):
    """No operation overrides the document-wide requirement, or it names the bearer scheme."""
    security = operation(document, route).get("security", document["security"])
    assert {"bearer": []} in security
    assert {} not in security


def test_health_is_documented_as_needing_no_key(document: dict):
    assert operation(document, next(r for r in SCHEMA_ROUTES if r.path == "/health")).get(
        "security"
    ) == [{}]


@pytest.mark.parametrize("path", ["/schema", "/schema/swagger"])
async def test_the_docs_ui_answers_html_without_a_key(client: httpx.AsyncClient, path: str):
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()
    assert "<title>Ledger API</title>" in response.text


@pytest.mark.parametrize("route", V1_ROUTES, ids=lambda route: route.id)
def test_every_v1_operation_documents_the_error_envelope(document: dict, route: Route):
    responses = operation(document, route)["responses"]
    for status in ("400", "401", "403", "404"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}


def test_amounts_are_documented_as_exact_decimals_not_strings(document: dict):
    schemas = document["components"]["schemas"]
    assert schemas["BookingOut"]["properties"]["total"]["type"] == ["number", "string"]
