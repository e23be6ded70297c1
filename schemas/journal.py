"""Journal module: bookings, opening balances, reversals, the journal and accounts."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from schemas import limits
from schemas.errors import ErrorBody
from schemas.money import check_amount, check_positive_decimal

ACCOUNT_NUMBER_PATTERN = r"^[0-9]{1,8}$"
TAX_CODE_PATTERN = r"^[A-Za-z0-9-]+$"
AccountNumber = Annotated[
    str, Meta(pattern=ACCOUNT_NUMBER_PATTERN, description="Numeric, up to 8 digits")
]
# PostgreSQL text and jsonb cannot hold U+0000: refuse it here, or the append fails later.
NO_NUL_PATTERN = r"^[^\x00]*$"
Text = Annotated[
    str, Meta(min_length=1, max_length=limits.DESCRIPTION_CHARS_MAX, pattern=NO_NUL_PATTERN)
]
TaxCodeName = Annotated[
    str, Meta(min_length=1, max_length=limits.TAX_CODE_CHARS_MAX, pattern=TAX_CODE_PATTERN)
]
AccountType = Literal["asset", "liability", "equity", "revenue", "expense"]
MetadataValue = str | int | float | bool | None


class Wire(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Request bodies: a typo in a field name is a 400, not a silently ignored field."""


class Out(msgspec.Struct, kw_only=True):
    """Response bodies."""


# --- bookings ------------------------------------------------------------------------------


class BookingLineIn(Wire, kw_only=True):
    account_number: AccountNumber
    account_name: Annotated[str, Meta(max_length=limits.ACCOUNT_NAME_CHARS_MAX)] | None = None
    debit: Decimal | None = None
    credit: Decimal | None = None
    tax_code: TaxCodeName | None = None

    def __post_init__(self) -> None:
        check_amount(self.debit, "debit")
        check_amount(self.credit, "credit")
        if bool(self.debit) == bool(self.credit):
            raise ValueError("exactly one of debit or credit must be greater than zero")


class FxIn(Wire, kw_only=True):
    currency: Annotated[str, Meta(pattern=r"^[A-Z]{3}$", description="ISO 4217, not EUR")]
    amount: Decimal
    rate: Decimal
    rate_date: date
    rate_source: Literal["ECB", "manual", "bank"]

    def __post_init__(self) -> None:
        if self.currency == "EUR":
            raise ValueError("fx is for foreign currencies; omit it for EUR bookings")
        check_positive_decimal(self.amount, "amount", decimals_max=4)
        check_positive_decimal(self.rate, "rate", decimals_max=10)


def check_metadata(metadata: dict[str, MetadataValue] | None) -> None:
    if metadata is None:
        return
    if len(metadata) > limits.METADATA_KEYS_MAX:
        raise ValueError(f"custom_metadata may have at most {limits.METADATA_KEYS_MAX} keys")
    for key, value in metadata.items():
        if "\x00" in key or (isinstance(value, str) and "\x00" in value):
            raise ValueError("custom_metadata must not contain the character U+0000")
        if not key or len(key) > limits.METADATA_KEY_CHARS_MAX:
            raise ValueError(
                f"custom_metadata keys must have 1 to {limits.METADATA_KEY_CHARS_MAX} characters"
            )
        if isinstance(value, str) and len(value) > limits.METADATA_VALUE_CHARS_MAX:
            raise ValueError(
                f"custom_metadata value of {key!r} exceeds "
                f"{limits.METADATA_VALUE_CHARS_MAX} characters"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"custom_metadata value of {key!r} must be a finite number")
    if len(msgspec.json.encode(metadata)) > limits.METADATA_BYTES_MAX:
        raise ValueError(
            f"custom_metadata must not exceed {limits.METADATA_BYTES_MAX} bytes as JSON"
        )


class PostBookingIn(Wire, kw_only=True):
    booking_date: date
    description: Text
    lines: Annotated[
        list[BookingLineIn],
        Meta(min_length=limits.BOOKING_LINES_MIN, max_length=limits.BOOKING_LINES_MAX),
    ]
    skip_duplicate_check: bool = False
    adjustment_period: Literal[13, 14] | None = None
    fx: FxIn | None = None
    external_reference: (
        Annotated[
            str,
            Meta(
                min_length=1,
                max_length=limits.EXTERNAL_REFERENCE_CHARS_MAX,
                pattern=NO_NUL_PATTERN,
            ),
        ]
        | None
    ) = None
    custom_metadata: dict[str, MetadataValue] | None = None
    document_id: UUID | None = None

    def __post_init__(self) -> None:
        check_metadata(self.custom_metadata)


class BookingOut(Out, kw_only=True):
    intent_id: UUID
    status: Literal["posted"] = "posted"
    event_count: int
    booking_date: date
    period: str
    description: str
    total: Decimal
    first_journal_number: int | None
    last_journal_number: int | None


class BulkBookingsIn(Wire, kw_only=True):
    bookings: Annotated[
        list[PostBookingIn], Meta(min_length=1, max_length=limits.BULK_BOOKINGS_MAX)
    ]
    atomic: bool = False


class BulkItemOut(Out, kw_only=True):
    index: int
    status: Literal["posted", "replayed", "rejected"]
    booking: BookingOut | None = None
    error: ErrorBody | None = None


class BulkBookingsOut(Out, kw_only=True):
    atomic: bool
    posted: int
    rejected: int
    results: list[BulkItemOut]


class OpeningBalanceIn(Wire, kw_only=True):
    account_number: AccountNumber
    account_name: Annotated[str, Meta(max_length=limits.ACCOUNT_NAME_CHARS_MAX)] | None = None
    debit: Decimal
    credit: Decimal

    def __post_init__(self) -> None:
        check_amount(self.debit, "debit")
        check_amount(self.credit, "credit")


class OpeningBalancesIn(Wire, kw_only=True):
    booking_date: date
    balances: Annotated[
        list[OpeningBalanceIn], Meta(min_length=1, max_length=limits.OPENING_BALANCES_MAX)
    ]


class OpeningBalancesOut(Out, kw_only=True):
    intent_id: UUID
    status: Literal["posted"] = "posted"
    event_count: int
    booking_date: date
    total_debit: Decimal
    total_credit: Decimal
    contra_account: str


class ReverseIn(Wire, kw_only=True):
    intent_id: UUID
    reason: (
        Annotated[str, Meta(max_length=limits.REASON_CHARS_MAX, pattern=NO_NUL_PATTERN)] | None
    ) = None
    posting_mode: Literal["current_period", "original_period"] = "current_period"


class ReverseOut(Out, kw_only=True):
    reversal_intent_id: UUID
    original_intent_id: UUID
    event_count: int
    booking_date: date
    period: str


# --- journal -------------------------------------------------------------------------------


class ProvenanceSummary(Out, kw_only=True):
    surface: str
    surface_label: str
    channel: str
    channel_label: str
    actor_type: str
    actor_label: str
    actor_key_prefix: str | None
    actor_display: str


class JournalEntryOut(Out, kw_only=True):
    id: UUID
    journal_number: int
    booking_date: date
    period: str
    account_debit: str
    account_credit: str
    amount: Decimal
    tax_code: str | None
    description: str
    source: str
    intent_id: UUID
    fx_currency: str | None
    fx_amount: Decimal | None
    external_reference: str | None
    custom_metadata: dict[str, MetadataValue] | None
    created_at: datetime
    created_by: str
    document_id: UUID | None
    reverses_intent_id: UUID | None
    audit_hash: str
    prev_hash: str
    provenance_summary: ProvenanceSummary


class JournalOut(Out, kw_only=True):
    entries: list[JournalEntryOut]
    limit: int
    offset: int
    next_after_journal_number: int | None
    as_of: datetime | None = None  # the knowledge time asked for, if any


class IntentEntryOut(Out, kw_only=True):
    id: UUID
    intent_id: UUID
    journal_number: int
    booking_date: date
    period: str
    account_debit: str
    account_credit: str
    account_debit_name: str | None
    account_credit_name: str | None
    amount: Decimal
    currency: str
    tax_code: str | None
    fx_amount: Decimal | None
    description: str
    created_at: datetime
    created_by: str
    source: str
    document_id: UUID | None
    reverses_intent_id: UUID | None
    audit_hash: str
    prev_hash: str
    provenance_summary: ProvenanceSummary


class IntentSummaryOut(Out, kw_only=True):
    kind: str
    status: Literal["posted", "reversed"]
    booking_date: date
    period: str
    description: str
    total: Decimal
    total_debit: Decimal
    total_credit: Decimal
    event_count: int
    currency: str
    first_journal_number: int | None
    last_journal_number: int | None
    created_at: datetime
    created_by: str


class LinkedIntentsOut(Out, kw_only=True):
    reverses_intent_id: UUID | None
    reversed_by_intent_id: UUID | None
    documents: list[UUID]
    bank_transactions: list[UUID]
    settles: list[UUID]
    settled_by: list[UUID]


class FxOut(Out, kw_only=True):
    currency: str
    amount: Decimal
    rate: Decimal
    rate_date: date
    rate_source: str


class IntentMetadataOut(Out, kw_only=True):
    external_reference: str | None
    custom_metadata: dict[str, MetadataValue] | None
    fx: FxOut | None
    reason: str | None
    idempotency_key: str | None
    position: int


class IntentOut(Out, kw_only=True):
    intent_id: UUID
    entries: list[IntentEntryOut]
    summary: IntentSummaryOut
    linked_intents: LinkedIntentsOut
    metadata: IntentMetadataOut


# --- accounts ------------------------------------------------------------------------------


class AccountOut(Out, kw_only=True):
    number: str
    name: str
    type: AccountType
    category: str | None
    report_group: str | None
    is_system: bool
    is_active: bool = True


class AccountsOut(Out, kw_only=True):
    accounts: list[AccountOut]
    total: int
    offset: int
    limit: int


class CreateAccountIn(Wire, kw_only=True):
    number: AccountNumber
    name: Annotated[
        str, Meta(min_length=1, max_length=limits.ACCOUNT_NAME_CHARS_MAX, pattern=NO_NUL_PATTERN)
    ]
    type: AccountType
    category: (
        Annotated[str, Meta(max_length=limits.CATEGORY_CHARS_MAX, pattern=NO_NUL_PATTERN)] | None
    ) = None
    report_group: (
        Annotated[str, Meta(max_length=limits.REPORT_GROUP_CHARS_MAX, pattern=NO_NUL_PATTERN)]
        | None
    ) = None


class AccountHitOut(Out, kw_only=True):
    number: str
    name: str
    type: AccountType


class AccountSearchOut(Out, kw_only=True):
    accounts: list[AccountHitOut]


class AccountEntryOut(Out, kw_only=True):
    id: UUID
    journal_number: int
    intent_id: UUID
    booking_date: date
    period: str
    description: str
    contra_account: str
    debit: Decimal
    credit: Decimal
    tax_code: str | None
    running_balance: Decimal


class AccountEntriesOut(Out, kw_only=True):
    account: AccountHitOut
    start_date: date | None
    end_date: date | None
    opening_balance: Decimal
    entries: list[AccountEntryOut]
    balance: Decimal
    has_more: bool
    as_of: datetime | None = None  # the knowledge time asked for, if any
