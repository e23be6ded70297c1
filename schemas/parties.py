"""Receivables and payables master data: customers and vendors (reference §3.3, §3.4)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from schemas import limits
from schemas.journal import NO_NUL_PATTERN, AccountNumber, Out, Wire


def _text(max_length: int, min_length: int = 0):
    return Annotated[
        str, Meta(min_length=min_length, max_length=max_length, pattern=NO_NUL_PATTERN)
    ]


Name = _text(limits.PARTY_NAME_CHARS_MAX, 1)
TaxId = _text(limits.PARTY_TAX_ID_CHARS_MAX)
VatId = _text(limits.PARTY_VAT_ID_CHARS_MAX)
Iban = _text(limits.IBAN_CHARS_MAX)
Bic = _text(limits.BIC_CHARS_MAX)
Notes = _text(limits.PARTY_NOTES_CHARS_MAX)
Street = _text(limits.STREET_CHARS_MAX)
BuildingNumber = _text(limits.BUILDING_NUMBER_CHARS_MAX)
Zip = _text(limits.ZIP_CHARS_MAX)
City = _text(limits.CITY_CHARS_MAX)
Country = Annotated[str, Meta(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")]


class AddressIn(Wire, kw_only=True):
    street: Street | None = None
    building_number: BuildingNumber | None = None
    zip: Zip | None = None
    city: City | None = None
    country: Country | None = None


class PartyIn(Wire, kw_only=True):
    name: Name
    tax_id: TaxId | None = None
    vat_id: VatId | None = None
    iban: Iban | None = None
    bic: Bic | None = None
    address: AddressIn | None = None
    default_account: AccountNumber | None = None
    notes: Notes | None = None


class PartyPutIn(Wire, kw_only=True):
    """Partial update: absent fields stay as they are, `null` clears one (not `name`)."""

    name: Name | msgspec.UnsetType | None = msgspec.UNSET
    tax_id: TaxId | msgspec.UnsetType | None = msgspec.UNSET
    vat_id: VatId | msgspec.UnsetType | None = msgspec.UNSET
    iban: Iban | msgspec.UnsetType | None = msgspec.UNSET
    bic: Bic | msgspec.UnsetType | None = msgspec.UNSET
    address: AddressIn | msgspec.UnsetType | None = msgspec.UNSET
    default_account: AccountNumber | msgspec.UnsetType | None = msgspec.UNSET
    notes: Notes | msgspec.UnsetType | None = msgspec.UNSET


class AddressOut(Out, kw_only=True):
    street: str | None
    building_number: str | None
    zip: str | None
    city: str | None
    country: str | None


class PartyOut(Out, kw_only=True):
    id: UUID
    account_number: str  # the personal account (Personenkonto)
    name: str
    tax_id: str | None
    vat_id: str | None
    iban: str | None
    bic: str | None
    address: AddressOut | None
    default_account: str | None
    notes: str | None
    is_active: bool
    open_amount: Decimal  # customer: what they owe us; vendor: what we owe them
    created_at: datetime
    updated_at: datetime


class CustomersOut(Out, kw_only=True):
    customers: list[PartyOut]
    total: int
    limit: int
    offset: int


class VendorsOut(Out, kw_only=True):
    vendors: list[PartyOut]
    total: int
    limit: int
    offset: int
