"""Reconciling one bank transaction with one target intent (reference §3.2), and undoing it.

- `bank_booking`: the transaction is what an existing intent already booked on the bank's
  ledger account (same direction and amount): the two are linked, nothing is posted.
- `open_receivable` / `open_liability`: money in for a customer's, money out for a vendor's
  open item. A settlement intent books bank <-> `open_item_account` (the party's personal
  account) for the transaction's amount, and the invoices linked to the target intent are
  settled oldest first.

Unmatching reverses the settlement (a reversal intent, never an edit) and moves the
invoices' settled totals back. The rules are in docs/api.md ("Reconciliation").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Final
from uuid import UUID

import msgspec

from ledger import errors
from ledger.events import BankTransactionReconciled, BankTransactionUnmatched, Settlement
from ledger.intents import (
    BookingLine,
    PostBooking,
    ReconcileBankTransaction,
    ReverseBooking,
    UnmatchBankTransaction,
    stamp_of,
)

if TYPE_CHECKING:
    from ledger.state import Lookups, TenantState

OPEN_ITEM_DIRECTION: Final = {"open_receivable": 1, "open_liability": -1}  # sign of the money
INVOICE_DIRECTION: Final = {"open_receivable": "outgoing", "open_liability": "incoming"}


class OpenInvoice(msgspec.Struct, kw_only=True):
    """An invoice linked to an intent, as settling it needs it."""

    invoice_id: UUID
    direction: str
    invoice_type: str
    currency: str
    invoice_date: date
    total_gross_cents: int
    settled_cents: int
    party_account: str


class KnownReconciliation(msgspec.Struct, kw_only=True):
    """What a reconciled transaction is linked to, for unmatching it."""

    settlement_intent_id: UUID | None
    settlements: tuple[Settlement, ...]
    version: int  # the transaction stream's version of the reconciliation


@dataclass(frozen=True)
class Plan:
    booking: PostBooking | None
    settlements: tuple[Settlement, ...]


def plan_reconcile(state: TenantState, lookups: Lookups, intent: ReconcileBankTransaction) -> Plan:
    tx = lookups.bank_txs.get(intent.tx_id)
    if tx is None:
        raise errors.NotFound("No bank transaction with this id exists.", id=str(intent.tx_id))
    if tx.status != "unreconciled":
        raise errors.TxAlreadyHandled(
            f"The transaction is already {tx.status}; unmatch it first.", id=str(intent.tx_id)
        )
    target = lookups.by_intent_id.get(intent.intent_id)
    if target is None:
        raise errors.TargetNotFound(
            "No booking with this intent_id exists in this tenant.",
            intent_id=str(intent.intent_id),
        )
    bank_account = state.bank_accounts[tx.bank_account_id]
    if tx.currency != "EUR":
        raise errors.UnsupportedSettlementCurrency(
            f"The transaction is in {tx.currency}; reconciliation settles EUR transactions.",
            currency=tx.currency,
        )
    if intent.candidate_kind == "bank_booking":
        booked = sum(
            line.amount_cents
            * (
                (line.account_debit == bank_account.account_number)
                - (line.account_credit == bank_account.account_number)
            )
            for line in target.lines
        )
        if booked == 0:
            raise errors.InvalidInput(
                f"The intent books nothing on the bank's account {bank_account.account_number}.",
                intent_id=str(intent.intent_id),
            )
        if (booked > 0) != (tx.amount_cents > 0):
            raise errors.DirectionMismatch(
                "The intent books money the other way than the transaction moves it.",
                intent_id=str(intent.intent_id),
            )
        if booked != tx.amount_cents:
            raise errors.InvalidInput(
                f"The intent books {_euros(booked)} on the bank account, the transaction "
                f"is {_euros(tx.amount_cents)}.",
                intent_id=str(intent.intent_id),
            )
        return Plan(booking=None, settlements=())
    return _plan_settlement(state, lookups, intent, tx, bank_account.account_number)


def _plan_settlement(
    state: TenantState, lookups: Lookups, intent: ReconcileBankTransaction, tx, bank: str
) -> Plan:
    sign = OPEN_ITEM_DIRECTION[intent.candidate_kind]
    if tx.amount_cents * sign <= 0:
        raise errors.DirectionMismatch(
            f"{intent.candidate_kind} settles money "
            f"{'coming in' if sign > 0 else 'going out'}; this transaction is "
            f"{_euros(tx.amount_cents)}.",
            amount=_euros(tx.amount_cents),
        )
    account = intent.open_item_account
    if account is None:
        raise errors.InvalidInput(
            "open_item_account is required for open_receivable and open_liability.",
            field="open_item_account",
        )
    if account not in state.accounts:
        raise errors.AccountNotFound(f"Account {account} does not exist.", account_number=account)
    invoices = [
        invoice
        for invoice in lookups.invoices_of_intent.get(intent.intent_id, [])
        if invoice.direction == INVOICE_DIRECTION[intent.candidate_kind]
        and invoice.invoice_type == "invoice"
        and invoice.party_account == account
    ]
    if not invoices:
        raise errors.TargetNotFound(
            f"No open invoice on account {account} is linked to this intent.",
            intent_id=str(intent.intent_id),
        )
    foreign = sorted({i.currency for i in invoices if i.currency != "EUR"})
    if foreign:
        raise errors.UnsupportedSettlementCurrency(
            f"The open item is in {foreign[0]}; foreign-currency settlement is not supported "
            "by this endpoint yet.",
            currency=foreign[0],
        )
    amount = abs(tx.amount_cents)
    open_cents = sum(i.total_gross_cents - i.settled_cents for i in invoices)
    if amount > open_cents:
        raise errors.SettlementExceedsOpenAmount(
            f"The transaction settles {_euros(amount)}, but only {_euros(open_cents)} is open.",
            open_amount=_euros(open_cents),
            amount=_euros(amount),
        )
    settlements, left = [], amount
    for invoice in sorted(invoices, key=lambda i: (i.invoice_date, str(i.invoice_id))):
        applied = min(left, invoice.total_gross_cents - invoice.settled_cents)
        if applied <= 0:
            continue
        left -= applied
        invoice.settled_cents += applied  # later intents of the batch see it
        settlements.append(
            Settlement(
                invoice_id=invoice.invoice_id,
                applied_cents=applied,
                settled_cents=invoice.settled_cents,
            )
        )
    debit, credit = (bank, account) if sign > 0 else (account, bank)
    booking = PostBooking(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel="bank_reconciliation",
        intent_id=intent.settlement_intent_id,
        booking_date=tx.tx_date,
        description=f"Ausgleich {tx.reference or ''}".strip()[:1000],
        lines=(
            BookingLine(account_number=debit, side="debit", amount_cents=amount),
            BookingLine(account_number=credit, side="credit", amount_cents=amount),
        ),
        skip_duplicate_check=True,
    )
    return Plan(booking=booking, settlements=tuple(settlements))


def reconciled(
    intent: ReconcileBankTransaction, plan: Plan, lookups: Lookups, now: datetime
) -> BankTransactionReconciled:
    tx = lookups.bank_txs[intent.tx_id]
    tx.status, tx.version = "reconciled", tx.version + 1
    settlement = None if plan.booking is None else plan.booking.intent_id
    lookups.reconciliations[intent.tx_id] = KnownReconciliation(
        settlement_intent_id=settlement, settlements=plan.settlements, version=tx.version
    )
    return BankTransactionReconciled(
        **stamp_of(intent, now),
        tx_id=intent.tx_id,
        version=tx.version,
        mode="linked" if plan.booking is None else "settled",
        intent_id=intent.intent_id,
        settlement_intent_id=settlement,
        candidate_kind=intent.candidate_kind,
        settlements=plan.settlements,
    )


def plan_unmatch(lookups: Lookups, intent: UnmatchBankTransaction) -> ReverseBooking | None:
    """The reversal of the settlement to post first, if the transaction had one."""
    tx = lookups.bank_txs.get(intent.tx_id)
    if tx is None:
        raise errors.NotFound("No bank transaction with this id exists.", id=str(intent.tx_id))
    if tx.status == "unreconciled":
        raise errors.InvalidInput("The transaction is not reconciled.", id=str(intent.tx_id))
    known = lookups.reconciliations.get(intent.tx_id)
    if known is None or known.settlement_intent_id is None:
        return None
    return ReverseBooking(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel="bank_reconciliation",
        intent_id=intent.reversal_intent_id,
        original_intent_id=known.settlement_intent_id,
        reason="Bankabgleich aufgehoben",
        posting_mode="original_period",
    )


def unmatched(
    intent: UnmatchBankTransaction, lookups: Lookups, reversed_: bool, now: datetime
) -> BankTransactionUnmatched:
    tx = lookups.bank_txs[intent.tx_id]
    tx.status, tx.version = "unreconciled", tx.version + 1
    known = lookups.reconciliations.pop(intent.tx_id, None)
    settlements = []
    for applied in known.settlements if known else ():
        invoice = lookups.open_invoices[applied.invoice_id]
        invoice.settled_cents -= applied.applied_cents
        settlements.append(
            Settlement(
                invoice_id=applied.invoice_id,
                applied_cents=-applied.applied_cents,
                settled_cents=invoice.settled_cents,
            )
        )
    return BankTransactionUnmatched(
        **stamp_of(intent, now),
        tx_id=intent.tx_id,
        version=tx.version,
        undoes_version=known.version if known else 0,
        reversal_intent_id=intent.reversal_intent_id if reversed_ else None,
        settlements=tuple(settlements),
    )


def _euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
