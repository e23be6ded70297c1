"""Tax codes over HTTP: list, define, change, deactivate (reference §1.7, §3.7; formats §5.5).

What it proves: every tenant lists the system codes with the tax accounts of its own chart
(SKR04 or SKR03); a custom code is created with 201 and, when it self-assesses, a booking with
it adds the balanced tax pair; codes are unique case-insensitively (409 DUPLICATE_TAX_CODE);
their accounts must exist (ACCOUNT_NOT_FOUND); malformed bodies are 400 INVALID_INPUT while the
documented maxima are accepted; PATCH changes only what it names, `null` drops
self-assessment, a system code's rate and accounts stay fixed, and a deactivated code refuses
new bookings (INVALID_TAX_CODE) while past bookings keep their split; DELETE deactivates
custom codes only. How: real tenants on the real app; splits are read back from the intent's
audit view (`GET /v1/journal/{intent_id}`).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
import pytest

from api.bootstrap import Ledger
from schemas import limits
from tests.conftest import Tenant, booking, error_details, make_tenant

TAX_CODE_FIELDS = {
    "code",
    "label",
    "description",
    "rate",
    "vat_account",
    "self_assess_account",
    "has_self_assess",
    "is_system",
    "is_active",
    "created_at",
}

# (code, rate, SKR04 vat/self-assess accounts, SKR03 vat/self-assess accounts): formats §5.5
SYSTEM_CODES = (
    ("VSt19", 19, ("1406", None), ("1576", None)),
    ("VSt7", 7, ("1401", None), ("1571", None)),
    ("USt19", 19, ("3806", None), ("1776", None)),
    ("USt7", 7, ("3801", None), ("1771", None)),
    ("VSt-igE19", 19, ("1404", "3804"), ("1574", "1774")),
    ("VSt-13b19", 19, ("1407", "3837"), ("1577", "1787")),
)
SYSTEM_CODE_CASES = [
    pytest.param(framework, code, rate, accounts, id=f"{framework}-{code}")
    for code, rate, skr04, skr03 in SYSTEM_CODES
    for framework, accounts in (("skr04", skr04), ("skr03", skr03))
]


def fresh_code(prefix: str = "RC") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


ABSENT = object()  # a field value meaning "leave the field out of the body"


def reverse_charge_code(**fields) -> dict:
    """The reference's example: RC19, 19 %, input VAT 1406, self-assessed on 3804 (SKR04)."""
    body = {
        "code": fresh_code(),
        "label": "Reverse Charge 19 %",
        "rate": 19,
        "vat_account": "1406",
        "self_assess_account": "3804",
    }
    return {key: value for key, value in (body | fields).items() if value is not ABSENT}


def standard_code(**fields) -> dict:
    return (
        {"code": fresh_code("ST"), "label": "Vorsteuer Sondersatz", "rate": 10}
        | {"vat_account": "1406"}
        | fields
    )


async def listed_codes(tenant: Tenant, **params) -> dict[str, dict]:
    response = await tenant.get("/v1/tax-codes", params=params)
    assert response.status_code == 200, response.text
    return {row["code"]: row for row in response.json()["tax_codes"]}


async def define(tenant: Tenant, body: dict) -> dict:
    response = await tenant.post("/v1/tax-codes", body)
    assert response.status_code == 201, response.text
    return response.json()


async def book_purchase(tenant: Tenant, tax_code: str, gross: str = "1190.00") -> str:
    """An expense (6815) paid from the bank (1800) with `tax_code` on the expense line."""
    response = await tenant.post(
        "/v1/bookings",
        booking(
            ("6815", "debit", gross, tax_code),
            ("1800", "credit", gross),
            skip_duplicate_check=True,
        ),
    )
    assert response.status_code == 201, response.text
    return response.json()["intent_id"]


async def pairs_of(tenant: Tenant, intent_id: str) -> list[tuple[str, str, Decimal]]:
    """The intent's stored (debit account, credit account, amount) pairs."""
    response = await tenant.get(f"/v1/journal/{intent_id}")
    assert response.status_code == 200, response.text
    return [
        (entry["account_debit"], entry["account_credit"], Decimal(str(entry["amount"])))
        for entry in response.json()["entries"]
    ]


@pytest.fixture(scope="module")
async def system_codes(ledger: Ledger, client: httpx.AsyncClient) -> dict[str, dict[str, dict]]:
    """The tax-code lists of one fresh SKR04 and one fresh SKR03 tenant (read only)."""
    lists = {}
    for framework in ("skr04", "skr03"):
        tenant = await make_tenant(ledger, client, framework=framework)
        lists[framework] = await listed_codes(tenant)
    return lists


@pytest.fixture(scope="module")
async def reader(ledger: Ledger, client: httpx.AsyncClient) -> Tenant:
    """An SKR04 tenant for tests whose requests are all refused: nothing is added to it."""
    return await make_tenant(ledger, client)


# --- GET /v1/tax-codes -----------------------------------------------------------------------


@pytest.mark.parametrize(("framework", "code", "rate", "accounts"), SYSTEM_CODE_CASES)
def test_system_codes_use_the_tax_accounts_of_the_tenants_chart(
    system_codes: dict[str, dict[str, dict]],
    framework: str,
    code: str,
    rate: int,
    accounts: tuple[str, str | None],
):
    row = system_codes[framework][code]
    assert Decimal(str(row["rate"])) == rate
    assert (row["vat_account"], row["self_assess_account"]) == accounts
    assert row["has_self_assess"] is (accounts[1] is not None)
    assert row["is_system"] is True
    assert row["is_active"] is True


@pytest.mark.parametrize("framework", ["skr04", "skr03"])
def test_every_listed_code_has_the_documented_fields(
    system_codes: dict[str, dict[str, dict]], framework: str
):
    for row in system_codes[framework].values():
        assert set(row) >= TAX_CODE_FIELDS
        assert row["has_self_assess"] is (row["self_assess_account"] is not None)


async def test_include_inactive_also_lists_deactivated_codes(tenant: Tenant):
    code = (await define(tenant, standard_code()))["code"]
    assert (await tenant.delete(f"/v1/tax-codes/{code}")).status_code == 200

    assert code not in await listed_codes(tenant)
    assert code not in await listed_codes(tenant, include_inactive="false")
    everything = await listed_codes(tenant, include_inactive="true")
    assert everything[code]["is_active"] is False
    assert set(everything) - {code} == set(await listed_codes(tenant))


async def test_a_key_with_journal_read_only_may_list_tax_codes(tenant: Tenant):
    response = await tenant.get("/v1/tax-codes", headers=await tenant.key_with("journal:read"))
    assert response.status_code == 200, response.text
    assert "VSt19" in {row["code"] for row in response.json()["tax_codes"]}


# --- POST /v1/tax-codes ----------------------------------------------------------------------


async def test_a_custom_code_is_created_and_listed_as_non_system(tenant: Tenant):
    body = reverse_charge_code(description="Bauleistungen aus dem EU-Ausland")
    created = await define(tenant, body)
    assert set(created) >= TAX_CODE_FIELDS
    assert {key: created[key] for key in body if key != "rate"} == {
        key: value for key, value in body.items() if key != "rate"
    }
    assert Decimal(str(created["rate"])) == 19
    assert (created["is_system"], created["is_active"], created["has_self_assess"]) == (
        False,
        True,
        True,
    )
    assert (await listed_codes(tenant))[body["code"]] == created


async def test_a_self_assessing_custom_code_adds_the_tax_pair_to_a_booking(tenant: Tenant):
    await define(tenant, reverse_charge_code(code="RC19"))
    intent_id = await book_purchase(tenant, "RC19", gross="1000.00")
    assert await pairs_of(tenant, intent_id) == [
        ("6815", "1800", Decimal("1000.00")),
        ("1406", "3804", Decimal("190.00")),
    ]


async def test_a_standard_custom_code_splits_the_gross_amount(tenant: Tenant):
    code = (await define(tenant, standard_code(rate=10)))["code"]
    intent_id = await book_purchase(tenant, code, gross="110.00")
    assert await pairs_of(tenant, intent_id) == [
        ("6815", "1800", Decimal("100.00")),
        ("1406", "1800", Decimal("10.00")),
    ]


@pytest.mark.parametrize("spelling", ["VSt19", "vst19", "VST19"])
async def test_a_booking_finds_a_tax_code_whatever_its_case(tenant: Tenant, spelling: str):
    intent_id = await book_purchase(tenant, spelling, gross="119.00")
    assert await pairs_of(tenant, intent_id) == [
        ("6815", "1800", Decimal("100.00")),
        ("1406", "1800", Decimal("19.00")),
    ]


@pytest.mark.parametrize("spelling", ["VSt19", "vst19", "VST19", "vSt-IGe19"])
async def test_a_system_code_cannot_be_defined_again_in_any_case(reader: Tenant, spelling: str):
    response = await reader.post("/v1/tax-codes", standard_code(code=spelling))
    details = error_details(response, 409, "DUPLICATE_TAX_CODE")
    assert details["code"].lower() == spelling.lower()


@pytest.mark.parametrize("again", [str.upper, str.lower], ids=["upper", "lower"])
async def test_a_custom_code_cannot_be_defined_again_in_any_case(tenant: Tenant, again):
    first = await define(tenant, standard_code(code=f"Rc-{uuid.uuid4().hex[:6]}"))
    response = await tenant.post("/v1/tax-codes", standard_code(code=again(first["code"])))
    assert error_details(response, 409, "DUPLICATE_TAX_CODE")["code"] == first["code"]
    assert (await listed_codes(tenant))[first["code"]]["label"] == first["label"]


@pytest.mark.parametrize("field", ["vat_account", "self_assess_account"])
async def test_a_code_naming_an_account_outside_the_chart_is_refused(reader: Tenant, field: str):
    body = reverse_charge_code(**{field: "99999999"})
    details = error_details(await reader.post("/v1/tax-codes", body), 400, "ACCOUNT_NOT_FOUND")
    assert details["account_number"] == "99999999"
    assert body["code"] not in await listed_codes(reader, include_inactive="true")


INVALID_CODE_BODIES = [
    pytest.param({"code": "R" * (limits.TAX_CODE_CHARS_MAX + 1)}, "code", id="code-21-chars"),
    pytest.param({"code": ""}, "code", id="code-empty"),
    pytest.param({"code": "RC_19"}, "code", id="code-underscore"),
    pytest.param({"code": "RC 19"}, "code", id="code-space"),
    pytest.param({"code": "RC19ü"}, "code", id="code-umlaut"),
    pytest.param({"code": "RC/19"}, "code", id="code-slash"),
    pytest.param({"rate": "100.01"}, "rate", id="rate-over-100"),
    pytest.param({"rate": 101}, "rate", id="rate-101"),
    pytest.param({"rate": -1}, "rate", id="rate-negative"),
    pytest.param({"rate": "19.001"}, "rate", id="rate-3-decimals"),
    pytest.param({"rate": "neunzehn"}, "rate", id="rate-text"),
    pytest.param({"rate": None}, "rate", id="rate-null"),
    pytest.param({"label": "L" * (limits.TAX_LABEL_CHARS_MAX + 1)}, "label", id="label-121"),
    pytest.param({"label": ""}, "label", id="label-empty"),
    pytest.param(
        {"description": "D" * (limits.TAX_DESCRIPTION_CHARS_MAX + 1)},
        "description",
        id="description-501",
    ),
    pytest.param({"vat_account": "14O6"}, "vat_account", id="vat-account-not-numeric"),
    pytest.param({"self_assess_account": "123456789"}, "self_assess_account", id="self-9-digits"),
    pytest.param({"is_system": True}, "is_system", id="unknown-field"),
    *(
        pytest.param({missing: ABSENT}, missing, id=f"{missing}-missing")
        for missing in ("code", "label", "rate", "vat_account")
    ),
]


@pytest.mark.parametrize(("fields", "named"), INVALID_CODE_BODIES)
async def test_a_malformed_tax_code_is_invalid_input_and_not_created(
    reader: Tenant, fields: dict, named: str
):
    before = await listed_codes(reader, include_inactive="true")
    response = await reader.post("/v1/tax-codes", reverse_charge_code(**fields))
    error_details(response, 400, "INVALID_INPUT")
    assert named in response.json()["error"]["message"]
    assert await listed_codes(reader, include_inactive="true") == before


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param(
            {"code": "X" * (limits.TAX_CODE_CHARS_MAX - 9) + uuid.uuid4().hex[:9]},
            id="code-20-chars",
        ),
        pytest.param({"label": "L" * limits.TAX_LABEL_CHARS_MAX}, id="label-120"),
        pytest.param({"description": "D" * limits.TAX_DESCRIPTION_CHARS_MAX}, id="descr-500"),
        pytest.param({"description": None}, id="description-null"),
        pytest.param({"rate": 0}, id="rate-0"),
        pytest.param({"rate": 100}, id="rate-100"),
        pytest.param({"rate": "7.25"}, id="rate-7.25"),
    ],
)
async def test_the_documented_maxima_and_rate_bounds_are_accepted(tenant: Tenant, fields: dict):
    body = standard_code(**fields)
    created = await define(tenant, body)
    assert created["code"] == body["code"]
    assert created["label"] == body["label"]
    assert created["description"] == body.get("description")
    assert Decimal(str(created["rate"])) == Decimal(str(body["rate"]))


# --- PATCH /v1/tax-codes/{code} --------------------------------------------------------------


async def patch(tenant: Tenant, code: str, body: dict) -> httpx.Response:
    return await tenant.patch(f"/v1/tax-codes/{code}", body)


async def test_patch_changes_only_the_named_fields(tenant: Tenant):
    created = await define(tenant, reverse_charge_code(description="alt"))
    response = await patch(tenant, created["code"], {"label": "Reverse Charge (neu)"})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "code": created["code"],
        "label": "Reverse Charge (neu)",
        "is_active": True,
    }
    assert (await listed_codes(tenant))[created["code"]] == created | {
        "label": "Reverse Charge (neu)"
    }


async def test_patch_finds_the_code_whatever_its_case(tenant: Tenant):
    created = await define(tenant, standard_code())
    response = await patch(tenant, created["code"].lower(), {"description": "klein"})
    assert response.status_code == 200, response.text
    assert response.json()["code"] == created["code"]
    assert (await listed_codes(tenant))[created["code"]]["description"] == "klein"


@pytest.mark.parametrize(
    "body", [{}, {"label": "Vorsteuer Sondersatz"}, {"rate": "10.00"}, {"is_active": True}]
)
async def test_a_patch_that_changes_nothing_is_no_changes(tenant: Tenant, body: dict):
    created = await define(tenant, standard_code())
    error_details(await patch(tenant, created["code"], body), 400, "NO_CHANGES")


@pytest.mark.parametrize(
    ("method", "body"), [("PATCH", {"label": "x"}), ("DELETE", None)], ids=["patch", "delete"]
)
async def test_an_unknown_code_is_tax_code_not_found(reader: Tenant, method: str, body):
    response = await reader.client.request(
        method, "/v1/tax-codes/GIBT-ES-NICHT", json=body, headers=reader.headers
    )
    assert error_details(response, 404, "TAX_CODE_NOT_FOUND")["code"] == "GIBT-ES-NICHT"


async def test_null_self_assess_account_turns_a_code_into_a_splitting_one(tenant: Tenant):
    created = await define(tenant, reverse_charge_code())
    before = await book_purchase(tenant, created["code"], gross="1190.00")

    response = await patch(tenant, created["code"], {"self_assess_account": None})
    assert response.status_code == 200, response.text
    row = (await listed_codes(tenant))[created["code"]]
    assert (row["self_assess_account"], row["has_self_assess"]) == (None, False)

    after = await book_purchase(tenant, created["code"], gross="1190.00")
    assert await pairs_of(tenant, after) == [
        ("6815", "1800", Decimal("1000.00")),
        ("1406", "1800", Decimal("190.00")),
    ]
    assert await pairs_of(tenant, before) == [
        ("6815", "1800", Decimal("1190.00")),
        ("1406", "3804", Decimal("226.10")),
    ]


async def test_a_new_rate_applies_to_new_bookings_and_past_bookings_keep_their_split(
    tenant: Tenant,
):
    created = await define(tenant, standard_code(rate=10))
    before = await book_purchase(tenant, created["code"], gross="110.00")
    split_before = await pairs_of(tenant, before)

    assert (await patch(tenant, created["code"], {"rate": 5})).status_code == 200
    after = await book_purchase(tenant, created["code"], gross="105.00")

    assert await pairs_of(tenant, before) == split_before
    assert await pairs_of(tenant, after) == [
        ("6815", "1800", Decimal("100.00")),
        ("1406", "1800", Decimal("5.00")),
    ]


@pytest.mark.parametrize(
    ("code", "body"),
    [
        ("VSt19", {"rate": 7}),
        ("VSt19", {"vat_account": "1401"}),
        ("VSt19", {"self_assess_account": "3804"}),
        ("VSt-igE19", {"self_assess_account": None}),
        ("USt7", {"rate": "7.5", "label": "Umsatzsteuer 7,5 %"}),
    ],
    ids=["rate", "vat-account", "add-self-assessment", "drop-self-assessment", "rate-and-label"],
)
async def test_the_rate_and_accounts_of_a_system_code_cannot_be_changed(
    reader: Tenant, code: str, body: dict
):
    before = (await listed_codes(reader))[code]
    details = error_details(await patch(reader, code, body), 400, "INVALID_INPUT")
    assert details["code"] == code
    assert (await listed_codes(reader))[code] == before


async def test_the_label_of_a_system_code_can_be_changed(tenant: Tenant):
    response = await patch(tenant, "VSt19", {"label": "Vorsteuer 19 % (Inland)"})
    assert response.status_code == 200, response.text
    row = (await listed_codes(tenant))["VSt19"]
    assert (row["label"], row["vat_account"], row["is_system"]) == (
        "Vorsteuer 19 % (Inland)",
        "1406",
        True,
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param({"rate": 101}, 400, "INVALID_INPUT", id="rate-101"),
        pytest.param({"label": ""}, 400, "INVALID_INPUT", id="label-empty"),
        pytest.param({"label": None}, 400, "INVALID_INPUT", id="label-null"),
        pytest.param({"is_active": "no"}, 400, "INVALID_INPUT", id="is-active-text"),
        pytest.param({"code": "NEU"}, 400, "INVALID_INPUT", id="rename"),
        pytest.param({"vat_account": "99999999"}, 400, "ACCOUNT_NOT_FOUND", id="vat-unknown"),
        pytest.param(
            {"self_assess_account": "99999999"}, 400, "ACCOUNT_NOT_FOUND", id="self-unknown"
        ),
    ],
)
async def test_an_invalid_patch_is_refused_and_changes_nothing(
    tenant: Tenant, body: dict, status: int, code: str
):
    created = await define(tenant, standard_code())
    error_details(await patch(tenant, created["code"], body), status, code)
    assert (await listed_codes(tenant))[created["code"]] == created


async def deactivate_with_patch(tenant: Tenant, code: str) -> httpx.Response:
    return await patch(tenant, code, {"is_active": False})


async def deactivate_with_delete(tenant: Tenant, code: str) -> httpx.Response:
    return await tenant.delete(f"/v1/tax-codes/{code}")


@pytest.mark.parametrize("deactivate", [deactivate_with_patch, deactivate_with_delete])
async def test_a_deactivated_code_refuses_new_bookings_and_past_bookings_keep_their_split(
    tenant: Tenant, deactivate
):
    created = await define(tenant, reverse_charge_code())
    past = await book_purchase(tenant, created["code"], gross="1000.00")
    split = await pairs_of(tenant, past)

    response = await deactivate(tenant, created["code"])
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False

    refused = await tenant.post(
        "/v1/bookings",
        booking(("6815", "debit", "1000.00", created["code"]), ("1800", "credit", "1000.00")),
    )
    details = error_details(refused, 400, "INVALID_TAX_CODE")
    assert details["tax_code"] == created["code"]
    assert await pairs_of(tenant, past) == split


async def test_a_deactivated_custom_code_can_be_activated_again(tenant: Tenant):
    created = await define(tenant, standard_code(rate=10))
    assert (await tenant.delete(f"/v1/tax-codes/{created['code']}")).status_code == 200
    response = await patch(tenant, created["code"], {"is_active": True})
    assert response.json() == {"code": created["code"], "label": created["label"]} | {
        "is_active": True
    }
    intent_id = await book_purchase(tenant, created["code"], gross="110.00")
    assert ("1406", "1800", Decimal("10.00")) in await pairs_of(tenant, intent_id)


async def test_a_system_code_can_be_switched_off_with_patch(tenant: Tenant):
    response = await patch(tenant, "VSt7", {"is_active": False})
    assert response.status_code == 200, response.text
    assert "VSt7" not in await listed_codes(tenant)
    refused = await tenant.post(
        "/v1/bookings", booking(("6815", "debit", "107.00", "VSt7"), ("1800", "credit", "107.00"))
    )
    error_details(refused, 400, "INVALID_TAX_CODE")


# --- DELETE /v1/tax-codes/{code} -------------------------------------------------------------


async def test_deleting_a_custom_code_deactivates_it_and_keeps_it_listed_as_inactive(
    tenant: Tenant,
):
    created = await define(tenant, standard_code())
    response = await tenant.delete(f"/v1/tax-codes/{created['code']}")
    assert response.status_code == 200, response.text
    assert response.json() == {"code": created["code"], "is_active": False}
    row = (await listed_codes(tenant, include_inactive="true"))[created["code"]]
    assert row == created | {"is_active": False}


async def test_deleting_an_inactive_code_again_answers_the_same(tenant: Tenant):
    created = await define(tenant, standard_code())
    first = await tenant.delete(f"/v1/tax-codes/{created['code']}")
    again = await tenant.delete(f"/v1/tax-codes/{created['code']}")
    assert (again.status_code, again.json()) == (first.status_code, first.json())


@pytest.mark.parametrize("code", [code for code, *_ in SYSTEM_CODES])
async def test_a_system_code_cannot_be_deleted(reader: Tenant, code: str):
    response = await reader.delete(f"/v1/tax-codes/{code}")
    assert error_details(response, 400, "SYSTEM_TAX_CODE_DELETE_FORBIDDEN")["code"] == code
    assert (await listed_codes(reader))[code]["is_active"] is True


@pytest.mark.parametrize("code", ["RC_19", "R" * (limits.TAX_CODE_CHARS_MAX + 1)])
async def test_a_malformed_code_in_the_path_is_invalid_input(reader: Tenant, code: str):
    error_details(await reader.delete(f"/v1/tax-codes/{code}"), 400, "INVALID_INPUT")


async def test_the_kind_of_a_custom_code_chooses_its_vat_return_figures(tenant: Tenant):
    eu_services = await define(tenant, reverse_charge_code(kind="reverse_charge_eu"))
    assert eu_services["kind"] == "reverse_charge_eu"
    derived = await define(tenant, reverse_charge_code())
    assert derived["kind"] == "reverse_charge"
    wrong = await tenant.post("/v1/tax-codes", reverse_charge_code(kind="output"))
    error_details(wrong, 400, "INVALID_INPUT")
    unknown = await tenant.post("/v1/tax-codes", standard_code(kind="whatever"))
    error_details(unknown, 400, "INVALID_INPUT")
