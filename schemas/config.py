"""Config module: tax codes and the tenant's master data."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from schemas import limits
from schemas.journal import NO_NUL_PATTERN, AccountNumber, Out, TaxCodeName, Wire

Label = Annotated[
    str, Meta(min_length=1, max_length=limits.TAX_LABEL_CHARS_MAX, pattern=NO_NUL_PATTERN)
]
TaxDescription = Annotated[
    str, Meta(max_length=limits.TAX_DESCRIPTION_CHARS_MAX, pattern=NO_NUL_PATTERN)
]


def check_rate(rate: Decimal) -> None:
    if not rate.is_finite() or rate < 0 or rate > 100:
        raise ValueError("rate must be a percentage from 0 to 100")
    if rate != rate.quantize(Decimal("0.01")):
        raise ValueError("rate must have at most two decimal places")


class TaxCodeOut(Out, kw_only=True):
    code: str
    label: str
    description: str | None
    rate: Decimal
    vat_account: str | None
    self_assess_account: str | None
    has_self_assess: bool
    kind: str
    is_system: bool
    is_active: bool
    created_at: datetime


class TaxCodesOut(Out, kw_only=True):
    tax_codes: list[TaxCodeOut]


TaxKind = Literal[
    "input",
    "output",
    "intra_eu_acquisition",
    "reverse_charge",
    "reverse_charge_eu",
    "tax_free_intra_eu",
    "tax_free_export",
    "tax_free",
]


class CreateTaxCodeIn(Wire, kw_only=True):
    code: TaxCodeName
    label: Label
    description: TaxDescription | None = None
    rate: Decimal
    vat_account: AccountNumber
    self_assess_account: AccountNumber | None = None
    # Which VAT-return figures the code feeds (docs/api.md, "VAT return"); derived when absent.
    kind: TaxKind | None = None

    def __post_init__(self) -> None:
        check_rate(self.rate)


class PatchTaxCodeIn(Wire, kw_only=True):
    """Partial update: absent fields stay; `null` clears description / self-assessment."""

    label: Label | msgspec.UnsetType = msgspec.UNSET
    description: TaxDescription | msgspec.UnsetType | None = msgspec.UNSET
    rate: Decimal | msgspec.UnsetType = msgspec.UNSET
    vat_account: AccountNumber | msgspec.UnsetType = msgspec.UNSET
    self_assess_account: AccountNumber | msgspec.UnsetType | None = msgspec.UNSET
    is_active: bool | msgspec.UnsetType = msgspec.UNSET

    def __post_init__(self) -> None:
        if not isinstance(self.rate, msgspec.UnsetType):
            check_rate(self.rate)


class TaxCodePatchedOut(Out, kw_only=True):
    code: str
    label: str
    is_active: bool


class TaxCodeDeletedOut(Out, kw_only=True):
    code: str
    is_active: bool


class DatevSettingsIn(Wire, kw_only=True):
    berater_number: Annotated[int, Meta(ge=1001, le=9_999_999)]
    mandant_number: Annotated[int, Meta(ge=1, le=99_999)]
    account_length: Annotated[int, Meta(ge=4, le=8)] = 4  # Sachkontenlänge


class DatevSettingsOut(Out, kw_only=True):
    berater_number: int
    mandant_number: int
    account_length: int


OptionalText = Annotated[str, Meta(min_length=1, max_length=200, pattern=NO_NUL_PATTERN)]


class TenantPatchIn(Wire, kw_only=True):
    """Partial: absent fields stay, `null` clears (not the company name)."""

    company_name: OptionalText | msgspec.UnsetType = msgspec.UNSET
    legal_form: OptionalText | msgspec.UnsetType | None = msgspec.UNSET
    tax_id: Annotated[str, Meta(max_length=30)] | msgspec.UnsetType | None = msgspec.UNSET
    vat_id: Annotated[str, Meta(max_length=20)] | msgspec.UnsetType | None = msgspec.UNSET
    vat_registered: bool | msgspec.UnsetType = msgspec.UNSET
    street: OptionalText | msgspec.UnsetType | None = msgspec.UNSET
    zip: Annotated[str, Meta(max_length=10)] | msgspec.UnsetType | None = msgspec.UNSET
    city: OptionalText | msgspec.UnsetType | None = msgspec.UNSET
    country: Annotated[str, Meta(pattern=r"^[A-Z]{2}$")] | msgspec.UnsetType | None = msgspec.UNSET
    contact_name: OptionalText | msgspec.UnsetType | None = msgspec.UNSET
    contact_phone: Annotated[str, Meta(max_length=40)] | msgspec.UnsetType | None = msgspec.UNSET
    contact_email: Annotated[str, Meta(max_length=254)] | msgspec.UnsetType | None = msgspec.UNSET


class TenantOut(Out, kw_only=True):
    id: UUID
    company_name: str
    tax_id: str | None
    vat_id: str | None
    legal_form: str | None
    fiscal_year_start: int
    vat_registered: bool
    account_framework: Literal["skr04", "skr03"]
    datev: DatevSettingsOut | None  # null until set (PUT /v1/tenant/datev)
    street: str | None
    zip: str | None
    city: str | None
    country: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
