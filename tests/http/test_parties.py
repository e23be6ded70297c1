"""Customers and vendors over HTTP: master records with a personal account, checked IBAN, BIC
and VAT ID, duplicate rules, partial update, deactivation, open amount from the journal."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import Tenant, booking, error_details

KINDS = [
    # (path, a right default account, a wrong one, the first personal account)
    pytest.param(("customers", "4400", "6815", "10000"), id="customers"),
    pytest.param(("vendors", "6815", "4400", "70000"), id="vendors"),
]
VALID_IBAN = "DE89 3704 0044 0532 0130 00"
VALID_VAT_ID = "DE 136 695 976"


async def create(tenant: Tenant, path: str, **fields) -> dict:
    response = await tenant.post(
        f"/v1/{path}", {"name": f"Muster {uuid.uuid4().hex[:6]}", **fields}
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("kind", KINDS)
async def test_a_party_is_registered_with_its_personal_account(tenant: Tenant, kind):
    path, default_account, _, first_account = kind
    party = await create(
        tenant,
        path,
        name="Muster GmbH",
        tax_id="143/815/08154",
        vat_id=VALID_VAT_ID,
        iban=VALID_IBAN,
        bic="cobadeffxxx",
        address={
            "street": "Hauptstraße",
            "building_number": "5a",
            "zip": "10115",
            "city": "Berlin",
            "country": "de",
        },
        default_account=default_account,
        notes="Zahlt pünktlich",
    )

    assert party["account_number"] == first_account
    assert party["iban"] == "DE89370400440532013000"
    assert party["vat_id"] == "DE136695976"
    assert party["bic"] == "COBADEFFXXX"
    assert party["address"]["country"] == "DE"
    assert party["is_active"] is True
    assert party["open_amount"] == 0
    assert (await tenant.get(f"/v1/{path}/{party['id']}")).json() == party
    account = (await tenant.get("/v1/accounts/search", params={"q": first_account})).json()
    assert account["accounts"][0]["name"] == "Muster GmbH"
    second = await create(tenant, path)
    assert int(second["account_number"]) == int(first_account) + 1


@pytest.mark.parametrize("kind", KINDS)
async def test_the_open_amount_is_the_balance_of_the_personal_account(tenant: Tenant, kind):
    path, *_ = kind
    party = await create(tenant, path)
    account = party["account_number"]
    if path == "customers":  # an invoice: the customer owes 119.00, then pays 19.00
        lines = [
            ((account, "debit", "119.00"), ("4400", "credit", "119.00")),
            (("1800", "debit", "19.00"), (account, "credit", "19.00")),
        ]
    else:  # a bill: we owe 119.00, then pay 19.00
        lines = [
            (("6815", "debit", "119.00"), (account, "credit", "119.00")),
            ((account, "debit", "19.00"), ("1800", "credit", "19.00")),
        ]
    for pair in lines:
        assert (await tenant.post("/v1/bookings", booking(*pair))).status_code == 201

    assert (await tenant.get(f"/v1/{path}/{party['id']}")).json()["open_amount"] == 100


@pytest.mark.parametrize("kind", KINDS)
async def test_duplicates_answer_409_with_the_existing_id(tenant: Tenant, kind):
    path, *_ = kind
    first = await create(tenant, path, name="Alpha AG", tax_id="111/222/33333", vat_id=VALID_VAT_ID)

    for fields, code in (
        ({"name": "ALPHA ag"}, "DUPLICATE_NAME"),
        ({"name": "Beta AG", "tax_id": "111/222/33333"}, "DUPLICATE_TAX_ID"),
        ({"name": "Gamma AG", "vat_id": "de136695976"}, "DUPLICATE_VAT_ID"),
    ):
        response = await tenant.post(f"/v1/{path}", fields)
        assert error_details(response, 409, code) == {"existing_id": first["id"]}


async def test_customers_and_vendors_are_separate_books(tenant: Tenant):
    customer = await create(tenant, "customers", name="Beides GmbH")
    vendor = await create(tenant, "vendors", name="Beides GmbH")
    assert customer["id"] != vendor["id"]
    error_details(await tenant.get(f"/v1/vendors/{customer['id']}"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"iban": "DE89 3704 0044 0532 0130 01"}, "INVALID_IBAN"),
        ({"iban": "XX00"}, "INVALID_IBAN"),
        ({"bic": "12345"}, "INVALID_BIC"),
        ({"vat_id": "DE136695977"}, "INVALID_VAT_ID"),
        ({"default_account": "9999999"}, "ACCOUNT_NOT_FOUND"),
        ({"name": ""}, "INVALID_INPUT"),
        ({"name": "x" * 256}, "INVALID_INPUT"),
        ({"address": {"country": "Deutschland"}}, "INVALID_INPUT"),
        ({"address": {"city": "x" * 36}}, "INVALID_INPUT"),
        ({"colour": "blue"}, "INVALID_INPUT"),
    ],
)
async def test_invalid_master_data_is_refused(tenant: Tenant, fields: dict, code: str):
    body = {"name": "Prüfling GmbH", **fields}
    error_details(await tenant.post("/v1/customers", body), 400, code)
    assert (await tenant.get("/v1/customers")).json()["total"] == 0


@pytest.mark.parametrize("kind", KINDS)
async def test_the_default_account_must_be_of_the_right_type(tenant: Tenant, kind):
    path, _, wrong_account, *_ = kind
    response = await tenant.post(
        f"/v1/{path}", {"name": "Falsch", "default_account": wrong_account}
    )
    details = error_details(response, 400, "INVALID_ACCOUNT_TYPE")
    assert details["account_number"] == wrong_account


async def test_put_changes_given_fields_clears_nulls_and_keeps_the_rest(tenant: Tenant):
    party = await create(tenant, "customers", name="Alt GmbH", notes="n", iban=VALID_IBAN)

    response = await tenant.client.put(
        f"/v1/customers/{party['id']}",
        json={"name": "Neu GmbH", "notes": None},
        headers=tenant.headers,
    )

    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["name"], changed["notes"], changed["iban"]) == (
        "Neu GmbH",
        None,
        party["iban"],
    )
    assert changed["updated_at"] > party["updated_at"]
    account = (
        await tenant.get("/v1/accounts/search", params={"q": party["account_number"]})
    ).json()
    assert account["accounts"][0]["name"] == "Neu GmbH"  # the personal account follows


async def test_put_refuses_no_change_a_null_name_and_a_taken_name(tenant: Tenant):
    taken = await create(tenant, "customers", name="Besetzt")
    party = await create(tenant, "customers", name="Frei")
    url = f"/v1/customers/{party['id']}"

    async def put(body):
        return await tenant.client.put(url, json=body, headers=tenant.headers)

    error_details(await put({}), 400, "NO_CHANGES")
    error_details(await put({"name": "Frei"}), 400, "NO_CHANGES")
    error_details(await put({"name": None}), 400, "INVALID_INPUT")
    details = error_details(await put({"name": "besetzt"}), 409, "DUPLICATE_NAME")
    assert details == {"existing_id": taken["id"]}
    error_details(await put({"iban": "DE00"}), 400, "INVALID_IBAN")


async def test_delete_deactivates_and_frees_the_name(tenant: Tenant):
    party = await create(tenant, "vendors", name="Weg GmbH")

    response = await tenant.delete(f"/v1/vendors/{party['id']}")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert (await tenant.delete(f"/v1/vendors/{party['id']}")).status_code == 200
    listed = (await tenant.get("/v1/vendors", params={"is_active": "false"})).json()
    assert [v["id"] for v in listed["vendors"]] == [party["id"]]
    assert (await tenant.get("/v1/vendors", params={"is_active": "true"})).json()["total"] == 0
    await create(tenant, "vendors", name="Weg GmbH")


async def test_the_list_searches_name_and_vat_id_and_pages(tenant: Tenant):
    for name in ("Anton KG", "Berta GmbH", "Carla AG"):
        await create(tenant, "customers", name=name)
    await create(tenant, "customers", name="Dora OHG", vat_id=VALID_VAT_ID)

    by_name = (await tenant.get("/v1/customers", params={"search": "berta"})).json()
    assert [c["name"] for c in by_name["customers"]] == ["Berta GmbH"]
    by_vat = (await tenant.get("/v1/customers", params={"search": "DE1366"})).json()
    assert [c["name"] for c in by_vat["customers"]] == ["Dora OHG"]
    page = (await tenant.get("/v1/customers", params={"limit": 2, "offset": 1})).json()
    assert [c["name"] for c in page["customers"]] == ["Berta GmbH", "Carla AG"]
    assert page["total"] == 4


async def test_unknown_and_malformed_ids(tenant: Tenant):
    error_details(await tenant.get(f"/v1/customers/{uuid.uuid4()}"), 404, "NOT_FOUND")
    error_details(await tenant.get("/v1/customers/nope"), 400, "INVALID_INPUT")
    error_details(await tenant.delete(f"/v1/customers/{uuid.uuid4()}"), 404, "NOT_FOUND")
