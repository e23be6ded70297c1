"""Pure folds: one event in, the row changes of the read tables out.

The same functions serve the live path (applied inside the writer's transaction, so a client
reads its own writes at once) and `ledger projections rebuild`, which replays every event from
position 0 into empty tables and must produce the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Final
from uuid import UUID

import msgspec

from ledger.events import (
    AccountCreated,
    AccountRenamed,
    AccountSpec,
    Address,
    ApiKeyChanged,
    ApiKeyIssued,
    ApiKeyRevoked,
    BankAccountAdded,
    BankAccountChanged,
    BankMatchGroupCreated,
    BankMatchGroupUnmatched,
    BankTransactionEvidenceSet,
    BankTransactionReconciled,
    BankTransactionsImported,
    BankTransactionStatusChanged,
    BankTransactionUnmatched,
    BookingPosted,
    ChartInstalled,
    DatevSettingsChanged,
    DocumentExtracted,
    DocumentUploaded,
    Event,
    InboxAddressAssigned,
    InboxItemReceived,
    InboxItemResolved,
    InvoiceChanged,
    InvoiceRecorded,
    MailIngested,
    PartyChanged,
    PartyDeactivated,
    PartyDetails,
    PartyRegistered,
    PaymentRunCreated,
    PaymentRunStatusChanged,
    PeriodLockCancelled,
    PeriodLocked,
    PeriodLockExpired,
    PeriodLockRequested,
    PeriodReopened,
    PeriodSoftLocked,
    ReviewCaseApproved,
    ReviewCaseChanged,
    ReviewCaseOpened,
    ReviewCaseRejected,
    Settlement,
    TaxCodeChanged,
    TaxCodeDefined,
    TenantCreated,
    TenantMasterDataChanged,
    UserCreated,
    UserDeactivated,
    UserRoleChanged,
)
from projections import practice
from projections.changes import BalanceDelta, Change, Insert, Update, Upsert

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "tenants": (
        "id",
        "company_name",
        "tax_id",
        "vat_id",
        "legal_form",
        "fiscal_year_start",
        "vat_registered",
        "account_framework",
        "created_at",
        "datev_berater_number",
        "datev_mandant_number",
        "datev_account_length",
        "inbox_address",
        "street",
        "zip",
        "city",
        "country",
        "contact_name",
        "contact_phone",
        "contact_email",
    ),
    "users": ("id", "tenant_id", "email", "name", "role", "is_active", "created_at"),
    "api_keys": (
        "id",
        "tenant_id",
        "user_id",
        "label",
        "key_prefix",
        "key_hash",
        "scopes",
        "expires_at",
        "revoked_at",
        "created_at",
    ),
    "accounts": (
        "tenant_id",
        "number",
        "name",
        "type",
        "category",
        "report_group",
        "is_system",
        "is_active",
        "automatic",
        "created_at",
    ),
    "tax_codes": (
        "tenant_id",
        "code_key",
        "code",
        "label",
        "description",
        "rate_bp",
        "vat_account",
        "self_assess_account",
        "kind",
        "is_system",
        "is_active",
        "created_at",
        "updated_at",
    ),
    "intents": (
        "intent_id",
        "tenant_id",
        "position",
        "kind",
        "booking_date",
        "period",
        "description",
        "event_count",
        "total_cents",
        "first_journal_number",
        "last_journal_number",
        "currency",
        "fx",
        "external_reference",
        "custom_metadata",
        "document_id",
        "reverses_intent_id",
        "reversed_by_intent_id",
        "reason",
        "idempotency_key",
        "request_hash",
        "fingerprint",
        "created_at",
        "created_by",
        "actor_type",
        "actor_key_prefix",
        "channel",
    ),
    "journal_lines": (
        "tenant_id",
        "journal_number",
        "id",
        "intent_id",
        "booking_date",
        "period",
        "account_debit",
        "account_credit",
        "amount_cents",
        "tax_code",
        "fx_amount",
        "audit_hash",
        "prev_hash",
    ),
    "periods": (
        "tenant_id",
        "period",
        "status",
        "locked_by",
        "locked_at",
        "closing_hash",
        "approved_by",
        "lock_request_id",
        "line_count",
    ),
    "period_lock_requests": (
        "request_id",
        "tenant_id",
        "period",
        "status",
        "requested_by",
        "created_at",
        "expires_at",
        "decided_by",
        "decided_at",
    ),
    "parties": (
        "id",
        "tenant_id",
        "kind",
        "account_number",
        "name",
        "tax_id",
        "vat_id",
        "iban",
        "bic",
        "street",
        "building_number",
        "zip",
        "city",
        "country",
        "default_account",
        "notes",
        "is_active",
        "created_at",
        "updated_at",
    ),
    "bank_accounts": (
        "id",
        "tenant_id",
        "name",
        "iban",
        "bic",
        "account_number",
        "currency",
        "sepa_version",
        "created_at",
        "updated_at",
    ),
    "invoices": (
        "id",
        "tenant_id",
        "direction",
        "party_id",
        "invoice_type",
        "invoice_number",
        "invoice_date",
        "due_date",
        "currency",
        "total_net_cents",
        "total_tax_cents",
        "total_gross_cents",
        "intent_id",
        "document_id",
        "notes",
        "settled_cents",
        "version",
        "created_at",
        "updated_at",
    ),
    "invoice_lines": (
        "invoice_id",
        "position",
        "description",
        "quantity",
        "unit_price",
        "tax_rate_bp",
        "tax_amount_cents",
        "line_total_cents",
        "account_number",
    ),
    "payment_runs": (
        "id",
        "tenant_id",
        "bank_account_id",
        "execution_date",
        "label",
        "status",
        "message_id",
        "total_cents",
        "item_count",
        "version",
        "created_at",
        "updated_at",
        "exported_at",
    ),
    "payment_run_items": (
        "id",
        "run_id",
        "position",
        "invoice_id",
        "vendor_id",
        "vendor_name",
        "vendor_iban",
        "vendor_bic",
        "street",
        "building_number",
        "zip",
        "city",
        "country",
        "amount_cents",
        "reference",
        "end_to_end_id",
    ),
    "bank_transactions": (
        "id",
        "tenant_id",
        "bank_account_id",
        "batch_id",
        "tx_date",
        "value_date",
        "amount_cents",
        "currency",
        "counterparty_name",
        "counterparty_iban",
        "reference",
        "bank_reference",
        "end_to_end_id",
        "tx_type",
        "content_hash",
        "source",
        "status",
        "created_at",
    ),
    "bank_tx_settlements": ("tx_id", "version", "invoice_id", "applied_cents", "active"),
    "bank_match_groups": (
        "id",
        "tenant_id",
        "bank_account_id",
        "mode",
        "settlement_intent_id",
        "tx_ids",
        "allocations",
        "adjustments",
        "settlements",
        "status",
        "reversal_intent_id",
        "created_at",
        "created_by",
        "reversed_at",
    ),
    "inbox_items": (
        "id",
        "tenant_id",
        "document_id",
        "ingestion_id",
        "status",
        "reason",
        "source_email",
        "source_subject",
        "original_name",
        "extraction",
        "vendor_match",
        "compliance",
        "version",
        "created_at",
        "resolved_at",
    ),
    "invoice_review_cases": (
        "id",
        "tenant_id",
        "inbox_id",
        "document_id",
        "queue_state",
        "payload",
        "vendor_id",
        "vendor_candidates",
        "is_invoice",
        "problems",
        "invoice_id",
        "intent_id",
        "reason",
        "version",
        "created_at",
        "updated_at",
    ),
    "ingestion_log": (
        "id",
        "tenant_id",
        "received_via",
        "message_id",
        "sender",
        "subject",
        "recipient",
        "outcome",
        "reason",
        "attachments",
        "created_at",
    ),
    "documents": (
        "id",
        "tenant_id",
        "sha256",
        "mime_type",
        "original_name",
        "size_bytes",
        "created_at",
        "created_by",
        "channel",
        "version",
        "ocr_layer",
        "ocr_result",
        "extracted_at",
    ),
    **practice.COLUMNS,
}
# Tables that a rebuild empties and refills (account_balances is filled from BalanceDelta).
READ_TABLES: Final = (*COLUMNS, "account_balances")


UPDATE_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "tax_codes": ("tenant_id", "code_key"),
    "tenants": ("id",),
    "api_keys": ("id",),
    "users": ("id",),
    "intents": ("intent_id",),
    "periods": ("tenant_id", "period"),
    "parties": ("id",),
    "invoices": ("id",),
    "bank_accounts": ("id",),
    "bank_transactions": ("id",),
    "bank_tx_settlements": ("tx_id", "version"),
    "bank_match_groups": ("id",),
    "documents": ("id",),
    "inbox_items": ("id",),
    "invoice_review_cases": ("id",),
    "payment_runs": ("id",),
    "accounts": ("tenant_id", "number"),
    "period_lock_requests": ("request_id",),
    **practice.UPDATE_KEYS,
}

_json = msgspec.json.Encoder(decimal_format="string")


def changes_of(event: Event, position: int) -> Iterable[Change]:
    if isinstance(event, practice.PRACTICE_EVENTS):
        yield from practice.changes_of(event)
        return
    match event:
        case TenantCreated():
            yield Insert(
                "tenants",
                (
                    event.tenant_id,
                    event.company_name,
                    event.tax_id,
                    event.vat_id,
                    event.legal_form,
                    event.fiscal_year_start,
                    event.vat_registered,
                    event.account_framework,
                    event.recorded_at,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ),
            )
        case TenantMasterDataChanged():
            yield Update("tenants", (event.tenant_id,), dict(event.changes))
        case InboxAddressAssigned():
            yield Update("tenants", (event.tenant_id,), {"inbox_address": event.address})
        case InboxItemReceived():
            yield Insert(
                "inbox_items",
                (
                    event.inbox_id,
                    event.tenant_id,
                    event.document_id,
                    event.ingestion_id,
                    event.status,
                    event.reason,
                    event.source_email,
                    event.source_subject,
                    event.original_name,
                    _json_text(event.extraction),
                    _json_text(event.vendor_match),
                    _json_text(event.compliance),
                    1,
                    event.recorded_at,
                    None,
                ),
            )
        case InboxItemResolved():
            yield Update(
                "inbox_items",
                (event.inbox_id,),
                {
                    "status": event.status,
                    "reason": event.reason,
                    "version": event.version,
                    "resolved_at": event.recorded_at,
                },
            )
        case ReviewCaseOpened():
            yield Insert(
                "invoice_review_cases",
                (
                    event.case_id,
                    event.tenant_id,
                    event.inbox_id,
                    event.document_id,
                    event.queue_state,
                    _json_text(event.payload),
                    event.vendor_id,
                    list(event.vendor_candidates),
                    event.is_invoice,
                    _json_text(event.problems),
                    None,
                    None,
                    None,
                    1,
                    event.recorded_at,
                    event.recorded_at,
                ),
            )
        case ReviewCaseChanged():
            yield Update(
                "invoice_review_cases",
                (event.case_id,),
                {
                    "queue_state": event.queue_state,
                    "payload": _json_text(event.payload),
                    "vendor_id": event.vendor_id,
                    "problems": _json_text(event.problems),
                    "version": event.version,
                    "updated_at": event.recorded_at,
                },
            )
        case ReviewCaseApproved():
            yield Update(
                "invoice_review_cases",
                (event.case_id,),
                {
                    "queue_state": "approved",
                    "invoice_id": event.invoice_id,
                    "intent_id": event.intent_id,
                    "version": event.version,
                    "updated_at": event.recorded_at,
                },
            )
        case ReviewCaseRejected():
            yield Update(
                "invoice_review_cases",
                (event.case_id,),
                {
                    "queue_state": "rejected",
                    "reason": event.reason,
                    "version": event.version,
                    "updated_at": event.recorded_at,
                },
            )
        case MailIngested():
            yield Insert(
                "ingestion_log",
                (
                    event.ingestion_id,
                    event.tenant_id,
                    event.received_via,
                    event.message_id,
                    event.sender,
                    event.subject,
                    event.recipient,
                    event.outcome,
                    event.reason,
                    _json_text(event.attachments),
                    event.recorded_at,
                ),
            )
        case DatevSettingsChanged():
            yield Update(
                "tenants",
                (event.tenant_id,),
                {
                    "datev_berater_number": event.berater_number,
                    "datev_mandant_number": event.mandant_number,
                    "datev_account_length": event.account_length,
                },
            )
        case ChartInstalled(accounts=accounts):
            for account in accounts:
                yield _account_row(event, account, is_system=True)
        case AccountCreated(account=account):
            yield _account_row(event, account, is_system=False)
        case TaxCodeDefined():
            yield Insert(
                "tax_codes",
                (
                    event.tenant_id,
                    event.code.upper(),
                    event.code,
                    event.label,
                    event.description,
                    event.rate_bp,
                    event.vat_account,
                    event.self_assess_account,
                    event.kind,
                    event.is_system,
                    True,
                    event.recorded_at,
                    event.recorded_at,
                ),
            )
        case TaxCodeChanged():
            yield Update(
                "tax_codes",
                (event.tenant_id, event.code.upper()),
                {
                    "label": event.label,
                    "description": event.description,
                    "rate_bp": event.rate_bp,
                    "vat_account": event.vat_account,
                    "self_assess_account": event.self_assess_account,
                    "is_active": event.is_active,
                    "updated_at": event.recorded_at,
                },
            )
        case UserCreated():
            yield Insert(
                "users",
                (
                    event.user_id,
                    event.tenant_id,
                    event.email,
                    event.name,
                    event.role,
                    True,
                    event.recorded_at,
                ),
            )
        case ApiKeyIssued():
            yield Insert(
                "api_keys",
                (
                    event.key_id,
                    event.tenant_id,
                    event.user_id,
                    event.label,
                    event.key_prefix,
                    event.key_hash,
                    list(event.scopes),
                    event.expires_at,
                    None,
                    event.recorded_at,
                ),
            )
        case ApiKeyRevoked():
            yield Update("api_keys", (event.key_id,), {"revoked_at": event.recorded_at})
        case UserRoleChanged():
            yield Update("users", (event.user_id,), {"role": event.role})
        case UserDeactivated():
            yield Update("users", (event.user_id,), {"is_active": False})
        case ApiKeyChanged():
            yield Update(
                "api_keys",
                (event.key_id,),
                {
                    "label": event.label,
                    "scopes": list(event.scopes),
                    "expires_at": event.expires_at,
                },
            )
        case BookingPosted():
            yield from _booking_changes(event, position)
        case AccountRenamed():
            yield Update("accounts", (event.tenant_id, event.number), {"name": event.name})
        case PartyRegistered():
            yield Insert(
                "parties",
                (
                    event.party_id,
                    event.tenant_id,
                    event.kind,
                    event.account_number,
                    *_party_columns(event.details),
                    True,
                    event.recorded_at,
                    event.recorded_at,
                ),
            )
        case PartyChanged():
            names = COLUMNS["parties"][4:16]
            values = dict(zip(names, _party_columns(event.details), strict=True))
            yield Update("parties", (event.party_id,), {**values, "updated_at": event.recorded_at})
        case PartyDeactivated():
            yield Update(
                "parties", (event.party_id,), {"is_active": False, "updated_at": event.recorded_at}
            )
        case BankAccountAdded():
            yield Insert(
                "bank_accounts",
                (
                    event.bank_account_id,
                    event.tenant_id,
                    event.name,
                    event.iban,
                    event.bic,
                    event.account_number,
                    event.currency,
                    event.sepa_version,
                    event.recorded_at,
                    event.recorded_at,
                ),
            )
        case BankAccountChanged():
            yield Update(
                "bank_accounts",
                (event.bank_account_id,),
                {
                    "name": event.name,
                    "bic": event.bic,
                    "sepa_version": event.sepa_version,
                    "updated_at": event.recorded_at,
                },
            )
        case PaymentRunCreated():
            yield from _payment_run_rows(event)
        case PaymentRunStatusChanged():
            values: dict[str, Any] = {
                "status": event.status,
                "version": event.version,
                "updated_at": event.recorded_at,
            }
            if event.status == "exported":
                values |= {"message_id": event.message_id, "exported_at": event.recorded_at}
            yield Update("payment_runs", (event.run_id,), values)
        case BankTransactionsImported():
            for tx in event.transactions:
                yield Insert(
                    "bank_transactions",
                    (
                        tx.tx_id,
                        event.tenant_id,
                        event.bank_account_id,
                        event.batch_id,
                        tx.tx_date,
                        tx.value_date,
                        tx.amount_cents,
                        tx.currency,
                        tx.counterparty_name,
                        tx.counterparty_iban,
                        tx.reference,
                        tx.bank_reference,
                        tx.end_to_end_id,
                        tx.tx_type,
                        tx.content_hash,
                        event.source,
                        "unreconciled",
                        event.recorded_at,
                    ),
                )
        case BankTransactionEvidenceSet():
            yield Update(
                "bank_transactions",
                (event.tx_id,),
                {
                    "evidence_document_id": event.document_id,
                    "evidence_note": event.note,
                    "version": event.version,
                    "evidence_updated_at": event.recorded_at,
                    "evidence_updated_by": event.actor.label,
                },
            )
        case BankTransactionStatusChanged():
            yield Update(
                "bank_transactions",
                (event.tx_id,),
                {"status": event.status, "version": event.version},
            )
        case BankTransactionReconciled():
            yield Update(
                "bank_transactions",
                (event.tx_id,),
                {
                    "status": "reconciled",
                    "version": event.version,
                    "reconcile_mode": event.mode,
                    "candidate_kind": event.candidate_kind,
                    "reconciled_intent_id": event.intent_id,
                    "settlement_intent_id": event.settlement_intent_id,
                },
            )
            for settlement in event.settlements:
                yield Insert(
                    "bank_tx_settlements",
                    (
                        event.tx_id,
                        event.version,
                        settlement.invoice_id,
                        settlement.applied_cents,
                        True,
                    ),
                )
                yield Update(
                    "invoices",
                    (settlement.invoice_id,),
                    {"settled_cents": settlement.settled_cents},
                )
        case BankTransactionUnmatched():
            yield Update(
                "bank_transactions",
                (event.tx_id,),
                {
                    "status": "unreconciled",
                    "version": event.version,
                    "reconcile_mode": None,
                    "candidate_kind": None,
                    "reconciled_intent_id": None,
                    "settlement_intent_id": None,
                },
            )
            # Only the undone reconciliation's rows: a later one may sit in the same replay page.
            yield Update(
                "bank_tx_settlements", (event.tx_id, event.undoes_version), {"active": False}
            )
            for settlement in event.settlements:
                yield Update(
                    "invoices",
                    (settlement.invoice_id,),
                    {"settled_cents": settlement.settled_cents},
                )
        case BankMatchGroupCreated():
            yield Insert(
                "bank_match_groups",
                (
                    event.group_id,
                    event.tenant_id,
                    event.bank_account_id,
                    event.mode,
                    event.settlement_intent_id,
                    list(event.tx_ids),
                    _json_text(event.allocations),
                    _json_text(event.adjustments),
                    _json_text(event.settlements),
                    "active",
                    None,
                    event.recorded_at,
                    event.actor.label,
                    None,
                ),
            )
            for tx_id in event.tx_ids:
                yield _reconciled_row(tx_id, "grouped", event.settlement_intent_id, event.group_id)
            yield from _settled_totals(event.settlements)
        case BankMatchGroupUnmatched():
            yield Update(
                "bank_match_groups",
                (event.group_id,),
                {
                    "status": "reversed",
                    "reversal_intent_id": event.reversal_intent_id,
                    "reversed_at": event.recorded_at,
                },
            )
            for tx_id in event.tx_ids:
                yield _reconciled_row(tx_id, None, None, None)
            yield from _settled_totals(event.settlements)
        case InvoiceRecorded():
            yield from _invoice_rows(event)
        case InvoiceChanged():
            yield Update(
                "invoices",
                (event.invoice_id,),
                {
                    "intent_id": event.intent_id,
                    "due_date": event.due_date,
                    "notes": event.notes,
                    "version": event.version,
                    "updated_at": event.recorded_at,
                },
            )
        case DocumentUploaded():
            yield Insert(
                "documents",
                (
                    event.document_id,
                    event.tenant_id,
                    event.sha256,
                    event.mime_type,
                    event.original_name,
                    event.size_bytes,
                    event.recorded_at,
                    event.actor.label,
                    event.channel,
                    1,
                    None,
                    None,
                    None,
                ),
            )
        case DocumentExtracted():
            yield Update(
                "documents",
                (event.document_id,),
                {
                    "version": event.version,
                    "ocr_layer": event.result.layer,
                    "ocr_result": _json_text(event.result),
                    "extracted_at": event.recorded_at,
                },
            )
        case PeriodSoftLocked():
            yield _period_row(event, "soft_locked", event.by)
        case PeriodReopened():
            yield _period_row(event, "open", None)
        case PeriodLockRequested():
            yield Insert(
                "period_lock_requests",
                (
                    event.request_id,
                    event.tenant_id,
                    event.period,
                    "pending",
                    event.by,
                    event.recorded_at,
                    event.expires_at,
                    None,
                    None,
                ),
            )
        case PeriodLockCancelled():
            yield _request_decided(event.request_id, "cancelled", event.by, event.recorded_at)
        case PeriodLockExpired():
            yield _request_decided(event.request_id, "expired", None, event.recorded_at)
        case PeriodLocked():
            yield _request_decided(event.request_id, "approved", event.by, event.recorded_at)
            yield Upsert(
                "periods",
                (
                    event.tenant_id,
                    event.period,
                    "locked",
                    event.requested_by,
                    event.recorded_at,
                    event.closing_hash,
                    event.by,
                    event.request_id,
                    event.line_count,
                ),
            )


def _reconciled_row(
    tx_id: UUID, mode: str | None, settlement_intent_id: UUID | None, group_id: UUID | None
) -> Update:
    """A match group's member: reconciled by the group (mode `grouped`), or open again."""
    return Update(
        "bank_transactions",
        (tx_id,),
        {
            "status": "unreconciled" if mode is None else "reconciled",
            "reconcile_mode": mode,
            "candidate_kind": None,
            "reconciled_intent_id": None,
            "settlement_intent_id": settlement_intent_id,
            "match_group_id": group_id,
        },
    )


def _settled_totals(settlements: Iterable[Settlement]) -> Iterable[Change]:
    for settlement in settlements:
        yield Update(
            "invoices", (settlement.invoice_id,), {"settled_cents": settlement.settled_cents}
        )


def _payment_run_rows(event: PaymentRunCreated) -> Iterable[Change]:
    yield Insert(
        "payment_runs",
        (
            event.run_id,
            event.tenant_id,
            event.bank_account_id,
            event.execution_date,
            event.label,
            "draft",
            None,
            sum(item.amount_cents for item in event.items),
            len(event.items),
            1,
            event.recorded_at,
            event.recorded_at,
            None,
        ),
    )
    for position, item in enumerate(event.items, start=1):
        address = item.vendor_address or Address()
        yield Insert(
            "payment_run_items",
            (
                item.item_id,
                event.run_id,
                position,
                item.invoice_id,
                item.vendor_id,
                item.vendor_name,
                item.vendor_iban,
                item.vendor_bic,
                address.street,
                address.building_number,
                address.zip,
                address.city,
                address.country,
                item.amount_cents,
                item.reference,
                item.end_to_end_id,
            ),
        )


def _settled(settlement: Settlement) -> Update:
    return Update("invoices", (settlement.invoice_id,), {"settled_cents": settlement.settled_cents})


def _invoice_rows(event: InvoiceRecorded) -> Iterable[Change]:
    yield Insert(
        "invoices",
        (
            event.invoice_id,
            event.tenant_id,
            event.direction,
            event.party_id,
            event.invoice_type,
            event.invoice_number,
            event.invoice_date,
            event.due_date,
            event.currency,
            event.total_net_cents,
            event.total_tax_cents,
            event.total_gross_cents,
            event.intent_id,
            event.document_id,
            event.notes,
            0,
            1,
            event.recorded_at,
            event.recorded_at,
        ),
    )
    for line in event.lines:
        yield Insert(
            "invoice_lines",
            (
                event.invoice_id,
                line.position,
                line.description,
                line.quantity,
                line.unit_price,
                line.tax_rate_bp,
                line.tax_amount_cents,
                line.line_total_cents,
                line.account_number,
            ),
        )


def _party_columns(details: PartyDetails) -> tuple:
    """name .. notes, in the column order of `parties`."""
    address = details.address or Address()
    return (
        details.name,
        details.tax_id,
        details.vat_id,
        details.iban,
        details.bic,
        address.street,
        address.building_number,
        address.zip,
        address.city,
        address.country,
        details.default_account,
        details.notes,
    )


def _period_row(
    event: PeriodSoftLocked | PeriodReopened, status: str, locked_by: str | None
) -> Upsert:
    locked_at = event.recorded_at if locked_by is not None else None
    return Upsert(
        "periods",
        (event.tenant_id, event.period, status, locked_by, locked_at, None, None, None, None),
    )


def _request_decided(request_id: UUID, status: str, by: str | None, at: datetime) -> Update:
    return Update(
        "period_lock_requests",
        (request_id,),
        {"status": status, "decided_by": by, "decided_at": at},
    )


def _account_row(event: Event, account: AccountSpec, *, is_system: bool) -> Insert:
    return Insert(
        "accounts",
        (
            event.tenant_id,
            account.number,
            account.name,
            account.type,
            account.category,
            account.report_group,
            is_system,
            True,
            account.automatic,
            event.recorded_at,
        ),
    )


def _booking_changes(event: BookingPosted, position: int) -> Iterable[Change]:
    lines = event.lines
    yield Insert(
        "intents",
        (
            event.intent_id,
            event.tenant_id,
            position,
            event.kind,
            event.booking_date,
            event.period,
            event.description,
            len(lines),
            event.total_cents,
            lines[0].journal_number if lines else None,
            lines[-1].journal_number if lines else None,
            "EUR",
            _json_text(event.fx),
            event.external_reference,
            _json_text(event.custom_metadata),
            event.document_id,
            event.reverses_intent_id,
            None,
            event.reason,
            event.idempotency_key,
            event.request_hash,
            event.fingerprint,
            event.recorded_at,
            event.actor.label,
            event.actor.actor_type,
            event.actor.key_prefix,
            event.channel,
        ),
    )
    for line in lines:
        yield Insert(
            "journal_lines",
            (
                event.tenant_id,
                line.journal_number,
                line.line_id,
                event.intent_id,
                event.booking_date,
                event.period,
                line.account_debit,
                line.account_credit,
                line.amount_cents,
                line.tax_code,
                line.fx_amount,
                line.audit_hash,
                line.prev_hash,
            ),
        )
        yield BalanceDelta(
            event.tenant_id,
            line.account_debit,
            event.booking_date,
            event.period,
            line.amount_cents,
            0,
            1,
        )
        yield BalanceDelta(
            event.tenant_id,
            line.account_credit,
            event.booking_date,
            event.period,
            0,
            line.amount_cents,
            1,
        )
    if event.reverses_intent_id is not None:
        yield Update(
            "intents",
            (event.reverses_intent_id,),
            {
                "reversed_by_intent_id": event.intent_id,
            },
        )


def _json_text(value: object) -> str | None:
    return None if value is None else _json.encode(value).decode()


class BalanceTotals:
    """Deltas summed per (tenant, account, day, period): one upsert row per key."""

    def __init__(self) -> None:
        self._sums: dict[tuple[UUID, str, date, str], list[int]] = {}

    def __bool__(self) -> bool:
        return bool(self._sums)

    def add(self, delta: BalanceDelta) -> None:
        key = (delta.tenant_id, delta.account_number, delta.booking_date, delta.period)
        sums = self._sums.get(key)
        if sums is None:
            self._sums[key] = [delta.debit_cents, delta.credit_cents, delta.line_count]
        else:
            sums[0] += delta.debit_cents
            sums[1] += delta.credit_cents
            sums[2] += delta.line_count

    def deltas(self) -> list[BalanceDelta]:
        """In key order (upserts lock rows in one order, so concurrent writers cannot
        deadlock); the tenant compared by its integer, which orders as the UUID does without
        UUID's Python-level comparisons."""
        return [
            BalanceDelta(*key, *sums)
            for key, sums in sorted(self._sums.items(), key=_tenant_as_int)
        ]


def _tenant_as_int(item: tuple[tuple[UUID, str, date, str], list[int]]) -> tuple:
    (tenant_id, account_number, booking_date, period), _ = item
    return tenant_id.int, account_number, booking_date, period


def merge_deltas(deltas: Iterable[BalanceDelta]) -> list[BalanceDelta]:
    totals = BalanceTotals()
    for delta in deltas:
        totals.add(delta)
    return totals.deltas()
