"""One error envelope everywhere (ARCHITECTURE.md, "API"; reference §5), and /health.

What it proves: whatever goes wrong before a route's own rules run (unknown path, wrong
method, broken JSON, a body over the route's limit, a body that is not JSON) the answer is the
documented status with `{"error": {"code", "message", "details"}}` and an UPPER_SNAKE code;
the key is checked before the body; and GET /health answers without a key. How: each case is
a row of one table sent through the real app; `error_details` (tests/conftest.py) checks the
envelope's exact shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from api.errors import STATUS_OF_CODE
from schemas import limits
from tests.conftest import Tenant, booking, error_details

JSON = {"content-type": "application/json"}
VALID_BOOKING = json.dumps(booking(("6815", "debit", "10.00"), ("1800", "credit", "10.00")))


def oversized(size_bytes: int) -> bytes:
    """A JSON booking body of exactly `size_bytes` (its description is padded)."""
    head, tail = b'{"booking_date": "2026-03-15", "lines": [], "description": "', b'"}'
    return head + b"x" * (size_bytes - len(head) - len(tail)) + tail


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    status: int
    code: str
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    with_key: bool = True

    async def send(self, tenant: Tenant) -> httpx.Response:
        headers = {**(tenant.headers if self.with_key else {}), **self.headers}
        return await tenant.client.request(
            self.method, self.path, content=self.content, headers=headers
        )


ENVELOPE_CASES = [
    # unknown routes
    pytest.param(Case("GET", "/v1/nope", 404, "NOT_FOUND"), id="unknown-v1-path"),
    pytest.param(Case("GET", "/v1/nope", 404, "NOT_FOUND", with_key=False), id="unknown-no-key"),
    pytest.param(Case("GET", "/v2/accounts", 404, "NOT_FOUND"), id="unknown-version"),
    pytest.param(Case("GET", "/", 404, "NOT_FOUND"), id="root"),
    pytest.param(Case("GET", "/v1/accounts/1800/nope", 404, "NOT_FOUND"), id="below-a-route"),
    # wrong methods
    pytest.param(Case("PUT", "/v1/accounts", 405, "METHOD_NOT_ALLOWED"), id="put-accounts"),
    pytest.param(Case("DELETE", "/v1/journal", 405, "METHOD_NOT_ALLOWED"), id="delete-journal"),
    pytest.param(Case("GET", "/v1/bookings", 405, "METHOD_NOT_ALLOWED"), id="get-bookings"),
    pytest.param(
        Case("POST", "/health", 405, "METHOD_NOT_ALLOWED", with_key=False), id="post-health"
    ),
    # bodies that are not JSON
    pytest.param(
        Case("POST", "/v1/bookings", 400, "INVALID_INPUT", b"{nope", JSON), id="broken-json"
    ),
    pytest.param(
        Case("POST", "/v1/accounts", 400, "INVALID_INPUT", b'{"number": "1"', JSON),
        id="truncated-json",
    ),
    pytest.param(Case("POST", "/v1/tax-codes", 400, "INVALID_INPUT", b"", JSON), id="empty-body"),
    pytest.param(
        Case("PATCH", "/v1/tax-codes/VSt19", 400, "INVALID_INPUT", b"[]", JSON), id="json-array"
    ),
    pytest.param(
        Case("POST", "/v1/journal/reverse", 400, "INVALID_INPUT", b"null", JSON), id="json-null"
    ),
    # bodies over the limit
    pytest.param(
        Case(
            "POST",
            "/v1/bookings",
            413,
            "PAYLOAD_TOO_LARGE",
            oversized(limits.BOOKING_BODY_BYTES_MAX + 1),
            JSON,
        ),
        id="booking-over-1-mib",
    ),
    pytest.param(
        Case(
            "POST",
            "/v1/accounts",
            413,
            "PAYLOAD_TOO_LARGE",
            oversized(2 * limits.BOOKING_BODY_BYTES_MAX),
            JSON,
        ),
        id="account-over-the-app-limit",
    ),
    # declared content types that are not JSON
    *(
        pytest.param(
            Case(
                method,
                path,
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                VALID_BOOKING.encode(),
                {"content-type": content_type},
            ),
            id=f"{path.rsplit('/', 1)[-1]}-as-{content_type.split(';')[0]}",
        )
        for method, path, content_type in [
            ("POST", "/v1/bookings", "text/plain"),
            ("POST", "/v1/bookings", "application/x-www-form-urlencoded"),
            ("POST", "/v1/bookings", "application/xml"),
            ("POST", "/v1/bookings", "multipart/form-data; boundary=x"),
            ("POST", "/v1/accounts", "text/csv"),
            ("PATCH", "/v1/tax-codes/VSt19", "text/plain; charset=utf-8"),
        ]
    ),
    # the key is checked before the body is read
    pytest.param(
        Case("POST", "/v1/bookings", 401, "UNAUTHORIZED", b"{nope", JSON, with_key=False),
        id="no-key-and-broken-json",
    ),
    pytest.param(
        Case(
            "POST",
            "/v1/bookings",
            401,
            "UNAUTHORIZED",
            oversized(limits.BOOKING_BODY_BYTES_MAX + 1),
            JSON,
            with_key=False,
        ),
        id="no-key-and-too-large",
    ),
]


@pytest.mark.parametrize("case", ENVELOPE_CASES)
async def test_failures_before_the_rules_answer_the_error_envelope(tenant: Tenant, case: Case):
    response = await case.send(tenant)
    error_details(response, case.status, case.code)
    assert response.headers["content-type"].startswith("application/json")
    if case.status == 405:
        assert case.method not in response.headers["Allow"]


async def test_a_body_of_exactly_the_limit_is_read_and_validated(tenant: Tenant):
    response = await tenant.post(
        "/v1/bookings", content=oversized(limits.BOOKING_BODY_BYTES_MAX), headers=JSON
    )
    error_details(response, 400, "INVALID_INPUT")


async def test_the_bulk_route_has_its_own_larger_body_limit(tenant: Tenant):
    body = json.dumps({"bookings": [], "padding": "x" * (2 * limits.BOOKING_BODY_BYTES_MAX)})
    response = await tenant.post("/v1/bookings/batch", content=body.encode(), headers=JSON)
    error_details(response, 400, "INVALID_INPUT")


@pytest.mark.parametrize(
    "content_type",
    [None, "application/json", "application/json; charset=utf-8", "application/vnd.x+json"],
)
async def test_a_json_body_is_accepted_with_a_json_or_absent_content_type(
    tenant: Tenant, content_type: str | None
):
    headers = {"content-type": content_type} if content_type else {}
    body = booking(("6815", "debit", "10.00"), ("1800", "credit", "10.00"))
    response = await tenant.post("/v1/bookings", content=json.dumps(body), headers=headers)
    assert response.status_code == 201, response.text


async def test_health_answers_ok_without_a_key(client: httpx.AsyncClient):
    response = await client.get("/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert {key: body[key] for key in ("status", "database")} == {
        "status": "ok",
        "database": "ok",
    }
    assert isinstance(body["position"], int)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        pytest.param(
            "/v1/accounts",
            {"number": "69999", "name": "Ka\x00sse", "type": "asset"},
            "name",
            id="account-name",
        ),
        pytest.param(
            "/v1/tax-codes",
            {"code": "NUL19", "label": "a\x00", "rate": 19, "vat_account": "1406"},
            "label",
            id="tax-code-label",
        ),
    ],
)
async def test_nul_character_in_master_data_is_refused_in_words(
    tenant: Tenant, path: str, body: dict, field: str
):
    response = await tenant.post(path, body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "INVALID_INPUT"
    assert "without the NUL character (U+0000)" in error["message"]
    assert field in error["message"]


def test_the_documented_error_table_names_every_code_the_service_answers():
    docs = (Path(__file__).parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    table = docs[docs.index("| status | codes |") : docs.index("Codes we added beyond")]
    for code, status in STATUS_OF_CODE.items():
        rows = [line for line in table.splitlines() if f"`{code}`" in line]
        assert rows, f"{code} is missing from the error table of docs/api.md"
        assert str(status) in rows[0].split("|")[1], f"{code} is documented under another status"
