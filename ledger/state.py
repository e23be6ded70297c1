"""What the writer keeps in memory per tenant to decide intents, and its fold over events.

Only master data and the chain head live here; bookings are looked up per batch
(`Lookups`, filled by the writer from the read tables), so memory does not grow with history.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

import msgspec

from ledger.bank_accounts import BankAccount, apply_bank_event
from ledger.bank_import import KnownBankTx
from ledger.chain import GENESIS_HASH
from ledger.events import (
    PERIOD_EVENTS,
    AccountCreated,
    AccountRenamed,
    AccountSpec,
    Actor,
    ApiKeyIssued,
    ApiKeyRevoked,
    BankAccountAdded,
    BankAccountChanged,
    BookingPosted,
    ChartInstalled,
    ClientEntityLinked,
    DatevSettingsChanged,
    Event,
    Fx,
    InboxAddressAssigned,
    PartnerFirmEnrolled,
    PartnerFirmLeft,
    PartyChanged,
    PartyDeactivated,
    PartyRegistered,
    PracticeInvoiceIssued,
    TaxCodeChanged,
    TaxCodeDefined,
    TenantCreated,
    UserCreated,
    UserDeactivated,
    UserRoleChanged,
)
from ledger.inbox.items import KnownInboxItem
from ledger.inbox.review import KnownCase
from ledger.invoices import KnownInvoice
from ledger.locks import PeriodBook
from ledger.match_groups import KnownMatchGroup
from ledger.outcomes import DocumentStored
from ledger.parties import Party, apply_party_event
from ledger.payment_runs import KnownRun, PayableInvoice
from ledger.practice.engagements import KnownEngagement
from ledger.practice.firms import Firm
from ledger.practice.report_links import KnownReportLink
from ledger.practice.time_entries import KnownTimeEntry
from ledger.reconciliation import KnownReconciliation
from ledger.settlement import OpenInvoice
from ledger.tax import TaxCode


@dataclass
class Head:
    """The tenant's place in the store: compared with the database before every batch."""

    position: int = 0  # global position of the tenant's last event
    stream_version: int = 0  # version of the tenant's master-data stream
    journal_number: int = 0
    audit_hash: str = GENESIS_HASH


@dataclass
class TenantState:
    tenant_id: UUID
    tenant: TenantCreated | None = None
    datev: DatevSettingsChanged | None = None
    inbox_address: str | None = None
    accounts: dict[str, AccountSpec] = field(default_factory=dict)
    inactive_accounts: set[str] = field(default_factory=set)
    tax_codes: dict[str, TaxCode] = field(default_factory=dict)  # key: code.upper()
    user_emails: dict[UUID, str] = field(default_factory=dict)
    user_roles: dict[UUID, str] = field(default_factory=dict)
    inactive_users: set[UUID] = field(default_factory=set)
    api_keys: dict[UUID, bool] = field(default_factory=dict)  # key id -> revoked
    periods: PeriodBook = field(default_factory=PeriodBook)
    parties: dict[UUID, Party] = field(default_factory=dict)
    bank_accounts: dict[UUID, BankAccount] = field(default_factory=dict)
    firm: Firm = field(default_factory=Firm)  # the practice side, if the tenant is a firm
    head: Head = field(default_factory=Head)

    @property
    def exists(self) -> bool:
        return self.tenant is not None

    @functools.cached_property
    def tax_accounts(self) -> frozenset[str]:
        """Accounts that carry VAT: a manual line on one of these is a manual tax line."""
        accounts: set[str] = set()
        for code in self.tax_codes.values():
            accounts.update(a for a in (code.vat_account, code.self_assess_account) if a)
        return frozenset(accounts)  # cached until a tax code changes (see `apply`)

    def tax_code(self, code: str) -> TaxCode | None:
        return self.tax_codes.get(code.upper())

    def name_of(self, actor: Actor) -> str:
        """Who acted, in words: the user's e-mail, else the actor's label."""
        if actor.user_id is not None and actor.user_id in self.user_emails:
            return self.user_emails[actor.user_id]
        return actor.label

    def apply(self, event: Event) -> None:
        """Fold one event into the state (master data and chain head)."""
        if isinstance(event, TaxCodeDefined | TaxCodeChanged):
            self.__dict__.pop("tax_accounts", None)
        match event:
            case TenantCreated():
                self.tenant = event
            case DatevSettingsChanged():
                self.datev = event
            case InboxAddressAssigned():
                self.inbox_address = event.address
            case ChartInstalled(accounts=accounts):
                self.accounts.update((account.number, account) for account in accounts)
            case AccountCreated(account=account):
                self.accounts[account.number] = account
            case TaxCodeDefined():
                self.tax_codes[event.code.upper()] = TaxCode(
                    code=event.code,
                    label=event.label,
                    description=event.description,
                    rate_bp=event.rate_bp,
                    vat_account=event.vat_account,
                    self_assess_account=event.self_assess_account,
                    kind=event.kind,
                    is_system=event.is_system,
                )
            case TaxCodeChanged():
                current = self.tax_codes[event.code.upper()]
                self.tax_codes[event.code.upper()] = msgspec.structs.replace(
                    current,
                    label=event.label,
                    description=event.description,
                    rate_bp=event.rate_bp,
                    vat_account=event.vat_account,
                    self_assess_account=event.self_assess_account,
                    is_active=event.is_active,
                )
            case UserRoleChanged(user_id=user_id, role=role):
                self.user_roles[user_id] = role
            case UserDeactivated(user_id=user_id):
                self.inactive_users.add(user_id)
            case UserCreated(user_id=user_id, email=email, role=role):
                self.user_roles[user_id] = role
                self.user_emails[user_id] = email
            case ApiKeyIssued(key_id=key_id):
                self.api_keys[key_id] = False
            case ApiKeyRevoked(key_id=key_id):
                self.api_keys[key_id] = True
            case BookingPosted():
                self._apply_booking(event)
            case AccountRenamed(number=number, name=name):
                self.accounts[number] = msgspec.structs.replace(self.accounts[number], name=name)
            case BankAccountAdded() | BankAccountChanged():
                apply_bank_event(self.bank_accounts, event)
            case PartyRegistered() | PartyChanged() | PartyDeactivated():
                apply_party_event(self.parties, event)
            case (
                PartnerFirmEnrolled()
                | PartnerFirmLeft()
                | ClientEntityLinked()
                | PracticeInvoiceIssued()
            ):
                self.firm.apply(event)
            case _ if isinstance(event, PERIOD_EVENTS):
                self.periods.apply(event)

    def _apply_booking(self, event: BookingPosted) -> None:
        if event.lines:
            last = event.lines[-1]
            self.head.journal_number = last.journal_number
            self.head.audit_hash = last.audit_hash


class KnownLine(msgspec.Struct, frozen=True, kw_only=True, array_like=True):
    account_debit: str
    account_credit: str
    amount_cents: int
    tax_code: str | None
    fx_amount: str | None


class KnownIntent(msgspec.Struct, kw_only=True):
    """An intent already in the books, as far as deciding a new intent needs it."""

    intent_id: UUID
    kind: str
    booking_date: date
    period: str
    description: str
    event_count: int
    total_cents: int
    first_journal_number: int | None
    last_journal_number: int | None
    reverses_intent_id: UUID | None = None
    reversed_by_intent_id: UUID | None = None
    idempotency_key: str | None = None
    request_hash: str | None = None
    external_reference: str | None = None
    fingerprint: str | None = None
    fx: Fx | None = None
    lines: tuple[KnownLine, ...] = ()
    channel: str = "api"  # bank_reconciliation: a settlement, undone only by unmatching


@dataclass
class Lookups:
    """Intents a batch refers to, prefetched by the writer and extended as the batch goes."""

    by_intent_id: dict[UUID, KnownIntent] = field(default_factory=dict)
    by_idempotency_key: dict[str, KnownIntent] = field(default_factory=dict)
    by_external_reference: dict[str, list[KnownIntent]] = field(default_factory=dict)
    by_fingerprint: dict[str, KnownIntent] = field(default_factory=dict)
    opening_balances_by_date: dict[date, UUID] = field(default_factory=dict)
    document_ids: set[UUID] = field(default_factory=set)
    document_versions: dict[UUID, int] = field(default_factory=dict)  # for extractions
    inbox_sha256: set[str] = field(default_factory=set)  # files that reached the inbox
    inbox_items: dict[UUID, KnownInboxItem] = field(default_factory=dict)
    review_cases: dict[UUID, KnownCase] = field(default_factory=dict)
    documents_by_sha256: dict[str, DocumentStored] = field(default_factory=dict)
    invoices_by_id: dict[UUID, KnownInvoice] = field(default_factory=dict)
    invoice_numbers: dict[tuple[UUID, str], UUID] = field(default_factory=dict)  # party, number
    payable_invoices: dict[UUID, PayableInvoice] = field(default_factory=dict)
    active_run_of_invoice: dict[UUID, UUID] = field(default_factory=dict)
    runs_by_id: dict[UUID, KnownRun] = field(default_factory=dict)
    bank_tx_hashes: set[str] = field(default_factory=set)  # of the imports' bank accounts
    time_entries: dict[UUID, KnownTimeEntry] = field(default_factory=dict)
    engagements: dict[UUID, KnownEngagement] = field(default_factory=dict)
    report_links: dict[UUID, KnownReportLink] = field(default_factory=dict)
    bank_txs: dict[UUID, KnownBankTx] = field(default_factory=dict)
    reconciliations: dict[UUID, KnownReconciliation] = field(default_factory=dict)  # by tx
    match_groups: dict[UUID, KnownMatchGroup] = field(default_factory=dict)
    linked_intents: dict[UUID, UUID] = field(default_factory=dict)  # bank booking -> its tx
    invoices_of_intent: dict[UUID, list[OpenInvoice]] = field(default_factory=dict)
    open_invoices: dict[UUID, OpenInvoice] = field(default_factory=dict)  # the same, by id
    # (journal_number, audit_hash) of each line of a period whose lock is being approved
    period_line_hashes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def remember(self, known: KnownIntent) -> None:
        self.by_intent_id[known.intent_id] = known
        if known.kind == "opening_balances" and not known.reversed_by_intent_id:
            self.opening_balances_by_date[known.booking_date] = known.intent_id
        if known.idempotency_key:
            self.by_idempotency_key[known.idempotency_key] = known
        if known.external_reference:
            self.by_external_reference.setdefault(known.external_reference, []).append(known)
        if known.fingerprint and known.kind == "booking" and not known.reversed_by_intent_id:
            self.by_fingerprint[known.fingerprint] = known

    def mark_reversed(self, original: KnownIntent, reversal_intent_id: UUID) -> None:
        original.reversed_by_intent_id = reversal_intent_id
        if self.opening_balances_by_date.get(original.booking_date) == original.intent_id:
            del self.opening_balances_by_date[original.booking_date]
        if original.fingerprint and self.by_fingerprint.get(original.fingerprint) is original:
            del self.by_fingerprint[original.fingerprint]
