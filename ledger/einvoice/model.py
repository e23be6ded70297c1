"""The normalized invoice: the EN 16931 business terms the inbox needs, the same whichever
syntax (UBL or UN/CEFACT CII) carried them. Amounts are Decimals exactly as written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

import msgspec

Syntax = Literal["ubl", "cii"]
# Booking aids, not invoices (formats.md §4): MINIMUM and BASIC WL carry no lines.
BOOKING_AID_PROFILES = frozenset({"minimum", "basic-wl"})
CREDIT_NOTE_TYPE_CODES = frozenset({"381", "396", "532"})


class Address(msgspec.Struct, frozen=True, kw_only=True):
    street: str | None = None  # BT-35 / BT-50
    additional_street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None


class Party(msgspec.Struct, frozen=True, kw_only=True):
    name: str | None = None  # BT-27 / BT-44 (legal name)
    trading_name: str | None = None
    identifier: str | None = None
    vat_id: str | None = None  # BT-31 / BT-48
    tax_number: str | None = None  # BT-32
    address: Address | None = None
    electronic_address: str | None = None  # BT-34 / BT-49 (e-mail, Leitweg-ID, Peppol id)


class Line(msgspec.Struct, frozen=True, kw_only=True):
    line_id: str  # BT-126
    name: str | None  # BT-153
    description: str | None
    quantity: Decimal | None  # BT-129
    unit_code: str | None  # BT-130
    net_price: Decimal | None  # BT-146
    net_amount: Decimal | None  # BT-131
    vat_category: str | None  # BT-151
    vat_rate: Decimal | None  # BT-152


class VatBreakdown(msgspec.Struct, frozen=True, kw_only=True):
    category: str | None  # BT-118
    rate: Decimal | None  # BT-119
    taxable_amount: Decimal | None  # BT-116
    tax_amount: Decimal | None  # BT-117
    exemption_reason: str | None = None  # BT-120


class Totals(msgspec.Struct, frozen=True, kw_only=True):
    line_total: Decimal | None = None  # BT-106
    tax_basis_total: Decimal | None = None  # BT-109
    tax_total: Decimal | None = None  # BT-110
    grand_total: Decimal | None = None  # BT-112
    prepaid: Decimal | None = None  # BT-113
    due_payable: Decimal | None = None  # BT-115


class Note(msgspec.Struct, frozen=True, kw_only=True):
    subject: str | None
    text: str


class EInvoice(msgspec.Struct, frozen=True, kw_only=True):
    syntax: Syntax
    specification: str | None  # BT-24
    profile: str  # minimum, basic-wl, basic, en16931, extended, xrechnung, unknown
    type_code: str  # BT-3
    number: str  # BT-1
    issue_date: date  # BT-2
    due_date: date | None  # BT-9
    currency: str  # BT-5
    buyer_reference: str | None  # BT-10
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    vat_breakdown: tuple[VatBreakdown, ...]
    totals: Totals
    payment_terms: str | None  # BT-20
    payment_means_code: str | None  # BT-81
    ibans: tuple[str, ...]  # BT-84
    notes: tuple[Note, ...]

    @property
    def is_credit_note(self) -> bool:
        return self.type_code in CREDIT_NOTE_TYPE_CODES

    @property
    def is_booking_aid(self) -> bool:
        """MINIMUM / BASIC WL: a booking aid, not an invoice in the sense of § 14 UStG."""
        return self.profile in BOOKING_AID_PROFILES


def profile_of(specification: str | None) -> str:
    """The profile a specification identifier (BT-24) names."""
    text = (specification or "").lower()
    for marker, profile in (
        ("xrechnung", "xrechnung"),
        ("minimum", "minimum"),
        ("basicwl", "basic-wl"),
        ("extended", "extended"),
        (":basic", "basic"),
        ("en16931", "en16931"),
    ):
        if marker in text:
            return profile
    return "unknown"
