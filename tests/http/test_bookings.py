"""POST /v1/bookings: the answer, tax-code expansion, limits, every refusal and safe retries.

Goal: pin the booking contract of reference §1.5, §1.7, §1.8 and §3.1 and our extensions (the
error envelope, `Idempotency-Key`, retries by `external_reference`, the `fx` block, adjustment
periods P13/P14). Method: each test posts to a fresh tenant through the real app on PostgreSQL
and reads the result back through GET /v1/journal and GET /v1/journal/{intent_id}. Refusals go
through `refused()`, which also proves that the journal did not change. Cases are tables, so
a new rule is one more row.
"""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from uuid import UUID

import httpx
import pytest

from api.bootstrap import Ledger
from tests.conftest import (
    Tenant,
    assert_replayed,
    booking,
    error_details,
    journal_of,
    make_tenant,
    refused,
)

PURCHASE = booking(("6815", "debit", "119.00", "VSt19"), ("1800", "credit", "119.00"))
USD_110 = {
    "currency": "USD",
    "amount": "110.00",
    "rate": "1.1",
    "rate_date": "2026-03-14",
    "rate_source": "ECB",
}
UNKNOWN_DOCUMENT = "0b5b3c9e-6a0e-4e43-9d4c-2f3f1c1e0a01"


def body(*lines: dict, **fields) -> dict:
    """A booking body of raw line dicts (default: 6815 debit / 1800 credit 50.00)."""
    default = [
        {"account_number": "6815", "debit": "50.00"},
        {"account_number": "1800", "credit": "50.00"},
    ]
    base = {"booking_date": "2026-03-15", "description": "Office supplies"}
    return {**base, "lines": list(lines) or default, **fields}


def without(field: str) -> dict:
    full = body()
    del full[field]
    return full


def stored_pairs(entries: list[dict]) -> list[tuple]:
    return [(e["account_debit"], e["account_credit"], e["amount"], e["tax_code"]) for e in entries]


def lines_of_count(count: int) -> dict:
    """`count` input lines: count - 1 debits of 1.00 and one credit that balances them."""
    debits = [{"account_number": "6815", "debit": "1.00"}] * (count - 1)
    return body(*debits, {"account_number": "1800", "credit": f"{count - 1}.00"})


def amount_of_cents(cents: int) -> dict:
    amount = str(Decimal(cents).scaleb(-2))
    return body(
        {"account_number": "1200", "debit": amount}, {"account_number": "4200", "credit": amount}
    )


def metadata_of_bytes(size: int) -> dict:
    """Metadata whose compact JSON has exactly `size` bytes, within the key and value limits."""
    keys = [f"k{i:02d}" for i in range(20)]
    empty_size = len(json.dumps(dict.fromkeys(keys, ""), separators=(",", ":")))
    values, rest = {}, size - empty_size
    for key in keys:
        values[key] = "v" * min(rest, 256)
        rest -= len(values[key])
    assert rest == 0
    assert len(json.dumps(values, separators=(",", ":"))) == size
    return body(custom_metadata=values)


# --- the answer --------------------------------------------------------------------------


async def test_booking_answers_201_with_intent_id_event_count_period_total_and_numbers(
    tenant: Tenant,
):
    first = await tenant.post("/v1/bookings", PURCHASE)
    second = await tenant.post("/v1/bookings", body())

    assert first.status_code == 201, first.text
    answer = first.json()
    assert UUID(answer.pop("intent_id")).version == 4
    assert answer == {
        "status": "posted",
        "event_count": 2,
        "booking_date": "2026-03-15",
        "period": "2026-03",
        "description": "Test booking",
        "total": 119.0,
        "first_journal_number": 1,
        "last_journal_number": 2,
    }
    assert '"total":119.00' in first.text, "amounts are exact decimals, not floats"
    assert second.status_code == 201, second.text
    assert (second.json()["first_journal_number"], second.json()["last_journal_number"]) == (3, 3)
    assert "Idempotent-Replayed" not in first.headers


async def test_booking_reads_back_with_its_intent_id_metadata_and_caller(tenant: Tenant):
    posted = await tenant.post(
        "/v1/bookings",
        body(
            external_reference="INV-2026-0042",
            custom_metadata={"text": "a", "count": 3, "share": 0.5, "paid": True, "note": None},
        ),
    )
    [entry] = await journal_of(tenant)

    assert entry["intent_id"] == posted.json()["intent_id"]
    assert entry["external_reference"] == "INV-2026-0042"
    assert entry["custom_metadata"] == {
        "text": "a",
        "count": 3,
        "share": 0.5,
        "paid": True,
        "note": None,
    }
    assert entry["description"] == "Office supplies"
    assert entry["created_by"] == "Test Owner (owner)"  # the label of the owner's key
    assert entry["provenance_summary"]["actor_key_prefix"] == tenant.key.prefix
    assert entry["source"] == "api"


# --- tax codes ---------------------------------------------------------------------------

TAX_EXPANSIONS = [
    pytest.param(
        "skr04",
        [("6815", "debit", "119.00", "VSt19"), ("1800", "credit", "119.00")],
        [("6815", "1800", 100.0, "VSt19"), ("1406", "1800", 19.0, "VSt19")],
        id="VSt19-gross-splits-into-net-and-input-vat-1406",
    ),
    pytest.param(
        "skr04",
        [("6815", "debit", "119.00", "VST19"), ("1800", "credit", "119.00")],
        [("6815", "1800", 100.0, "VSt19"), ("1406", "1800", 19.0, "VSt19")],
        id="VST19-upper-case-finds-VSt19",
    ),
    pytest.param(
        "skr04",
        [("6815", "debit", "119.00", "vst19"), ("1800", "credit", "119.00")],
        [("6815", "1800", 100.0, "VSt19"), ("1406", "1800", 19.0, "VSt19")],
        id="vst19-lower-case-finds-VSt19",
    ),
    pytest.param(
        "skr04",
        [("6815", "debit", "1.00", "VSt19"), ("1800", "credit", "1.00")],
        [("6815", "1800", 0.84, "VSt19"), ("1406", "1800", 0.16, "VSt19")],
        id="net-rounds-half-up-and-tax-takes-the-rest",
    ),
    pytest.param(
        "skr04",
        [("6600", "debit", "107.00", "VSt7"), ("1800", "credit", "107.00")],
        [("6600", "1800", 100.0, "VSt7"), ("1401", "1800", 7.0, "VSt7")],
        id="VSt7-input-vat-1401",
    ),
    pytest.param(
        "skr04",
        [("1200", "debit", "119.00"), ("4400", "credit", "119.00", "USt19")],
        [("1200", "4400", 100.0, "USt19"), ("1200", "3806", 19.0, "USt19")],
        id="USt19-on-revenue-credit-puts-output-vat-on-3806",
    ),
    pytest.param(
        "skr04",
        [("5925", "debit", "1000.00", "VSt-13b19"), ("1800", "credit", "1000.00")],
        [("5925", "1800", 1000.0, "VSt-13b19"), ("1407", "3837", 190.0, "VSt-13b19")],
        id="VSt-13b19-keeps-net-and-adds-self-assessed-pair-1407-3837",
    ),
    pytest.param(
        "skr04",
        [("1800", "debit", "1000.00"), ("5925", "credit", "1000.00", "VSt-13b19")],
        [("1800", "5925", 1000.0, "VSt-13b19"), ("3837", "1407", 190.0, "VSt-13b19")],
        id="VSt-13b19-on-a-credit-line-mirrors-the-pair",
    ),
    pytest.param(
        "skr04",
        [("5425", "debit", "1000.00", "VSt-igE19"), ("3300", "credit", "1000.00")],
        [("5425", "3300", 1000.0, "VSt-igE19"), ("1404", "3804", 190.0, "VSt-igE19")],
        id="VSt-igE19-adds-self-assessed-pair-1404-3804",
    ),
    pytest.param(
        "skr04",
        [("1200", "debit", "500.00"), ("4125", "credit", "500.00", "USt0-igL")],
        [("1200", "4125", 500.0, "USt0-igL")],
        id="USt0-igL-tax-free-only-tags-the-line",
    ),
    pytest.param(
        "skr04",
        [("1200", "debit", "500.00"), ("4120", "credit", "500.00", "USt0-Ausfuhr")],
        [("1200", "4120", 500.0, "USt0-Ausfuhr")],
        id="USt0-Ausfuhr-tax-free-only-tags-the-line",
    ),
    pytest.param(
        "skr04",
        [("1200", "debit", "500.00"), ("4100", "credit", "500.00", "USt0-frei")],
        [("1200", "4100", 500.0, "USt0-frei")],
        id="USt0-frei-tax-free-only-tags-the-line",
    ),
    pytest.param(
        "skr04",
        [
            ("6815", "debit", "119.00", "VSt19"),
            ("6600", "debit", "107.00", "VSt7"),
            ("1800", "credit", "226.00"),
        ],
        [
            ("6815", "1800", 100.0, "VSt19"),
            ("1406", "1800", 19.0, "VSt19"),
            ("6600", "1800", 100.0, "VSt7"),
            ("1401", "1800", 7.0, "VSt7"),
        ],
        id="two-codes-in-one-split-each-expand-after-their-line",
    ),
    pytest.param(
        "skr04",
        [
            ("6815", "debit", "60.00"),
            ("6300", "debit", "40.00"),
            ("1800", "credit", "70.00"),
            ("1600", "credit", "30.00"),
        ],
        [("6815", "1800", 60.0, None), ("6300", "1800", 10.0, None), ("6300", "1600", 30.0, None)],
        id="split-without-tax-is-paired-greedily",
    ),
    pytest.param(
        "skr04",
        [("1800", "debit", "300.00"), ("4400", "credit", "100.00"), ("4300", "credit", "200.00")],
        [("1800", "4400", 100.0, None), ("1800", "4300", 200.0, None)],
        id="one-debit-against-two-credits",
    ),
    pytest.param(
        "skr04",
        [("6815", "debit", "119.00", "VSt19"), ("6800", "credit", "119.00", "VSt19")],
        [("6815", "6800", 100.0, "VSt19")],
        id="input-vat-in-and-out-of-1406-is-not-stored",
    ),
    pytest.param(
        "skr03",
        [("4930", "debit", "119.00", "VSt19"), ("1200", "credit", "119.00")],
        [("4930", "1200", 100.0, "VSt19"), ("1576", "1200", 19.0, "VSt19")],
        id="SKR03-VSt19-puts-input-vat-on-1576",
    ),
]


@pytest.fixture
async def charted(request: pytest.FixtureRequest, ledger: Ledger, client: httpx.AsyncClient):
    """A fresh tenant on the chart named by the test's parameter ("skr04" or "skr03")."""
    return await make_tenant(ledger, client, framework=request.param)


@pytest.mark.parametrize(("charted", "lines", "expected"), TAX_EXPANSIONS, indirect=["charted"])
async def test_lines_are_expanded_by_tax_code_then_stored_as_pairs(
    charted: Tenant, lines: list, expected: list
):
    response = await charted.post("/v1/bookings", booking(*lines))

    assert response.status_code == 201, response.text
    assert response.json()["event_count"] == len(expected)
    assert stored_pairs(await journal_of(charted)) == expected


async def test_custom_self_assessing_code_expands_until_it_is_deactivated(tenant: Tenant):
    code = {
        "code": "RC19",
        "label": "Reverse charge 19 %",
        "rate": "19",
        "vat_account": "1406",
        "self_assess_account": "3804",
    }
    assert (await tenant.post("/v1/tax-codes", code)).status_code == 201
    lines = [("5900", "debit", "200.00", "rc19"), ("3300", "credit", "200.00")]

    posted = await tenant.post("/v1/bookings", booking(*lines))
    assert (await tenant.delete("/v1/tax-codes/RC19")).status_code == 200
    details = await refused(
        tenant, "/v1/bookings", booking(*lines, day="2026-03-16"), 400, "INVALID_TAX_CODE"
    )

    assert posted.status_code == 201, posted.text
    assert stored_pairs(await journal_of(tenant)) == [
        ("5900", "3300", 200.0, "RC19"),
        ("1406", "3804", 38.0, "RC19"),
    ]
    assert details == {"line": 1, "tax_code": "rc19"}


# --- limits --------------------------------------------------------------------------------

LIMITS = [
    pytest.param(500, lines_of_count, id="lines"),
    pytest.param(10**14 - 1, amount_of_cents, id="amount-999999999999.99"),
    pytest.param(1000, lambda n: body(description="d" * n), id="description-chars"),
    pytest.param(500, lambda n: body(external_reference="r" * n), id="external_reference-chars"),
    pytest.param(
        20, lambda n: body(custom_metadata={f"k{i}": i for i in range(n)}), id="metadata-keys"
    ),
    pytest.param(64, lambda n: body(custom_metadata={"k" * n: 1}), id="metadata-key-chars"),
    pytest.param(256, lambda n: body(custom_metadata={"k": "v" * n}), id="metadata-value-chars"),
    pytest.param(4096, metadata_of_bytes, id="metadata-json-bytes"),
]


@pytest.mark.parametrize(("limit", "build"), LIMITS)
async def test_value_at_the_limit_is_accepted(tenant: Tenant, limit: int, build):
    response = await tenant.post("/v1/bookings", build(limit))

    assert response.status_code == 201, response.text[:500]


@pytest.mark.parametrize(("limit", "build"), LIMITS)
async def test_one_past_the_limit_is_refused_as_invalid_input(tenant: Tenant, limit: int, build):
    await refused(tenant, "/v1/bookings", build(limit + 1), 400, "INVALID_INPUT")


async def test_body_over_one_megabyte_is_refused_with_413(tenant: Tenant):
    huge = body(description="x" * 1_100_000)

    await refused(tenant, "/v1/bookings", huge, 413, "PAYLOAD_TOO_LARGE")


# --- malformed requests ------------------------------------------------------------------

DEBIT_LINE = {"account_number": "6815", "debit": "50.00"}
CREDIT_LINE = {"account_number": "1800", "credit": "50.00"}


def with_first_line(**fields) -> dict:
    return body({"account_number": "6815", **fields}, CREDIT_LINE)


def with_both_amounts(amount: str) -> dict:
    return body({"account_number": "6815", "debit": amount}, {**CREDIT_LINE, "credit": amount})


def with_fx(**fields) -> dict:
    return body(fx={**USD_110, **fields})


INVALID_BODIES = [
    pytest.param(without("booking_date"), "booking_date", id="missing-booking_date"),
    pytest.param(without("description"), "description", id="missing-description"),
    pytest.param(without("lines"), "lines", id="missing-lines"),
    pytest.param({**body(), "amount": 1}, "unknown field `amount`", id="unknown-field"),
    pytest.param(
        body({**DEBIT_LINE, "text": "x"}, CREDIT_LINE),
        "unknown field `text`",
        id="unknown-line-field",
    ),
    pytest.param(body(DEBIT_LINE), "lines", id="one-line"),
    pytest.param(with_first_line(debit="50.00", credit="50.00"), "exactly one", id="both-sides"),
    pytest.param(with_first_line(), "exactly one", id="neither-side"),
    pytest.param(with_first_line(debit="0.00"), "exactly one", id="zero-is-no-amount"),
    pytest.param(with_both_amounts("-50.00"), "negative", id="negative-amount"),
    pytest.param(with_both_amounts("50.005"), "two decimal", id="three-decimals"),
    pytest.param(with_both_amounts(50.005), "two decimal", id="three-decimals-as-number"),
    pytest.param(with_both_amounts("NaN"), "must be a number", id="NaN-string"),
    pytest.param(with_both_amounts("Infinity"), "must be a number", id="Infinity-string"),
    pytest.param(with_both_amounts("fifty"), "lines[0]", id="amount-not-a-number"),
    pytest.param(body(booking_date="2026-02-30"), "booking_date", id="impossible-date"),
    pytest.param(body(booking_date="15.03.2026"), "booking_date", id="german-date-format"),
    pytest.param(
        body({**DEBIT_LINE, "account_number": "68A5"}, CREDIT_LINE),
        "account_number",
        id="account-not-numeric",
    ),
    pytest.param(
        body({**DEBIT_LINE, "account_number": "123456789"}, CREDIT_LINE),
        "account_number",
        id="account-nine-digits",
    ),
    pytest.param(
        body({**DEBIT_LINE, "account_number": ""}, CREDIT_LINE),
        "account_number",
        id="account-empty",
    ),
    pytest.param(
        body({**DEBIT_LINE, "account_name": "n" * 256}, CREDIT_LINE),
        "account_name",
        id="account-name-too-long",
    ),
    pytest.param(body(description=""), "description", id="description-empty"),
    pytest.param(body(external_reference=""), "external_reference", id="external-reference-empty"),
    pytest.param(body(custom_metadata={"a": {"b": 1}}), "custom_metadata", id="metadata-nested"),
    pytest.param(body(custom_metadata={"a": [1]}), "custom_metadata", id="metadata-list-value"),
    pytest.param(body(custom_metadata={"": 1}), "custom_metadata", id="metadata-empty-key"),
    pytest.param(
        with_first_line(debit="50.00", tax_code="VSt 19"), "tax_code", id="tax-code-space"
    ),
    pytest.param(body(adjustment_period=12), "adjustment_period", id="adjustment-period-12"),
    pytest.param(body(skip_duplicate_check="yes"), "skip_duplicate_check", id="skip-not-bool"),
    pytest.param(body(document_id="doc-1"), "document_id", id="document-id-not-uuid"),
    pytest.param(
        body(fx={k: v for k, v in USD_110.items() if k != "rate"}), "rate", id="fx-no-rate"
    ),
    pytest.param(with_fx(currency="EUR"), "fx", id="fx-in-EUR"),
    pytest.param(with_fx(currency="usd"), "currency", id="fx-currency-lower-case"),
    pytest.param(with_fx(rate_source="Bloomberg"), "rate_source", id="fx-unknown-rate-source"),
    pytest.param(with_fx(amount="0"), "amount", id="fx-amount-zero"),
    pytest.param(with_fx(rate="-1.1"), "rate", id="fx-rate-negative"),
    pytest.param([body()], "object", id="body-is-an-array"),
    pytest.param(body(description="a\x00b"), "description", id="description-with-U+0000"),
    pytest.param(body(external_reference="R\x00"), "external_reference", id="reference-U+0000"),
    pytest.param(body(custom_metadata={"k": "v\x00"}), "U+0000", id="metadata-value-U+0000"),
    pytest.param(body(custom_metadata={"k\x00": "v"}), "U+0000", id="metadata-key-U+0000"),
]


@pytest.mark.parametrize(("invalid", "named"), INVALID_BODIES)
async def test_malformed_body_is_refused_as_invalid_input_naming_the_problem(
    tenant: Tenant, invalid, named: str
):
    details = await refused(tenant, "/v1/bookings", invalid, 400, "INVALID_INPUT")

    assert named in json.dumps(details["problems"]), details


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b'{"booking_date": ', id="truncated-json"),
        pytest.param(b'{"description": "Caf\xe9"}', id="not-utf-8"),
    ],
)
async def test_body_that_is_not_json_is_refused_as_invalid_input(tenant: Tenant, content: bytes):
    await refused(
        tenant,
        "/v1/bookings",
        None,
        400,
        "INVALID_INPUT",
        content=content,
        headers={"Content-Type": "application/json"},
    )


# --- refusals by the rules ---------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "3000-01-01"])
async def test_a_booking_date_outside_the_books_is_invalid_input(tenant: Tenant, day: str):
    body = booking(("6815", "debit", "1.00"), ("1800", "credit", "1.00"), day=day)
    details = await refused(tenant, "/v1/bookings", body, 400, "INVALID_INPUT")
    assert details == {"booking_date": day}


RULE_REFUSALS = [
    pytest.param(
        booking(("12345678", "debit", "50.00"), ("1800", "credit", "50.00")),
        400,
        "ACCOUNT_NOT_FOUND",
        {"account_numbers": ["12345678"]},
        id="ACCOUNT_NOT_FOUND",
    ),
    pytest.param(
        booking(("6815", "debit", "119.00", "XX19"), ("1800", "credit", "119.00")),
        400,
        "INVALID_TAX_CODE",
        {"line": 1, "tax_code": "XX19"},
        id="INVALID_TAX_CODE",
    ),
    pytest.param(
        booking(
            ("6815", "debit", "119.00", "VSt19"),
            ("1406", "debit", "19.00"),
            ("1800", "credit", "138.00"),
        ),
        400,
        "MIXED_TAX_MODES",
        {"line": 2, "account_number": "1406"},
        id="MIXED_TAX_MODES",
    ),
    pytest.param(
        booking(("6815", "debit", "50.00"), ("1800", "credit", "49.99")),
        400,
        "BALANCE_MISMATCH",
        {"total_debit": "50.00", "total_credit": "49.99", "difference": "0.01"},
        id="BALANCE_MISMATCH",
    ),
    pytest.param(
        booking(("6815", "debit", "100.00"), ("1800", "credit", "100.00"), fx=USD_110)
        | {"fx": {**USD_110, "amount": "120.00"}},
        400,
        "FX_AMOUNT_MISMATCH",
        {"expected_eur": "109.09", "booking_total_eur": "100.00"},
        id="FX_AMOUNT_MISMATCH",
    ),
    pytest.param(
        booking(("5925", "debit", "100.00", "VSt-13b19"), ("1800", "credit", "100.00"), fx=USD_110),
        422,
        "FX_SELF_ASSESSMENT_UNSUPPORTED",
        {},
        id="FX_SELF_ASSESSMENT_UNSUPPORTED",
    ),
    pytest.param(
        booking(("6815", "debit", "50.00"), ("1800", "credit", "50.00"), adjustment_period=13),
        400,
        "INVALID_ADJUSTMENT_PERIOD",
        {"booking_date": "2026-03-15", "fiscal_year_end_month": 12},
        id="INVALID_ADJUSTMENT_PERIOD",
    ),
    pytest.param(
        booking(
            ("6815", "debit", "50.00"), ("1800", "credit", "50.00"), document_id=UNKNOWN_DOCUMENT
        ),
        400,
        "DOCUMENT_NOT_FOUND",
        {"document_id": UNKNOWN_DOCUMENT},
        id="DOCUMENT_NOT_FOUND",
    ),
    pytest.param(
        booking(("1800", "debit", "50.00"), ("1800", "credit", "50.00")),
        400,
        "INVALID_INPUT",
        {"account_number": "1800"},
        id="account-booked-against-itself",
    ),
]


@pytest.mark.parametrize(("refused_body", "status", "code", "details"), RULE_REFUSALS)
async def test_broken_rule_is_refused_with_its_code_status_and_details(
    tenant: Tenant, refused_body: dict, status: int, code: str, details: dict
):
    assert await refused(tenant, "/v1/bookings", refused_body, status, code) == details


PRECEDENCE = [  # docs/api.md, "Order of checks": each row breaks two adjacent rules
    pytest.param(
        booking(("12345678", "debit", "50.00"), ("1800", "credit", "50.00"))
        | {"adjustment_period": 14, "document_id": UNKNOWN_DOCUMENT},
        "DOCUMENT_NOT_FOUND",
        id="3-document-before-adjustment-period",
    ),
    pytest.param(
        booking(("12345678", "debit", "50.00"), ("1800", "credit", "50.00"), adjustment_period=14),
        "INVALID_ADJUSTMENT_PERIOD",
        id="4-adjustment-period-before-accounts",
    ),
    pytest.param(
        booking(("12345678", "debit", "50.00", "XX19"), ("1800", "credit", "50.00")),
        "ACCOUNT_NOT_FOUND",
        id="5-accounts-before-tax-codes",
    ),
    pytest.param(
        booking(
            ("6815", "debit", "50.00", "XX19"), ("1406", "debit", "1"), ("1800", "credit", "1")
        ),
        "INVALID_TAX_CODE",
        id="6-tax-code-before-mixed-modes",
    ),
    pytest.param(
        booking(("5925", "debit", "100.00", "VSt-13b19"), ("1800", "credit", "1.00"), fx=USD_110),
        "FX_SELF_ASSESSMENT_UNSUPPORTED",
        id="7-fx-self-assessment-before-balance",
    ),
    pytest.param(
        booking(("6815", "debit", "50.00"), ("1800", "credit", "1.00"), fx=USD_110),
        "BALANCE_MISMATCH",
        id="8-balance-before-fx-amount",
    ),
    pytest.param(
        booking(("1800", "debit", "50.00"), ("1800", "credit", "50.00"), fx=USD_110),
        "FX_AMOUNT_MISMATCH",
        id="9-fx-amount-before-self-pairing",
    ),
]


@pytest.mark.parametrize(("refused_body", "code"), PRECEDENCE)
async def test_when_several_rules_break_the_first_in_order_is_reported(
    tenant: Tenant, refused_body: dict, code: str
):
    response = await tenant.post("/v1/bookings", refused_body)

    assert response.json()["error"]["code"] == code


# --- duplicates --------------------------------------------------------------------------

DUPLICATE_VARIANTS = [
    pytest.param({**PURCHASE, "description": "Other words"}, True, id="other-description"),
    pytest.param(
        booking(("1800", "credit", "119"), ("6815", "debit", "119.00", "vst19")),
        True,
        id="lines-reordered-and-code-case",
    ),
    pytest.param(
        {**PURCHASE, "external_reference": "R-2"}, False, id="another-reference-another-document"
    ),
    pytest.param({**PURCHASE, "booking_date": "2026-03-16"}, False, id="other-date"),
    pytest.param(
        booking(("6815", "debit", "119.01", "VSt19"), ("1800", "credit", "119.01")),
        False,
        id="other-amount",
    ),
    pytest.param(
        booking(("6815", "debit", "119.00", "VSt19"), ("1600", "credit", "119.00")),
        False,
        id="other-account",
    ),
]


@pytest.mark.parametrize(("second", "is_duplicate"), DUPLICATE_VARIANTS)
async def test_same_date_accounts_and_amounts_is_a_suspected_duplicate(
    tenant: Tenant, second: dict, is_duplicate: bool
):
    first = (await tenant.post("/v1/bookings", PURCHASE)).json()

    if is_duplicate:
        details = await refused(tenant, "/v1/bookings", second, 409, "DUPLICATE_SUSPECTED")
        assert details == {"intent_id": first["intent_id"]}
    else:
        assert (await tenant.post("/v1/bookings", second)).status_code == 201


async def test_skip_duplicate_check_posts_the_suspected_duplicate(tenant: Tenant):
    first = (await tenant.post("/v1/bookings", PURCHASE)).json()

    again = await tenant.post("/v1/bookings", {**PURCHASE, "skip_duplicate_check": True})

    assert again.status_code == 201, again.text
    assert again.json()["intent_id"] != first["intent_id"]
    assert [e["journal_number"] for e in await journal_of(tenant)] == [1, 2, 3, 4]


async def test_two_identical_bookings_at_once_post_one_and_flag_the_other(tenant: Tenant):
    responses = await asyncio.gather(*(tenant.post("/v1/bookings", PURCHASE) for _ in range(2)))

    assert sorted(r.status_code for r in responses) == [201, 409]
    assert len(await journal_of(tenant)) == 2


# --- safe retries --------------------------------------------------------------------------


def keyed(key: str) -> dict:
    return {"headers": {"Idempotency-Key": key}}


async def test_retry_with_same_idempotency_key_and_body_replays_the_answer(tenant: Tenant):
    first = await tenant.post("/v1/bookings", PURCHASE, **keyed("order-1"))
    journal = await journal_of(tenant)

    retry = await tenant.post("/v1/bookings", PURCHASE, **keyed("order-1"))

    assert first.status_code == 201, first.text
    assert_replayed(retry, first)
    assert await journal_of(tenant) == journal


async def test_same_idempotency_key_with_another_body_is_refused_as_reused(tenant: Tenant):
    first = (await tenant.post("/v1/bookings", PURCHASE, **keyed("order-1"))).json()

    details = await refused(
        tenant, "/v1/bookings", body(), 409, "IDEMPOTENCY_KEY_REUSED", **keyed("order-1")
    )

    assert details == {"intent_id": first["intent_id"]}


@pytest.mark.parametrize(
    ("retry", "code"),
    [
        pytest.param(dict(reversed(PURCHASE.items())), None, id="key-order-is-the-same-body"),
        pytest.param(
            booking(("6815", "debit", "119", "VSt19"), ("1800", "credit", "119")),
            "IDEMPOTENCY_KEY_REUSED",
            id="119-is-not-119.00",
        ),
        pytest.param(
            booking(("6815", "debit", "119.00", "VST19"), ("1800", "credit", "119.00")),
            "IDEMPOTENCY_KEY_REUSED",
            id="code-spelling-counts",
        ),
    ],
)
async def test_same_body_means_the_same_decoded_request_whatever_the_key_order(
    tenant: Tenant, retry: dict, code: str | None
):
    first = await tenant.post("/v1/bookings", PURCHASE, **keyed("order-1"))

    response = await tenant.post("/v1/bookings", retry, **keyed("order-1"))

    if code is None:
        assert response.json() == first.json()
    else:
        error_details(response, 409, code)


async def test_concurrent_retries_with_one_idempotency_key_book_once(tenant: Tenant):
    responses = await asyncio.gather(
        *(tenant.post("/v1/bookings", PURCHASE, **keyed("order-1")) for _ in range(3))
    )

    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["intent_id"] for r in responses}) == 1
    assert len(await journal_of(tenant)) == 2


async def test_idempotency_keys_of_two_tenants_do_not_meet(tenant: Tenant, other_tenant: Tenant):
    mine = await tenant.post("/v1/bookings", PURCHASE, **keyed("order-1"))
    theirs = await other_tenant.post("/v1/bookings", PURCHASE, **keyed("order-1"))

    assert theirs.status_code == 201, theirs.text
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["intent_id"] != mine.json()["intent_id"]


@pytest.mark.parametrize(
    ("key", "status"),
    [
        pytest.param("k" * 255, 201, id="255-chars-accepted"),
        pytest.param("k" * 256, 400, id="256-chars-refused"),
        pytest.param("", 400, id="empty-refused"),
    ],
)
async def test_idempotency_key_has_one_to_255_characters(tenant: Tenant, key: str, status: int):
    response = await tenant.post("/v1/bookings", PURCHASE, **keyed(key))

    assert response.status_code == status, response.text


async def test_retry_with_same_external_reference_and_body_returns_the_original(tenant: Tenant):
    order = {**PURCHASE, "external_reference": "n8n-exec-7"}
    first = await tenant.post("/v1/bookings", order)
    journal = await journal_of(tenant)

    retry = await tenant.post("/v1/bookings", order)

    assert first.status_code == 201, first.text
    assert_replayed(retry, first)
    assert await journal_of(tenant) == journal


async def test_same_external_reference_with_another_body_is_a_new_booking(tenant: Tenant):
    first = await tenant.post("/v1/bookings", {**PURCHASE, "external_reference": "n8n-exec-7"})
    other = body(external_reference="n8n-exec-7")

    second = await tenant.post("/v1/bookings", other)

    assert second.status_code == 201, second.text
    assert "Idempotent-Replayed" not in second.headers
    assert second.json()["intent_id"] != first.json()["intent_id"]
    by_reference = await journal_of(tenant, externalReference="n8n-exec-7")
    assert len({e["intent_id"] for e in by_reference}) == 2


# --- foreign currency and adjustment periods ---------------------------------------------


async def test_fx_booking_shows_currency_and_shared_amounts_on_lines_and_intent(tenant: Tenant):
    split = booking(
        ("6815", "debit", "60.00"),
        ("6300", "debit", "40.00"),
        ("1800", "credit", "100.00"),
        fx=USD_110,
    )
    intent_id = (await tenant.post("/v1/bookings", split)).json()["intent_id"]

    lines = await journal_of(tenant)
    intent = (await tenant.get(f"/v1/journal/{intent_id}")).json()

    assert [(e["amount"], e["fx_currency"], e["fx_amount"]) for e in lines] == [
        (60.0, "USD", 66.0),
        (40.0, "USD", 44.0),
    ]
    assert [e["fx_amount"] for e in intent["entries"]] == [66.0, 44.0]
    assert {e["currency"] for e in intent["entries"]} == {"EUR"}
    assert intent["metadata"]["fx"] == {**USD_110, "amount": 110.0, "rate": 1.1}


@pytest.mark.parametrize(
    ("eur_total", "status"),
    [
        pytest.param("90.91", 201, id="exact"),
        pytest.param("90.90", 201, id="one-cent-off-accepted"),
        pytest.param("90.92", 201, id="one-cent-over-accepted"),
        pytest.param("90.89", 400, id="two-cents-off-refused"),
    ],
)
async def test_fx_amount_over_rate_must_match_the_eur_total_within_a_cent(
    tenant: Tenant, eur_total: str, status: int
):
    fx = {**USD_110, "amount": "100.00"}  # 100 USD / 1.1 = 90.909... EUR

    response = await tenant.post(
        "/v1/bookings", booking(("6815", "debit", eur_total), ("1800", "credit", eur_total), fx=fx)
    )

    assert response.status_code == status, response.text


@pytest.mark.parametrize("adjustment_period", [13, 14])
async def test_adjustment_period_books_into_p13_or_p14_of_the_year_end_month(
    tenant: Tenant, adjustment_period: int
):
    response = await tenant.post(
        "/v1/bookings", body(booking_date="2026-12-31", adjustment_period=adjustment_period)
    )

    assert response.status_code == 201, response.text
    assert response.json()["period"] == f"2026-P{adjustment_period}"
    assert [e["period"] for e in await journal_of(tenant)] == [f"2026-P{adjustment_period}"]


@pytest.mark.parametrize(
    ("day", "status", "period"),
    [
        pytest.param("2026-06-30", 201, "2026-P13", id="june-ends-a-july-fiscal-year"),
        pytest.param("2026-12-31", 400, None, id="december-does-not"),
    ],
)
async def test_adjustment_period_follows_a_fiscal_year_that_starts_in_july(
    ledger: Ledger, client: httpx.AsyncClient, day: str, status: int, period: str | None
):
    july = await make_tenant(ledger, client, fiscal_year_start=7)

    response = await july.post("/v1/bookings", body(booking_date=day, adjustment_period=13))

    assert response.status_code == status, response.text
    if period is None:
        error_details(response, 400, "INVALID_ADJUSTMENT_PERIOD")
    else:
        assert response.json()["period"] == period
