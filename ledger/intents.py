"""Intents: what a caller asks the ledger to do, in imperative names and integer cents.

`api/` builds these from the wire Structs (which carry Decimals); the writer decides each one
against the tenant's state (`ledger/decide.py`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

import msgspec

from ledger.einvoice.compliance import ComplianceCheck
from ledger.einvoice.extracted import ExtractedInvoice
from ledger.einvoice.vendor_match import VendorMatch
from ledger.events import (
    AccountType,
    Actor,
    BankTransaction,
    BillingMode,
    Channel,
    ClientTier,
    EngagementStatus,
    EngagementType,
    Fx,
    InvoiceDirection,
    InvoiceLine,
    InvoiceType,
    PartnerTier,
    PartyDetails,
    PartyKind,
    PaymentRunStatus,
    Recurrence,
    ReportKind,
    SepaVersion,
    TaxKind,
)

Side = Literal["debit", "credit"]


class Intent(msgspec.Struct, frozen=True, kw_only=True):
    tenant_id: UUID
    actor: Actor
    channel: Channel


def stamp_of(intent: Intent, now: datetime) -> dict:
    """The fields every event takes from the intent that caused it, and its time."""
    return {
        "tenant_id": intent.tenant_id,
        "actor": intent.actor,
        "channel": intent.channel,
        "recorded_at": now,
    }


class Retryable(Intent, frozen=True, kw_only=True):
    """An intent that may be retried: the same key with the same body answers the original."""

    idempotency_key: str | None = None
    request_hash: str = ""


class BookingLine(msgspec.Struct, frozen=True, kw_only=True):
    account_number: str
    side: Side
    amount_cents: int
    tax_code: str | None = None
    # The tax in a gross tax-coded line as a document states it (an invoice booked with
    # `book: true`); None: computed from the rate. Not on the wire.
    tax_cents: int | None = None


class PostBooking(Retryable, frozen=True, kw_only=True):
    intent_id: UUID
    booking_date: date
    description: str
    lines: tuple[BookingLine, ...]
    skip_duplicate_check: bool = False
    adjustment_period: Literal[13, 14] | None = None
    fx: Fx | None = None
    external_reference: str | None = None
    custom_metadata: dict[str, str | int | float | bool | None] | None = None
    document_id: UUID | None = None


class OpeningBalance(msgspec.Struct, frozen=True, kw_only=True):
    account_number: str
    debit_cents: int
    credit_cents: int


class PostOpeningBalances(Retryable, frozen=True, kw_only=True):
    intent_id: UUID
    booking_date: date
    balances: tuple[OpeningBalance, ...]


class ReverseBooking(Retryable, frozen=True, kw_only=True):
    intent_id: UUID  # the new reversal intent
    original_intent_id: UUID
    reason: str | None = None
    posting_mode: Literal["current_period", "original_period"] = "current_period"


class CreateTenant(Intent, frozen=True, kw_only=True):
    company_name: str
    tax_id: str | None = None
    vat_id: str | None = None
    legal_form: str | None = None
    fiscal_year_start: int = 1
    vat_registered: bool = True
    account_framework: Literal["skr04", "skr03"] = "skr04"


class CreateAccount(Intent, frozen=True, kw_only=True):
    number: str
    name: str
    type: AccountType
    category: str | None = None
    report_group: str | None = None


class DefineTaxCode(Intent, frozen=True, kw_only=True):
    code: str
    label: str
    description: str | None
    rate_bp: int
    vat_account: str | None
    self_assess_account: str | None
    kind: TaxKind | None = None  # derived when absent: self-assessing codes are reverse_charge


class Unset(msgspec.Struct, frozen=True):
    """Marks a field a change leaves as it is (distinct from an explicit null)."""


UNSET_FIELD = Unset()


class ChangeTaxCode(Intent, frozen=True, kw_only=True):
    code: str
    label: str | Unset = UNSET_FIELD
    description: str | Unset | None = UNSET_FIELD
    rate_bp: int | Unset = UNSET_FIELD
    vat_account: str | Unset = UNSET_FIELD
    self_assess_account: str | Unset | None = UNSET_FIELD
    is_active: bool | Unset = UNSET_FIELD


class DeactivateTaxCode(Intent, frozen=True, kw_only=True):
    code: str


class CreateUser(Intent, frozen=True, kw_only=True):
    user_id: UUID
    email: str
    name: str
    role: Literal["owner", "admin", "member", "viewer"]


class IssueApiKey(Intent, frozen=True, kw_only=True):
    key_id: UUID
    user_id: UUID
    label: str
    key_prefix: str
    key_hash: str
    scopes: tuple[str, ...]
    expires_at: datetime | None = None


class RevokeApiKey(Intent, frozen=True, kw_only=True):
    key_id: UUID


class ChangeTenantMasterData(Intent, frozen=True, kw_only=True):
    changes: dict[str, str | bool | None]


class ChangeUserRole(Intent, frozen=True, kw_only=True):
    user_id: UUID
    role: Literal["admin", "member"]


class DeactivateUser(Intent, frozen=True, kw_only=True):
    user_id: UUID


class SetUserPassword(Intent, frozen=True, kw_only=True):
    """Record that a user set a password (the hash itself is no event)."""

    user_id: UUID
    purpose: Literal["invite", "reset"]


class ChangeApiKey(Intent, frozen=True, kw_only=True):
    key_id: UUID
    label: str
    scopes: tuple[str, ...]
    expires_at: datetime | None


class SetDatevSettings(Intent, frozen=True, kw_only=True):
    berater_number: int
    mandant_number: int
    account_length: int = 4


class SoftLockPeriod(Intent, frozen=True, kw_only=True):
    period: str


class ReopenPeriod(Intent, frozen=True, kw_only=True):
    period: str


class RequestPeriodLock(Intent, frozen=True, kw_only=True):
    period: str
    request_id: UUID


class ApprovePeriodLock(Intent, frozen=True, kw_only=True):
    period: str
    request_id: UUID


class CancelPeriodLock(Intent, frozen=True, kw_only=True):
    period: str
    request_id: UUID


class ExpireLockRequests(Intent, frozen=True, kw_only=True):
    """Record the expiry of every pending lock request whose 48 hours have run out."""


class RegisterParty(Intent, frozen=True, kw_only=True):
    party_id: UUID
    kind: PartyKind
    details: PartyDetails


class ChangeParty(Intent, frozen=True, kw_only=True):
    """Set the given fields (None clears one); absent fields stay as they are."""

    party_id: UUID
    kind: PartyKind
    changes: dict[str, Any]


class DeactivateParty(Intent, frozen=True, kw_only=True):
    party_id: UUID
    kind: PartyKind


class RecordInvoice(Intent, frozen=True, kw_only=True):
    invoice_id: UUID
    direction: InvoiceDirection
    party_id: UUID
    invoice_type: InvoiceType
    invoice_number: str
    invoice_date: date
    due_date: date | None
    currency: str
    total_net_cents: int
    total_tax_cents: int
    total_gross_cents: int
    lines: tuple[InvoiceLine, ...]
    intent_id: UUID | None = None
    document_id: UUID | None = None
    notes: str | None = None
    book: bool = False  # post the journal intent with the invoice, in one decision


class ChangeInvoice(Intent, frozen=True, kw_only=True):
    """Set `intent_id` (once), `due_date`, `notes` — the keys present in `changes`."""

    invoice_id: UUID
    direction: InvoiceDirection
    changes: dict[str, Any]


class AddBankAccount(Intent, frozen=True, kw_only=True):
    bank_account_id: UUID
    name: str
    iban: str
    bic: str | None
    account_number: str
    currency: str
    sepa_version: SepaVersion


class ChangeBankAccount(Intent, frozen=True, kw_only=True):
    """Set `name`, `bic`, `sepa_version` — the keys present in `changes`."""

    bank_account_id: UUID
    changes: dict[str, Any]


class CreatePaymentRun(Intent, frozen=True, kw_only=True):
    run_id: UUID
    bank_account_id: UUID
    execution_date: date
    label: str | None
    invoice_ids: tuple[UUID, ...]


class ChangePaymentRunStatus(Intent, frozen=True, kw_only=True):
    run_id: UUID
    status: PaymentRunStatus


class ImportBankTransactions(Intent, frozen=True, kw_only=True):
    """Rows already parsed and hashed (ledger/bank_import.py); duplicates are dropped here."""

    batch_id: UUID
    bank_account_id: UUID
    source: str
    transactions: tuple[BankTransaction, ...]


class SetBankTransactionEvidence(Intent, frozen=True, kw_only=True):
    """Set the given keys of `changes` (`document_id`, `note`; None clears)."""

    tx_id: UUID
    changes: dict[str, Any]


class DismissBankTransaction(Intent, frozen=True, kw_only=True):
    tx_id: UUID


class ReconcileBankTransaction(Intent, frozen=True, kw_only=True):
    tx_id: UUID
    intent_id: UUID  # the target
    candidate_kind: Literal["bank_booking", "open_receivable", "open_liability"]
    open_item_account: str | None = None
    settlement_intent_id: UUID  # the new settlement intent's id, if one is posted


class UnmatchBankTransaction(Intent, frozen=True, kw_only=True):
    tx_id: UUID
    reversal_intent_id: UUID  # the reversal's id, if a settlement is reversed


class GroupAllocationSpec(msgspec.Struct, frozen=True, kw_only=True):
    """One open item of a match group and the bank money it takes; `settled_document_cents`
    (document currency) None: the same as the bank amount."""

    intent_id: UUID
    candidate_kind: Literal["bank_booking", "open_receivable", "open_liability"]
    open_item_account: str | None = None
    allocated_bank_cents: int
    settled_document_cents: int | None = None


class GroupAdjustmentSpec(msgspec.Struct, frozen=True, kw_only=True):
    """A fee, cash discount (Skonto), write-off or rounding line of a match group, in EUR; a
    tax code splits the gross amount into net and tax as on any booking line."""

    account_number: str
    side: Side
    amount_cents: int
    tax_code: str | None = None
    description: str | None = None


class CreateMatchGroup(Intent, frozen=True, kw_only=True):
    """n bank transactions settle m open items in one settlement intent."""

    group_id: UUID
    tx_ids: tuple[UUID, ...]
    allocations: tuple[GroupAllocationSpec, ...]
    adjustments: tuple[GroupAdjustmentSpec, ...] = ()
    settlement_intent_id: UUID


class UnmatchMatchGroup(Intent, frozen=True, kw_only=True):
    group_id: UUID
    reversal_intent_id: UUID


class RecordExtraction(Intent, frozen=True, kw_only=True):
    """Keep what extracting a document read on the document."""

    document_id: UUID
    result: ExtractedInvoice


class AssignInboxAddress(Intent, frozen=True, kw_only=True):
    address: str


class IncomingFile(msgspec.Struct, frozen=True, kw_only=True):
    """An attachment of an incoming mail, read (and its bytes stored) before deciding."""

    name: str
    sha256: str
    mime_type: str | None
    size_bytes: int
    outcome: Literal["accepted", "rejected_type", "too_large", "too_many", "empty"]
    reason: str | None
    document_id: UUID  # used if these bytes are new to the tenant
    inbox_id: UUID
    case_id: UUID  # the review case, if the file is read as an invoice
    extraction: ExtractedInvoice | None = None
    extraction_error: str | None = None
    vendor_match: VendorMatch | None = None
    compliance: ComplianceCheck | None = None


class ReceiveMail(Intent, frozen=True, kw_only=True):
    ingestion_id: UUID
    received_via: Literal["api", "cli", "smtp"]
    message_id: str | None
    sender: str | None
    subject: str | None
    recipient: str | None
    files: tuple[IncomingFile, ...]


class ResolveInboxItem(Intent, frozen=True, kw_only=True):
    inbox_id: UUID
    status: Literal["confirmed", "rejected"]
    reason: str | None = None


class ChangeReviewCase(Intent, frozen=True, kw_only=True):
    """Set the vendor (None clears it) and/or replace the payload — the keys in `changes`."""

    case_id: UUID
    changes: dict[str, Any]


class ApproveReviewCase(Intent, frozen=True, kw_only=True):
    case_id: UUID
    invoice_id: UUID


class RejectReviewCase(Intent, frozen=True, kw_only=True):
    case_id: UUID
    reason: str | None = None


# --- practice (ledger/practice/) -----------------------------------------------------------


class EnrollPartnerFirm(Intent, frozen=True, kw_only=True):
    partner_tier: PartnerTier = "standard"
    default_rate_cents: int
    fee_account: str | None = None  # None: the chart's revenue account at 19 %
    tax_code: str = "USt19"
    invoice_prefix: str = "HON-"


class LeavePartnerProgramme(Intent, frozen=True, kw_only=True):
    pass


class LinkClientEntity(Intent, frozen=True, kw_only=True):
    link_id: UUID
    client_entity_id: UUID
    name: str
    entity_type: str | None
    industry: str | None
    tier: ClientTier
    billing_mode: BillingMode
    monthly_fee_cents: int


class RecordTime(Intent, frozen=True, kw_only=True):
    entry_id: UUID
    client_entity_id: UUID
    work_date: date
    minutes: int
    description: str | None
    billable: bool = True
    rate_cents: int | None = None  # None: the firm's default rate


class DeleteTime(Intent, frozen=True, kw_only=True):
    entry_id: UUID


class InvoiceTime(Intent, frozen=True, kw_only=True):
    """Bill time entries to their client in the firm's books. `invoice_id` is derived from the
    client and the entries, so a retry is recognised and answered with the first invoice."""

    invoice_id: UUID
    client_entity_id: UUID
    entry_ids: tuple[UUID, ...]
    party_id: UUID
    invoice_date: date


class CreateEngagement(Intent, frozen=True, kw_only=True):
    engagement_id: UUID
    client_entity_id: UUID
    name: str
    engagement_type: EngagementType
    recurrence: Recurrence
    start_date: date
    notes: str | None


class CompleteEngagementTask(Intent, frozen=True, kw_only=True):
    engagement_id: UUID
    task_id: str


class ChangeEngagementStatus(Intent, frozen=True, kw_only=True):
    engagement_id: UUID
    status: EngagementStatus


class CreateReportLink(Intent, frozen=True, kw_only=True):
    link_id: UUID
    entity_id: UUID
    report: ReportKind
    date_from: date
    date_to: date
    language: Literal["de", "en"]
    token_hash: str
    expires_at: datetime


class RevokeReportLink(Intent, frozen=True, kw_only=True):
    link_id: UUID


class UploadDocument(Intent, frozen=True, kw_only=True):
    """Record a file whose bytes are already in `document_blobs` under `sha256`."""

    document_id: UUID  # used if these bytes are new to the tenant
    sha256: str
    mime_type: str
    original_name: str
    size_bytes: int


PeriodIntent = (
    SoftLockPeriod
    | ReopenPeriod
    | RequestPeriodLock
    | ApprovePeriodLock
    | CancelPeriodLock
    | ExpireLockRequests
)

AnyIntent = (
    PostBooking
    | PostOpeningBalances
    | ReverseBooking
    | CreateTenant
    | CreateAccount
    | DefineTaxCode
    | ChangeTaxCode
    | DeactivateTaxCode
    | CreateUser
    | IssueApiKey
    | RevokeApiKey
    | SoftLockPeriod
    | ReopenPeriod
    | RequestPeriodLock
    | ApprovePeriodLock
    | CancelPeriodLock
    | ExpireLockRequests
    | UploadDocument
    | CreateMatchGroup
    | UnmatchMatchGroup
    | RecordExtraction
    | ChangeApiKey
    | ChangeUserRole
    | DeactivateUser
    | SetUserPassword
    | ChangeTenantMasterData
    | AssignInboxAddress
    | ReceiveMail
    | ResolveInboxItem
    | ChangeReviewCase
    | ApproveReviewCase
    | RejectReviewCase
    | SetDatevSettings
    | RegisterParty
    | ChangeParty
    | DeactivateParty
    | RecordInvoice
    | ChangeInvoice
    | AddBankAccount
    | ChangeBankAccount
    | CreatePaymentRun
    | ChangePaymentRunStatus
    | ImportBankTransactions
    | SetBankTransactionEvidence
    | DismissBankTransaction
    | ReconcileBankTransaction
    | UnmatchBankTransaction
    | EnrollPartnerFirm
    | LeavePartnerProgramme
    | LinkClientEntity
    | RecordTime
    | DeleteTime
    | InvoiceTime
    | CreateEngagement
    | CompleteEngagementTask
    | ChangeEngagementStatus
    | CreateReportLink
    | RevokeReportLink
)
