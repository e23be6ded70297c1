"""Events: past-tense facts, frozen msgspec Structs with stable tags.

The tag string (not the class name) is the stored topic. A released event is never edited:
add a field with a default, or a `.v2` tag plus an upcaster in `ledger/store.py`.

Streams: master data of a tenant (tenant, chart, accounts, tax codes, users, keys, periods) is
one stream whose id is the tenant id; every booking intent is its own stream (id = intent id),
and so is every document (id = document id).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal
from uuid import UUID

import msgspec

from ledger.einvoice.compliance import ComplianceCheck
from ledger.einvoice.extracted import ExtractedInvoice
from ledger.einvoice.vendor_match import VendorMatch
from ledger.inbox.review import ReviewInvoice

Channel = Literal["api", "cli", "dashboard", "mcp", "bank_reconciliation", "translator", "system"]
ActorType = Literal["api_key", "user", "system"]
AccountType = Literal["asset", "liability", "equity", "revenue", "expense"]
IntentKind = Literal["booking", "opening_balances", "reversal"]
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


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """Who did it: an API key (label and prefix), a user, or the system itself."""

    actor_type: ActorType
    label: str
    user_id: UUID | None = None
    key_prefix: str | None = None


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    tenant_id: UUID
    actor: Actor
    channel: Channel
    recorded_at: datetime


# --- master data (stream id = tenant id) -------------------------------------------------


class TenantCreated(Event, tag="tenant_created.v1"):
    company_name: str
    tax_id: str | None
    vat_id: str | None
    legal_form: str | None
    fiscal_year_start: int  # month 1..12
    vat_registered: bool
    account_framework: str  # "skr04" | "skr03"


class TenantMasterDataChanged(Event, tag="tenant_master_data_changed.v1"):
    """The tenant's master data after a change by its owner (what `changes` names)."""

    changes: dict[str, str | bool | None]


class AccountSpec(msgspec.Struct, frozen=True, kw_only=True, array_like=True):
    number: str
    name: str
    type: AccountType
    category: str | None
    report_group: str | None
    automatic: bool = False


class DatevSettingsChanged(Event, tag="datev_settings_changed.v1"):
    """What the DATEV export writes into its headers (master data stream)."""

    berater_number: int
    mandant_number: int
    account_length: int  # Sachkontenlänge; Personenkonten have one digit more


class ChartInstalled(Event, tag="chart_installed.v1"):
    """The standard chart, carried in full so a replay never depends on shipped data files."""

    framework: str
    accounts: tuple[AccountSpec, ...]


class AccountCreated(Event, tag="account_created.v1"):
    account: AccountSpec


class TaxCodeDefined(Event, tag="tax_code_defined.v1"):
    code: str
    label: str
    description: str | None
    rate_bp: int
    vat_account: str | None
    self_assess_account: str | None
    kind: TaxKind
    is_system: bool


class TaxCodeChanged(Event, tag="tax_code_changed.v1"):
    """The full new state of a code (label, rate, accounts, active flag) after a change."""

    code: str
    label: str
    description: str | None
    rate_bp: int
    vat_account: str | None
    self_assess_account: str | None
    is_active: bool


class UserCreated(Event, tag="user_created.v1"):
    user_id: UUID
    email: str
    name: str
    role: Literal["owner", "admin", "member", "viewer"]


class UserRoleChanged(Event, tag="user_role_changed.v1"):
    user_id: UUID
    role: Literal["admin", "member"]


class UserDeactivated(Event, tag="user_deactivated.v1"):
    """The user's keys (and sessions) stop working at once; the user stays in the history."""

    user_id: UUID


class UserPasswordChanged(Event, tag="user_password_changed.v1"):
    """A password was set (from an invitation or a reset); the hash is kept outside the
    event store."""

    user_id: UUID
    purpose: Literal["invite", "reset"]


class ApiKeyIssued(Event, tag="api_key_issued.v1"):
    """Only the SHA-256 of the secret is recorded; the secret itself is shown once."""

    key_id: UUID
    user_id: UUID
    label: str
    key_prefix: str
    key_hash: str
    scopes: tuple[str, ...]
    expires_at: datetime | None


class ApiKeyRevoked(Event, tag="api_key_revoked.v1"):
    key_id: UUID


class ApiKeyChanged(Event, tag="api_key_changed.v1"):
    """A key's name, scopes or expiry after a change (its secret never changes)."""

    key_id: UUID
    label: str
    scopes: tuple[str, ...]
    expires_at: datetime | None


class AccountRenamed(Event, tag="account_renamed.v1"):
    """A personal account follows its customer's or vendor's new name."""

    number: str
    name: str


# --- customers and vendors (master data: stream id = tenant id) ----------------------------

PartyKind = Literal["customer", "vendor"]


class Address(msgspec.Struct, frozen=True, kw_only=True):
    """Structured, as SEPA wants it from November 2026 (StrtNm, BldgNb, PstCd, TwnNm, Ctry)."""

    street: str | None = None
    building_number: str | None = None
    zip: str | None = None
    city: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2


class PartyDetails(msgspec.Struct, frozen=True, kw_only=True):
    """A customer's or vendor's master record, normalised (IBAN and VAT ID compact)."""

    name: str
    tax_id: str | None = None
    vat_id: str | None = None
    iban: str | None = None
    bic: str | None = None
    address: Address | None = None
    default_account: str | None = None
    notes: str | None = None


class PartyRegistered(Event, tag="party_registered.v1"):
    """A customer (Debitor) or vendor (Kreditor) with its personal account (Personenkonto)."""

    party_id: UUID
    kind: PartyKind
    account_number: str
    details: PartyDetails


class PartyChanged(Event, tag="party_changed.v1"):
    """The full master record after a change."""

    party_id: UUID
    kind: PartyKind
    details: PartyDetails


class PartyDeactivated(Event, tag="party_deactivated.v1"):
    party_id: UUID
    kind: PartyKind


# --- bank accounts (master data: stream id = tenant id) ------------------------------------

SepaVersion = Literal["pain.001.001.03", "pain.001.001.09"]


class BankAccountAdded(Event, tag="bank_account_added.v1"):
    """A bank account, linked 1:1 to an asset account of the chart."""

    bank_account_id: UUID
    name: str
    iban: str
    bic: str | None
    account_number: str
    currency: str
    sepa_version: SepaVersion


class BankAccountChanged(Event, tag="bank_account_changed.v1"):
    """The changeable fields after a change."""

    bank_account_id: UUID
    name: str
    bic: str | None
    sepa_version: SepaVersion


# --- bank transactions (stream id = import batch id) ---------------------------------------


class BankTransaction(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a bank statement; `amount_cents` > 0 is money in."""

    tx_id: UUID
    tx_date: date
    value_date: date | None
    amount_cents: int
    currency: str
    counterparty_name: str | None
    counterparty_iban: str | None
    reference: str | None
    bank_reference: str | None
    end_to_end_id: str | None
    tx_type: str | None
    content_hash: str  # what makes a re-import a duplicate (docs/api.md)


class BankTransactionsImported(Event, tag="bank_transactions_imported.v1"):
    batch_id: UUID
    bank_account_id: UUID
    source: str  # json, camt.053, camt.052, camt.054, mt940, csv
    transactions: tuple[BankTransaction, ...]
    skipped_duplicates: int


class BankTransactionEvidenceSet(Event, tag="bank_transaction_evidence_set.v1"):
    """What documents a bank transaction (Belegprinzip): a document, a note, or both. The
    transaction's own stream (id = transaction id), one version per change."""

    tx_id: UUID
    version: int
    document_id: UUID | None
    note: str | None


class BankTransactionStatusChanged(Event, tag="bank_transaction_status_changed.v1"):
    """unreconciled -> excluded (dismissed), and back by unmatch."""

    tx_id: UUID
    version: int
    status: Literal["unreconciled", "reconciled", "excluded"]


class Settlement(msgspec.Struct, frozen=True, kw_only=True, array_like=True):
    """What a reconciliation (or its unmatch, negative) applied to an invoice, and the
    invoice's settled total after it, in cents."""

    invoice_id: UUID
    applied_cents: int
    settled_cents: int


class BankTransactionReconciled(Event, tag="bank_transaction_reconciled.v1"):
    """`linked`: the transaction is what an existing intent booked; `settled`: a settlement
    intent (bank <-> open item account) was posted and the invoices' settled totals moved."""

    tx_id: UUID
    version: int
    mode: Literal["linked", "settled", "settled_fx"]
    intent_id: UUID  # the target: the booking, or the open item's intent
    settlement_intent_id: UUID | None
    candidate_kind: Literal["bank_booking", "open_receivable", "open_liability"]
    settlements: tuple[Settlement, ...] = ()


class BankTransactionUnmatched(Event, tag="bank_transaction_unmatched.v1"):
    """Back to unreconciled; a settlement was reversed (never edited) and the invoices'
    settled totals moved back."""

    tx_id: UUID
    version: int
    undoes_version: int  # the version of the reconciliation undone (its settlement rows)
    reversal_intent_id: UUID | None
    settlements: tuple[Settlement, ...] = ()


# --- match groups (stream id = group id: created 1, unmatched 2) ---------------------------


class GroupAllocation(msgspec.Struct, frozen=True, kw_only=True):
    """What one open item of a group took and cleared: bank money (EUR), document amount (its
    currency), the EUR value that left the open item account, and the realized FX difference
    (> 0 gain, < 0 loss)."""

    intent_id: UUID
    candidate_kind: Literal["open_receivable", "open_liability"]
    open_item_account: str
    currency: str
    allocated_bank_cents: int
    settled_document_cents: int
    cleared_eur_cents: int
    fx_difference_cents: int


class GroupAdjustment(msgspec.Struct, frozen=True, kw_only=True):
    account_number: str
    side: Literal["debit", "credit"]
    amount_cents: int
    tax_code: str | None
    description: str | None


class BankMatchGroupCreated(Event, tag="bank_match_group_created.v1"):
    """n bank transactions (one bank account, one direction) reconciled against m open items
    by one settlement intent; the transactions' rows and the invoices' settled totals follow."""

    group_id: UUID
    bank_account_id: UUID
    tx_ids: tuple[UUID, ...]
    mode: Literal["settled", "settled_fx"]
    settlement_intent_id: UUID
    allocations: tuple[GroupAllocation, ...]
    adjustments: tuple[GroupAdjustment, ...]
    settlements: tuple[Settlement, ...]


class BankMatchGroupUnmatched(Event, tag="bank_match_group_unmatched.v1"):
    """The group's settlement reversed (a reversal intent), its transactions open again and
    the invoices' settled totals moved back."""

    group_id: UUID
    reversal_intent_id: UUID
    tx_ids: tuple[UUID, ...]
    settlements: tuple[Settlement, ...]


# --- invoices (stream id = invoice id, one version per change) -----------------------------

InvoiceDirection = Literal["outgoing", "incoming"]
InvoiceType = Literal["invoice", "credit_note"]


class InvoiceLine(msgspec.Struct, frozen=True, kw_only=True, array_like=True):
    position: int
    description: str
    quantity: Decimal
    unit_price: Decimal  # net, in the invoice currency
    tax_rate_bp: int
    tax_amount_cents: int
    line_total_cents: int  # gross
    account_number: str | None = None


class InvoiceRecorded(Event, tag="invoice_recorded.v1"):
    """An outgoing invoice (to a customer) or incoming one (from a vendor), or a credit note."""

    invoice_id: UUID
    direction: InvoiceDirection
    party_id: UUID
    invoice_type: InvoiceType  # not `type`: that is the events' tag field
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


class InvoiceChanged(Event, tag="invoice_changed.v1"):
    """The invoice's changeable fields after a change (the stream's `version`)."""

    invoice_id: UUID
    version: int
    intent_id: UUID | None
    due_date: date | None
    notes: str | None


# --- payment runs (stream id = run id, one version per status change) ----------------------

PaymentRunStatus = Literal["draft", "approved", "exported", "completed", "cancelled"]


class PaymentItem(msgspec.Struct, frozen=True, kw_only=True):
    """One transfer of a run; the vendor's name, IBAN and address as they were at creation."""

    item_id: UUID
    invoice_id: UUID
    vendor_id: UUID
    vendor_name: str
    vendor_iban: str
    vendor_bic: str | None
    vendor_address: Address | None
    amount_cents: int
    reference: str  # the remittance text: the vendor's invoice number
    end_to_end_id: str


class PaymentRunCreated(Event, tag="payment_run_created.v1"):
    run_id: UUID
    bank_account_id: UUID
    execution_date: date
    label: str | None
    items: tuple[PaymentItem, ...]


class PaymentRunStatusChanged(Event, tag="payment_run_status_changed.v1"):
    """approved, exported (with the file's MsgId), completed or cancelled."""

    run_id: UUID
    version: int
    status: PaymentRunStatus
    message_id: str | None = None


# --- periods and closing (master data: stream id = tenant id) ------------------------------


# `by` names the person who acted (the user's e-mail, or the actor's label without a user):
# auditors read it in the period list, and four-eyes compares people, not keys.


class PeriodSoftLocked(Event, tag="period_soft_locked.v1"):
    """Postings into the period are refused until it is reopened."""

    period: str
    by: str


class PeriodReopened(Event, tag="period_reopened.v1"):
    period: str
    by: str


class PeriodLockRequested(Event, tag="period_lock_requested.v1"):
    """The first of four eyes: a request to lock the period for good."""

    request_id: UUID
    period: str
    by: str
    expires_at: datetime


class PeriodLockCancelled(Event, tag="period_lock_cancelled.v1"):
    request_id: UUID
    period: str
    by: str


class PeriodLockExpired(Event, tag="period_lock_expired.v1"):
    """Recorded by the next period action after the request's 48 hours ran out."""

    request_id: UUID
    period: str


class PeriodLocked(Event, tag="period_locked.v1"):
    """The second pair of eyes approved: the period is closed, irreversibly.

    `closing_hash` covers the period's lines as they stood (docs/audit-hash.md).
    """

    request_id: UUID
    period: str
    requested_by: str
    by: str  # the approver
    closing_hash: str
    line_count: int


# --- documents (stream id = document id) ---------------------------------------------------


class DocumentUploaded(Event, tag="document_uploaded.v1"):
    """A receipt or e-invoice file, stored once per tenant by its SHA-256 (the bytes live in
    `document_blobs`, content-addressed, and never change)."""

    document_id: UUID
    sha256: str
    mime_type: str
    original_name: str
    size_bytes: int


class DocumentExtracted(Event, tag="document_extracted.v1"):
    """What extracting the document read (the document's stream, one version per run)."""

    document_id: UUID
    version: int
    result: ExtractedInvoice


# --- the invoice inbox (items: stream id = inbox id; mails: stream id = ingestion id) --------


class InboxAddressAssigned(Event, tag="inbox_address_assigned.v1"):
    """The tenant's inbox address (master data stream): mail to it lands in the inbox."""

    address: str


class InboxItemReceived(Event, tag="inbox_item_received.v1"):
    """A file that reached the inbox, what extracting it read, whose invoice it seems to be,
    and how it fares against § 14 UStG; `exception` when it could not be read."""

    inbox_id: UUID
    document_id: UUID
    ingestion_id: UUID | None
    source_email: str | None
    source_subject: str | None
    original_name: str
    status: Literal["pending", "exception"]
    reason: str | None
    extraction: ExtractedInvoice | None
    vendor_match: VendorMatch | None
    compliance: ComplianceCheck | None


class InboxItemResolved(Event, tag="inbox_item_resolved.v1"):
    inbox_id: UUID
    version: int
    status: Literal["confirmed", "rejected"]
    reason: str | None


class AttachmentLog(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    mime_type: str | None
    size_bytes: int
    sha256: str
    outcome: Literal["accepted", "duplicate", "rejected_type", "too_large", "too_many", "empty"]
    reason: str | None
    document_id: UUID | None
    inbox_id: UUID | None


class MailIngested(Event, tag="mail_ingested.v1"):
    """One mail that came in (the ingestion log): where from, and what became of each file."""

    ingestion_id: UUID
    received_via: Literal["api", "cli", "smtp"]
    message_id: str | None
    sender: str | None
    subject: str | None
    recipient: str | None
    outcome: Literal["accepted", "partly_accepted", "rejected"]
    reason: str | None
    attachments: tuple[AttachmentLog, ...]


# --- invoice review cases (stream id = case id, one version per change) ---------------------


class ReviewCaseOpened(Event, tag="review_case_opened.v1"):
    """An extracted incoming invoice waits for a person (reference §2.5)."""

    case_id: UUID
    inbox_id: UUID
    document_id: UUID
    payload: ReviewInvoice
    vendor_id: UUID | None
    vendor_candidates: tuple[UUID, ...]
    is_invoice: bool
    queue_state: Literal["approval", "correction", "exception"]
    problems: tuple[str, ...]


class ReviewCaseChanged(Event, tag="review_case_changed.v1"):
    case_id: UUID
    version: int
    payload: ReviewInvoice
    vendor_id: UUID | None
    queue_state: Literal["approval", "correction", "exception"]
    problems: tuple[str, ...]


class ReviewCaseApproved(Event, tag="review_case_approved.v1"):
    case_id: UUID
    version: int
    invoice_id: UUID
    intent_id: UUID


class ReviewCaseRejected(Event, tag="review_case_rejected.v1"):
    case_id: UUID
    version: int
    reason: str | None


# --- practice (ledger/practice/): a partner firm's clients, time, engagements, links ---------

PartnerTier = Literal["standard", "silver", "gold"]
ClientTier = Literal["STARTER", "PROFESSIONAL", "BUSINESS"]
BillingMode = Literal["consolidated", "client_direct"]
EngagementType = Literal["bookkeeping", "tax_prep", "advisory", "audit", "other"]
Recurrence = Literal["monthly", "quarterly", "annual", "none"]
EngagementStatus = Literal["active", "completed", "cancelled"]
ReportKind = Literal["balance_sheet", "income_statement", "trial_balance"]


class PartnerFirmEnrolled(Event, tag="partner_firm_enrolled.v1"):
    """The tenant joins the partner programme (or changes its terms): it may manage clients,
    record time and bill it. Stream: the firm's master data."""

    partner_tier: PartnerTier
    default_rate_cents: int  # per hour, when a time entry names none
    fee_account: str  # the revenue account of invoices from time
    tax_code: str  # the output tax code of those invoices
    invoice_prefix: str  # invoice numbers: prefix + year + "-" + 5-digit sequence


class PartnerFirmLeft(Event, tag="partner_firm_left.v1"):
    """The tenant leaves the programme: practice routes refuse it from now on."""


class ClientEntityLinked(Event, tag="client_entity_linked.v1"):
    """A client entity (a tenant of its own) managed by the firm. Stream: the firm's master
    data; the client's books are the client tenant's own streams."""

    link_id: UUID
    client_entity_id: UUID
    name: str
    entity_type: str | None
    industry: str | None
    tier: ClientTier
    billing_mode: BillingMode
    monthly_fee_cents: int  # the tier's fee when linked (docs/api.md, "Practice")


class PracticeInvoiceIssued(Event, tag="practice_invoice_issued.v1"):
    """The firm billed a client for time entries (the invoice and its booking are their own
    events of the same decision). Stream: the firm's master data, which numbers them."""

    invoice_id: UUID
    client_entity_id: UUID
    party_id: UUID
    invoice_number: str
    invoice_date: date
    entry_ids: tuple[UUID, ...]
    total_gross_cents: int
    line_count: int


class TimeEntryRecorded(Event, tag="time_entry_recorded.v1"):
    """Stream: the entry (version 1); deleted or invoiced once (version 2)."""

    entry_id: UUID
    client_entity_id: UUID
    work_date: date
    minutes: int
    description: str | None
    billable: bool
    rate_cents: int  # per hour


class TimeEntryDeleted(Event, tag="time_entry_deleted.v1"):
    entry_id: UUID


class TimeEntryInvoiced(Event, tag="time_entry_invoiced.v1"):
    entry_id: UUID
    invoice_id: UUID


class EngagementCreated(Event, tag="engagement_created.v1"):
    """Stream: the engagement; its tasks follow from the recurrence (ledger/practice/
    engagements.py), so only their completion is an event."""

    engagement_id: UUID
    client_entity_id: UUID
    name: str
    engagement_type: EngagementType
    recurrence: Recurrence
    start_date: date
    notes: str | None


class EngagementTaskCompleted(Event, tag="engagement_task_completed.v1"):
    engagement_id: UUID
    task_id: str
    version: int


class EngagementStatusChanged(Event, tag="engagement_status_changed.v1"):
    engagement_id: UUID
    status: EngagementStatus
    version: int


class ReportLinkCreated(Event, tag="report_link_created.v1"):
    """A shareable link to a report of `entity_id` (the tenant itself or one of its clients).
    Only the token's SHA-256 is kept. Stream: the link."""

    link_id: UUID
    entity_id: UUID
    report: ReportKind
    date_from: date
    date_to: date
    language: Literal["de", "en"]
    token_hash: str
    expires_at: datetime


class ReportLinkRevoked(Event, tag="report_link_revoked.v1"):
    link_id: UUID


# --- bookings (stream id = intent id) -------------------------------------------------------


class JournalLine(msgspec.Struct, frozen=True, kw_only=True):
    """One stored posting line: a debit/credit account pair and an amount (DATEV-style)."""

    line_id: UUID | None = None  # stable id (DATEV's Buchungs-GUID), set when the line is numbered
    journal_number: int
    account_debit: str
    account_credit: str
    amount_cents: int
    tax_code: str | None = None
    fx_amount: Decimal | None = None
    audit_hash: str
    prev_hash: str


class Fx(msgspec.Struct, frozen=True, kw_only=True):
    """Document currency beside the EUR ledger: amount in `currency` = EUR total x rate."""

    currency: str
    amount: Decimal
    rate: Decimal  # units of `currency` per 1 EUR (ECB quotation)
    rate_date: date
    rate_source: Literal["ECB", "manual", "bank"]


class BookingPosted(Event, tag="booking_posted.v1"):
    intent_id: UUID
    kind: IntentKind
    booking_date: date
    period: str  # "YYYY-MM" or "YYYY-P13" / "YYYY-P14"
    description: str
    lines: tuple[JournalLine, ...]
    total_cents: int
    fx: Fx | None = None
    external_reference: str | None = None
    custom_metadata: dict[str, str | int | float | bool | None] | None = None
    document_id: UUID | None = None
    reverses_intent_id: UUID | None = None
    reason: str | None = None
    idempotency_key: str | None = None
    request_hash: str | None = None
    fingerprint: str | None = None  # duplicate check: date, reference, input lines (docs/api.md)


LedgerEvent = (
    TenantCreated
    | TenantMasterDataChanged
    | UserRoleChanged
    | UserDeactivated
    | UserPasswordChanged
    | ApiKeyChanged
    | ChartInstalled
    | AccountCreated
    | TaxCodeDefined
    | TaxCodeChanged
    | UserCreated
    | ApiKeyIssued
    | ApiKeyRevoked
    | AccountRenamed
    | BankAccountAdded
    | BankAccountChanged
    | PartyRegistered
    | PartyChanged
    | PartyDeactivated
    | PeriodSoftLocked
    | PeriodReopened
    | PeriodLockRequested
    | PeriodLockCancelled
    | PeriodLockExpired
    | PeriodLocked
    | DocumentUploaded
    | DocumentExtracted
    | InboxAddressAssigned
    | InboxItemReceived
    | InboxItemResolved
    | MailIngested
    | ReviewCaseOpened
    | ReviewCaseChanged
    | ReviewCaseApproved
    | ReviewCaseRejected
    | InvoiceRecorded
    | InvoiceChanged
    | PaymentRunCreated
    | PaymentRunStatusChanged
    | BankTransactionsImported
    | BankTransactionEvidenceSet
    | BankTransactionStatusChanged
    | BankTransactionReconciled
    | BankTransactionUnmatched
    | BankMatchGroupCreated
    | BankMatchGroupUnmatched
    | DatevSettingsChanged
    | PartnerFirmEnrolled
    | PartnerFirmLeft
    | ClientEntityLinked
    | PracticeInvoiceIssued
    | TimeEntryRecorded
    | TimeEntryDeleted
    | TimeEntryInvoiced
    | EngagementCreated
    | EngagementTaskCompleted
    | EngagementStatusChanged
    | ReportLinkCreated
    | ReportLinkRevoked
    | BookingPosted
)

LEDGER_TOPICS: Final = tuple(
    event.__struct_config__.tag  # type: ignore[misc]
    for event in LedgerEvent.__args__  # type: ignore[attr-defined]
)  # the topics this module decodes; other topics in `events` belong to library aggregates

PERIOD_EVENTS: Final = (
    PeriodSoftLocked,
    PeriodReopened,
    PeriodLockRequested,
    PeriodLockCancelled,
    PeriodLockExpired,
    PeriodLocked,
)

MASTER_DATA_EVENTS: tuple[type[Event], ...] = (
    TenantCreated,
    ChartInstalled,
    AccountCreated,
    TaxCodeDefined,
    TaxCodeChanged,
    UserCreated,
    ApiKeyIssued,
    ApiKeyRevoked,
    ApiKeyChanged,
    UserRoleChanged,
    UserDeactivated,
    UserPasswordChanged,
    AccountRenamed,
    BankAccountAdded,
    BankAccountChanged,
    PartyRegistered,
    PartyChanged,
    PartyDeactivated,
    DatevSettingsChanged,
    InboxAddressAssigned,
    TenantMasterDataChanged,
    PartnerFirmEnrolled,
    PartnerFirmLeft,
    ClientEntityLinked,
    PracticeInvoiceIssued,
    *PERIOD_EVENTS,
)


LINE_ID_NAMESPACE: Final = UUID("5b0c1d8e-4c4f-4d36-9a55-6c6564676572")


def line_id_for(intent_id: UUID, journal_number: int) -> UUID:
    """A posting line's id: uuid5(LINE_ID_NAMESPACE, "<intent id>:<journal number>"), derived
    from its intent and number, stored in the event."""
    return LineIds(intent_id).of(journal_number)


_UUID5_CLEARED: Final = ~((0xF000 << 64) | (0xC000 << 48))  # version and variant bits
_UUID5_SET: Final = (5 << 76) | (0x8000 << 48)  # version 5, RFC 4122 variant


class LineIds:
    """`uuid.uuid5` for the lines of one intent, with the name's prefix encoded once and the
    UUID built from an integer: a third of uuid5's time, on the writer's hot path (a unit
    test checks it against uuid5)."""

    __slots__ = ("_prefix",)

    def __init__(self, intent_id: UUID) -> None:
        self._prefix = LINE_ID_NAMESPACE.bytes + f"{intent_id}:".encode()

    def of(self, journal_number: int) -> UUID:
        digest = hashlib.sha1(self._prefix + str(journal_number).encode()).digest()
        return UUID(int=(int.from_bytes(digest[:16]) & _UUID5_CLEARED) | _UUID5_SET)


def own_stream_of(event: Event) -> tuple[UUID, int] | None:
    """(stream id, version) of an event with a stream of its own; None: the tenant's."""
    match event:
        case BookingPosted():
            return event.intent_id, 1
        case DocumentUploaded():
            return event.document_id, 1
        case DocumentExtracted():
            return event.document_id, event.version
        case InboxItemReceived():
            return event.inbox_id, 1
        case InboxItemResolved():
            return event.inbox_id, event.version
        case MailIngested():
            return event.ingestion_id, 1
        case ReviewCaseOpened():
            return event.case_id, 1
        case ReviewCaseChanged() | ReviewCaseApproved() | ReviewCaseRejected():
            return event.case_id, event.version
        case InvoiceRecorded():
            return event.invoice_id, 1
        case InvoiceChanged():
            return event.invoice_id, event.version
        case PaymentRunCreated():
            return event.run_id, 1
        case BankTransactionsImported():
            return event.batch_id, 1
        case (
            BankTransactionEvidenceSet()
            | BankTransactionStatusChanged()
            | BankTransactionReconciled()
            | BankTransactionUnmatched()
        ):
            return event.tx_id, event.version
        case PaymentRunStatusChanged():
            return event.run_id, event.version
        case BankMatchGroupCreated():
            return event.group_id, 1
        case BankMatchGroupUnmatched():
            return event.group_id, 2
        case TimeEntryRecorded():
            return event.entry_id, 1
        case TimeEntryDeleted() | TimeEntryInvoiced():
            return event.entry_id, 2
        case EngagementCreated():
            return event.engagement_id, 1
        case EngagementTaskCompleted() | EngagementStatusChanged():
            return event.engagement_id, event.version
        case ReportLinkCreated():
            return event.link_id, 1
        case ReportLinkRevoked():
            return event.link_id, 2
    return None


def topic_of(event: Event) -> str:
    return event.__struct_config__.tag  # type: ignore[return-value]


_encoder = msgspec.json.Encoder(decimal_format="string")
_decoder = msgspec.json.Decoder(LedgerEvent)


def encode_event(event: Event) -> bytes:
    return _encoder.encode(event)


def decode_event(state: bytes) -> LedgerEvent:
    return _decoder.decode(state)
