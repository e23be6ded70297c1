"""Config routes: tax codes and the tenant's master data."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from ledger.intents import (
    UNSET_FIELD,
    ChangeTaxCode,
    ChangeTenantMasterData,
    DeactivateTaxCode,
    DefineTaxCode,
    SetDatevSettings,
)
from ledger.money import percent_from_rate_bp, rate_bp_from_percent
from ledger.parties import normalised_vat_id
from projections import queries
from schemas.config import (
    CreateTaxCodeIn,
    DatevSettingsIn,
    DatevSettingsOut,
    PatchTaxCodeIn,
    TaxCodeDeletedOut,
    TaxCodeOut,
    TaxCodePatchedOut,
    TaxCodesOut,
    TenantOut,
    TenantPatchIn,
)

TaxCodePath = Annotated[str, PathParameter(max_length=20, pattern=r"^[A-Za-z0-9-]+$")]


def _tax_code_out(row) -> TaxCodeOut:
    return TaxCodeOut(
        code=row["code"],
        label=row["label"],
        description=row["description"],
        rate=percent_from_rate_bp(row["rate_bp"]),
        vat_account=row["vat_account"],
        self_assess_account=row["self_assess_account"],
        has_self_assess=row["self_assess_account"] is not None,
        kind=row["kind"],
        is_system=row["is_system"],
        is_active=row["is_active"],
        created_at=row["created_at"],
    )


@get(
    "/tax-codes",
    operation_id="GetTaxCodes",
    opt={"scope": ("config:read", "journal:read")},
    tags=["Config"],
)
async def get_tax_codes(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    include_inactive: Annotated[bool, QueryParameter(name="include_inactive")] = False,
) -> TaxCodesOut:
    """System and custom tax codes. Codes match case-insensitively when booking."""
    async with ledger.pool.acquire() as conn:
        rows = await queries.tax_codes(conn, caller.tenant_id, include_inactive=include_inactive)
    return TaxCodesOut(tax_codes=[_tax_code_out(row) for row in rows])


@post(
    "/tax-codes",
    operation_id="PostTaxCode",
    opt={"scope": "config:write"},
    status_code=201,
    tags=["Config"],
)
async def post_tax_code(
    data: JSONBody[CreateTaxCodeIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> TaxCodeOut:
    """Define a custom tax code; with `self_assess_account` it self-assesses (§ 13b)."""
    await ledger.writers.submit_one(
        DefineTaxCode(
            tenant_id=caller.tenant_id,
            actor=caller.actor,
            channel="api",
            code=data.code,
            label=data.label,
            description=data.description,
            rate_bp=rate_bp_from_percent(data.rate),
            vat_account=data.vat_account,
            self_assess_account=data.self_assess_account,
            kind=data.kind,
        )
    )
    return await _read_tax_code(ledger, caller, data.code)


@patch(
    "/tax-codes/{code:str}",
    operation_id="PatchTaxCode",
    opt={"scope": "config:write"},
    tags=["Config"],
)
async def patch_tax_code(
    code: TaxCodePath,
    data: JSONBody[PatchTaxCodeIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> TaxCodePatchedOut:
    """Change a tax code; absent fields stay, `null` clears. Past bookings keep their split."""

    def given(value):
        return UNSET_FIELD if value is msgspec.UNSET else value

    rate = data.rate
    await ledger.writers.submit_one(
        ChangeTaxCode(
            tenant_id=caller.tenant_id,
            actor=caller.actor,
            channel="api",
            code=code,
            label=given(data.label),
            description=given(data.description),
            rate_bp=UNSET_FIELD if rate is msgspec.UNSET else rate_bp_from_percent(rate),
            vat_account=given(data.vat_account),
            self_assess_account=given(data.self_assess_account),
            is_active=given(data.is_active),
        )
    )
    row = await _read_tax_code(ledger, caller, code)
    return TaxCodePatchedOut(code=row.code, label=row.label, is_active=row.is_active)


@delete(
    "/tax-codes/{code:str}",
    operation_id="DeleteTaxCode",
    opt={"scope": "config:write"},
    status_code=200,
    tags=["Config"],
)
async def delete_tax_code(
    code: TaxCodePath, caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> TaxCodeDeletedOut:
    """Deactivate a custom tax code (it stays in the history; system codes cannot be deleted)."""
    await ledger.writers.submit_one(
        DeactivateTaxCode(
            tenant_id=caller.tenant_id,
            actor=caller.actor,
            channel="api",
            code=code,
        )
    )
    row = await _read_tax_code(ledger, caller, code)
    return TaxCodeDeletedOut(code=row.code, is_active=row.is_active)


async def _read_tax_code(ledger: Ledger, caller: Caller, code: str) -> TaxCodeOut:
    async with ledger.pool.acquire() as conn:
        row = await queries.tax_code(conn, caller.tenant_id, code)
    if row is None:
        raise ApiError("TAX_CODE_NOT_FOUND", f"Tax code {code!r} does not exist.", code=code)
    return _tax_code_out(row)


@get("/tenant", operation_id="GetTenant", opt={"scope": "config:read"}, tags=["Config"])
async def get_tenant(caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]) -> TenantOut:
    """The tenant's master data. Changing it is reserved to the owner's dashboard session;
    the DATEV settings are accounting configuration (PUT /v1/tenant/datev)."""
    return await _tenant(ledger, caller)


@put(
    "/tenant/datev", operation_id="PutDatevSettings", opt={"scope": "config:write"}, tags=["Config"]
)
async def put_datev_settings(
    data: JSONBody[DatevSettingsIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> TenantOut:
    """Beraternummer, Mandantennummer and Sachkontenlänge for the DATEV export's headers."""
    await ledger.writers.submit_one(
        SetDatevSettings(
            **caller.stamp(),
            berater_number=data.berater_number,
            mandant_number=data.mandant_number,
            account_length=data.account_length,
        )
    )
    return await _tenant(ledger, caller)


@patch("/tenant", operation_id="PatchTenant", opt={"scope": "config:write"}, tags=["Config"])
async def patch_tenant(
    data: JSONBody[TenantPatchIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> TenantOut:
    """Change the tenant's master data (name, legal form, tax number, VAT ID, address,
    contact) — only the owner, logged in; never with an API key (reference §3.7)."""
    if not (caller.session and caller.role == "owner") or caller.acting_for is not None:
        raise ApiError(
            "FORBIDDEN",
            "Only the owner, logged in (POST /v1/auth/login), changes the tenant's master "
            "data; API keys cannot.",
        )
    changes = convert.given_fields(data)
    if changes.get("vat_id"):
        changes["vat_id"] = normalised_vat_id(changes["vat_id"])
    await ledger.writers.submit_one(ChangeTenantMasterData(**caller.stamp(), changes=changes))
    return await _tenant(ledger, caller)


async def _tenant(ledger: Ledger, caller: Caller) -> TenantOut:
    async with ledger.pool.acquire() as conn:
        row = await queries.tenant(conn, caller.tenant_id)
    if row is None:
        raise ApiError("NOT_FOUND", "The tenant does not exist.")
    datev = (
        None
        if row["datev_berater_number"] is None
        else DatevSettingsOut(
            berater_number=row["datev_berater_number"],
            mandant_number=row["datev_mandant_number"],
            account_length=row["datev_account_length"],
        )
    )
    return TenantOut(
        id=row["id"],
        company_name=row["company_name"],
        tax_id=row["tax_id"],
        vat_id=row["vat_id"],
        legal_form=row["legal_form"],
        fiscal_year_start=row["fiscal_year_start"],
        vat_registered=row["vat_registered"],
        account_framework=row["account_framework"],
        datev=datev,
        **{
            name: row[name]
            for name in (
                "street",
                "zip",
                "city",
                "country",
                "contact_name",
                "contact_phone",
                "contact_email",
            )
        },
    )


ROUTES = [
    get_tax_codes,
    post_tax_code,
    patch_tax_code,
    delete_tax_code,
    get_tenant,
    put_datev_settings,
    patch_tenant,
]
