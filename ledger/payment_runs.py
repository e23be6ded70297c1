"""Payment runs: vendor invoices gathered for one SEPA credit-transfer file (reference §2.1).

    draft --approve--> approved --export--> exported --complete--> completed
      └──────── cancel ────┴──> cancelled          (an exported run cannot be cancelled)

Completing posts nothing: the payment reaches the books through bank reconciliation. The
rules where the reference is silent are in docs/api.md ("Payment runs").
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Final
from uuid import UUID

import msgspec

from ledger import errors
from ledger.events import PaymentItem, PaymentRunCreated, PaymentRunStatus, PaymentRunStatusChanged
from ledger.intents import ChangePaymentRunStatus, CreatePaymentRun, stamp_of
from ledger.outcomes import Accepted, Decision

if TYPE_CHECKING:
    from ledger.state import Lookups, TenantState

ACTIVE: Final = frozenset({"draft", "approved", "exported"})
TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "approved": frozenset({"draft"}),
    "exported": frozenset({"approved"}),
    "completed": frozenset({"exported"}),
    "cancelled": frozenset({"draft", "approved"}),
}
VERB: Final = {
    "approved": "approve",
    "exported": "export",
    "completed": "complete",
    "cancelled": "cancel",
}


class PayableInvoice(msgspec.Struct, frozen=True, kw_only=True):
    """An incoming invoice as a payment run needs it."""

    invoice_id: UUID
    vendor_id: UUID
    invoice_number: str
    currency: str
    linked: bool  # has a journal intent
    invoice_type: str
    remaining_cents: int


class KnownRun(msgspec.Struct, kw_only=True):
    run_id: UUID
    status: PaymentRunStatus
    version: int
    item_amounts: tuple[int, ...]


def message_id_of(run_id: UUID) -> str:
    """The file's MsgId: unique per run, 35 characters of the EPC set at most."""
    return f"LEDGER-{run_id.hex[:24].upper()}"


def end_to_end_id_of(run_id: UUID, position: int) -> str:
    """The EndToEndId of a run's transfer: it comes back on the bank statement."""
    return f"PR-{run_id.hex[:16].upper()}-{position}"


def create(
    state: TenantState, lookups: Lookups, intent: CreatePaymentRun, today: date, now: datetime
) -> Decision:
    if intent.bank_account_id not in state.bank_accounts:
        raise errors.BankAccountNotFound(
            "No bank account with this id exists.", bank_account_id=str(intent.bank_account_id)
        )
    if len(set(intent.invoice_ids)) != len(intent.invoice_ids):
        raise errors.InvalidInput("An invoice is listed twice.")
    if intent.execution_date < today:
        raise errors.InvalidInput(
            f"execution_date {intent.execution_date.isoformat()} is in the past.",
            execution_date=intent.execution_date.isoformat(),
        )
    items = []
    for position, invoice_id in enumerate(intent.invoice_ids, start=1):
        invoice = _payable(lookups, invoice_id)
        vendor = state.parties[invoice.vendor_id]
        if vendor.details.iban is None:
            raise errors.VendorIbanMissing(
                f"{vendor.details.name} has no IBAN: add it before paying invoice "
                f"{invoice.invoice_number}.",
                invoice_id=str(invoice_id),
                vendor_id=str(invoice.vendor_id),
            )
        active = lookups.active_run_of_invoice.get(invoice_id)
        if active is not None:
            raise errors.InvoiceAlreadyInActiveRun(
                f"Invoice {invoice.invoice_number} is already in an active payment run.",
                invoice_id=str(invoice_id),
                run_id=str(active),
            )
        items.append(
            PaymentItem(
                item_id=_item_id(intent.run_id, position),
                invoice_id=invoice_id,
                vendor_id=invoice.vendor_id,
                vendor_name=vendor.details.name,
                vendor_iban=vendor.details.iban,
                vendor_bic=vendor.details.bic,
                vendor_address=vendor.details.address,
                amount_cents=invoice.remaining_cents,
                reference=invoice.invoice_number,
                end_to_end_id=end_to_end_id_of(intent.run_id, position),
            )
        )
    for item in items:
        lookups.active_run_of_invoice[item.invoice_id] = intent.run_id
    lookups.runs_by_id[intent.run_id] = KnownRun(
        run_id=intent.run_id,
        status="draft",
        version=1,
        item_amounts=tuple(item.amount_cents for item in items),
    )
    event = PaymentRunCreated(
        **stamp_of(intent, now),
        run_id=intent.run_id,
        bank_account_id=intent.bank_account_id,
        execution_date=intent.execution_date,
        label=intent.label,
        items=tuple(items),
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.run_id)))


def change_status(lookups: Lookups, intent: ChangePaymentRunStatus, now: datetime) -> Decision:
    run = lookups.runs_by_id.get(intent.run_id)
    if run is None:
        raise errors.NotFound("No payment run with this id exists.", id=str(intent.run_id))
    if run.status not in TRANSITIONS[intent.status]:
        raise errors.InvalidStateTransition(
            f"A {run.status} payment run cannot be {intent.status}"
            f" ({VERB[intent.status]} needs {' or '.join(sorted(TRANSITIONS[intent.status]))}).",
            status=run.status,
            requested=intent.status,
        )
    if intent.status == "approved" and not (run.item_amounts and all(run.item_amounts)):
        raise errors.InvalidInput(
            "A payment run needs at least one transfer, each above zero, to be approved."
        )
    run.status, run.version = intent.status, run.version + 1
    event = PaymentRunStatusChanged(
        **stamp_of(intent, now),
        run_id=intent.run_id,
        version=run.version,
        status=intent.status,
        message_id=message_id_of(intent.run_id) if intent.status == "exported" else None,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.run_id)))


def _payable(lookups: Lookups, invoice_id: UUID) -> PayableInvoice:
    invoice = lookups.payable_invoices.get(invoice_id)
    if invoice is None:
        raise errors.InvoiceNotFound(
            "No incoming invoice with this id exists.", invoice_id=str(invoice_id)
        )
    if invoice.invoice_type != "invoice" or not invoice.linked or invoice.remaining_cents <= 0:
        raise errors.InvalidInput(
            f"Invoice {invoice.invoice_number} is not open: only booked (linked) invoices with "
            "an amount left can be paid.",
            invoice_id=str(invoice_id),
        )
    if invoice.currency != "EUR":
        raise errors.InvalidInput(
            f"Invoice {invoice.invoice_number} is in {invoice.currency}; SEPA transfers are EUR.",
            invoice_id=str(invoice_id),
        )
    return invoice


def _item_id(run_id: UUID, position: int) -> UUID:
    return uuid.uuid5(run_id, f"item-{position}")
