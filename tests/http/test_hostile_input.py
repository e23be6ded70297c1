"""Hostile input, table-driven: each request gets its specific 4xx and leaves no trace — the
tenant's events are the same before and after. (Formula prefixes are neutralised where text
leaves as CSV: test_datev_export.py, test_gdpdu.py; a path in an uploaded file name is cut to
its last part: test_documents.py; e-invoice bombs: tests/unit/test_einvoice.py.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import Tenant, booking, error_details
from tests.http.reconciling import OWN_IBAN

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;'
    b'&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<Document>&lol3;</Document>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy='EUR'>&xxe;</Amt></Ntry></Stmt>"
    b"</BkToCstmrStmt></Document>"
)
NESTED = b'{"lines": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"
SQL = "1800'; drop table events; --"


def with_line(**line: Any) -> dict:
    body = booking(("6815", "debit", "10.00"), ("1800", "credit", "10.00"))
    body["lines"][0].update(line)
    return body


@dataclass(frozen=True)
class Hostile:
    id: str
    method: str
    path: str
    status: int
    code: str
    json: Any = None
    content: bytes | None = None
    files: dict | None = None
    headers: dict = field(default_factory=dict)


CASES = (
    Hostile(
        "xml bomb",
        "POST",
        "/v1/bank-accounts/{bank}/upload",
        400,
        "STATEMENT_INVALID",
        files={"file": ("auszug.xml", BILLION_LAUGHS, "application/xml")},
    ),
    Hostile(
        "external entity",
        "POST",
        "/v1/bank-accounts/{bank}/upload",
        400,
        "STATEMENT_INVALID",
        files={"file": ("auszug.xml", EXTERNAL_ENTITY, "text/xml")},
    ),
    Hostile(
        "oversized body",
        "POST",
        "/v1/bookings",
        413,
        "PAYLOAD_TOO_LARGE",
        content=b" " * (1_048_576 + 1),
        headers={"Content-Type": "application/json"},
    ),
    Hostile(
        "deeply nested json",
        "POST",
        "/v1/bookings",
        400,
        "INVALID_INPUT",
        content=NESTED,
        headers={"Content-Type": "application/json"},
    ),
    Hostile(
        "invalid utf-8",
        "POST",
        "/v1/bookings",
        400,
        "INVALID_INPUT",
        content=b'{"description": "\xff\xfe"}',
        headers={"Content-Type": "application/json"},
    ),
    Hostile(
        "nul byte",
        "POST",
        "/v1/bookings",
        400,
        "INVALID_INPUT",
        json=booking(("6815", "debit", "1.00"), ("1800", "credit", "1.00"), description="a\x00b"),
    ),
    Hostile(
        "sql in an account",
        "POST",
        "/v1/bookings",
        400,
        "INVALID_INPUT",
        json=with_line(account_number=SQL),
    ),
    Hostile(
        "three decimals",
        "POST",
        "/v1/bookings",
        400,
        "INVALID_INPUT",
        json=booking(("6815", "debit", "1.001"), ("1800", "credit", "1.001")),
    ),
    Hostile(
        "negative amount",
        "POST",
        "/v1/bookings",
        400,
        "INVALID_INPUT",
        json=booking(("6815", "debit", "-5.00"), ("1800", "credit", "-5.00")),
    ),
    Hostile(
        "zero amount",
        "POST",
        "/v1/bookings",
        400,
        "INVALID_INPUT",
        json=booking(("6815", "debit", "0.00"), ("1800", "credit", "0.00")),
    ),
    Hostile(
        "over 10^12",
        "POST",
        "/v1/bookings",
        400,
        "INVALID_INPUT",
        json=booking(("6815", "debit", "1000000000000.00"), ("1800", "credit", "1000000000000.00")),
    ),
    Hostile(
        "year 0206",
        "POST",
        "/v1/bookings",
        400,
        "INVALID_INPUT",
        json=booking(("6815", "debit", "1.00"), ("1800", "credit", "1.00"), day="0206-03-01"),
    ),
    Hostile(
        "30 February",
        "POST",
        "/v1/bookings",
        400,
        "INVALID_INPUT",
        json=booking(("6815", "debit", "1.00"), ("1800", "credit", "1.00"), day="2026-02-30"),
    ),
    Hostile("nul in a query", "GET", "/v1/journal?search=%00", 400, "INVALID_INPUT"),
    Hostile("cursor beyond a bigint", "GET", f"/v1/journal?after={10**22}", 400, "INVALID_INPUT"),
)


async def events_of(tenant: Tenant) -> int:
    return await tenant.ledger.pool.fetchval(
        "select count(*) from events where tenant_id = $1", tenant.tenant_id
    )


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_hostile_input_gets_its_4xx_and_leaves_no_trace(tenant: Tenant, case: Hostile):
    bank = await tenant.post(
        "/v1/bank-accounts", {"name": "Hausbank", "iban": OWN_IBAN, "account_number": "1800"}
    )
    before = await events_of(tenant)

    response = await tenant.client.request(
        case.method,
        case.path.format(bank=bank.json()["id"]),
        headers={**tenant.headers, **case.headers},
        json=case.json,
        content=case.content,
        files=case.files,
    )

    error_details(response, case.status, case.code)
    assert await events_of(tenant) == before


async def test_sql_in_a_search_is_only_text(tenant: Tenant):
    before = await events_of(tenant)

    response = await tenant.get("/v1/journal", params={"search": SQL})

    assert (response.status_code, response.json()["entries"]) == (200, [])
    assert await events_of(tenant) == before
    assert await tenant.ledger.pool.fetchval("select count(*) > 0 from events")
