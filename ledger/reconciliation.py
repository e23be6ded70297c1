"""Reconciling one bank transaction with one target intent (reference §3.2), and undoing it.

- `bank_booking`: the transaction is what an existing intent already booked on the bank's
  ledger account (same direction and amount): the two are linked, nothing is posted.
- `open_receivable` / `open_liability`: money in for a customer's, money out for a vendor's
  open item. A settlement intent books bank <-> `open_item_account` (the party's personal
  account) for the transaction's amount, and the invoices linked to the target intent are
  settled oldest first; a foreign-currency item is settled whole, with the realized FX
  difference (`ledger/settlement.py`).

A member of a match group is unmatched with its whole group (`ledger/match_groups.py`).

Unmatching reverses the settlement (a reversal intent, never an edit) and moves the
invoices' settled totals back. The rules are in docs/api.md ("Reconciliation").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final, Literal
from uuid import UUID

import msgspec

from ledger import errors, settlement
from ledger.events import BankTransactionReconciled, BankTransactionUnmatched, Settlement
from ledger.intents import (
    PostBooking,
    ReconcileBankTransaction,
    ReverseBooking,
    UnmatchBankTransaction,
    stamp_of,
)

if TYPE_CHECKING:
    from ledger.state import Lookups, TenantState

# A 1:1 FX settlement closes the whole item: a bank amount this far from its EUR value is a
# partial payment or the wrong item, not an exchange-rate difference.
FX_DIFFERENCE_PERCENT_MAX: Final = 10


class KnownReconciliation(msgspec.Struct, kw_only=True):
    """What a reconciled transaction is linked to, for unmatching it."""

    settlement_intent_id: UUID | None
    settlements: tuple[Settlement, ...]
    version: int  # the transaction stream's version of the reconciliation


@dataclass(frozen=True)
class Plan:
    booking: PostBooking | None
    settlements: tuple[Settlement, ...]
    mode: Literal["linked", "settled", "settled_fx"]


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
        linked_to = lookups.linked_intents.get(intent.intent_id)
        if linked_to is not None:
            raise errors.TargetAlreadyLinked(
                "This booking already accounts for another bank transaction; unmatch that "
                "one first.",
                intent_id=str(intent.intent_id),
                bank_transaction_id=str(linked_to),
            )
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
                f"The intent books {settlement.euros(booked)} on the bank account, the transaction "
                f"is {settlement.euros(tx.amount_cents)}.",
                intent_id=str(intent.intent_id),
            )
        return Plan(booking=None, settlements=(), mode="linked")
    return _plan_settlement(state, lookups, intent, tx, bank_account.account_number)


def _plan_settlement(
    state: TenantState, lookups: Lookups, intent: ReconcileBankTransaction, tx, bank: str
) -> Plan:
    """Same currency: the transaction's amount settles that much of the item. Foreign
    currency: the whole open document amount is settled (reference §1.8) and the difference
    between the bank's EUR and the EUR the item was carried at is the realized FX gain or
    loss; a partial FX payment goes through a match group."""
    assert intent.candidate_kind != "bank_booking"
    sign = 1 if tx.amount_cents > 0 else -1
    settlement.require_direction(intent.candidate_kind, sign, tx.amount_cents)
    item = settlement.open_item(
        state, lookups, intent.intent_id, intent.candidate_kind, intent.open_item_account
    )
    amount = abs(tx.amount_cents)
    cleared = settlement.clear(item, item.open_cents if item.foreign else amount)
    difference = settlement.fx_difference_cents(cleared, amount)
    if abs(difference) * 100 > cleared.eur_cents * FX_DIFFERENCE_PERCENT_MAX:
        raise errors.FxDifferenceTooLarge(
            f"The transaction ({settlement.euros(amount)} EUR) would close "
            f"{settlement.euros(item.open_cents)} {item.currency} carried at "
            f"{settlement.euros(cleared.eur_cents)} EUR: a difference of more than "
            f"{FX_DIFFERENCE_PERCENT_MAX} %. Settle a partial payment in a match group with "
            "settled_document_amount.",
            amount=settlement.euros(amount),
            eur_value=settlement.euros(cleared.eur_cents),
        )
    lines = [
        settlement.bank_line(bank, tx.amount_cents),
        settlement.open_item_line(cleared),
        settlement.fx_line(state, difference),
    ]
    booking = PostBooking(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel="bank_reconciliation",
        intent_id=intent.settlement_intent_id,
        booking_date=tx.tx_date,
        description=f"Ausgleich {tx.reference or ''}".strip()[:1000],
        lines=tuple(line for line in lines if line is not None),
        skip_duplicate_check=True,
    )
    return Plan(
        booking=booking,
        settlements=cleared.settlements,
        mode="settled_fx" if difference else "settled",
    )


def reconciled(
    intent: ReconcileBankTransaction, plan: Plan, lookups: Lookups, now: datetime
) -> BankTransactionReconciled:
    tx = lookups.bank_txs[intent.tx_id]
    tx.status, tx.version = "reconciled", tx.version + 1
    settlement.commit(lookups, plan.settlements)
    if plan.booking is None:
        lookups.linked_intents[intent.intent_id] = intent.tx_id
    settlement_intent_id = None if plan.booking is None else plan.booking.intent_id
    lookups.reconciliations[intent.tx_id] = KnownReconciliation(
        settlement_intent_id=settlement_intent_id, settlements=plan.settlements, version=tx.version
    )
    return BankTransactionReconciled(
        **stamp_of(intent, now),
        tx_id=intent.tx_id,
        version=tx.version,
        mode=plan.mode,
        intent_id=intent.intent_id,
        settlement_intent_id=settlement_intent_id,
        candidate_kind=intent.candidate_kind,
        settlements=plan.settlements,
    )


def group_of(lookups: Lookups, intent: UnmatchBankTransaction) -> UUID | None:
    """The match group the transaction is reconciled in, if it is."""
    tx = lookups.bank_txs.get(intent.tx_id)
    return None if tx is None else tx.match_group_id


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
    for target, linked_tx in list(lookups.linked_intents.items()):
        if linked_tx == intent.tx_id:
            del lookups.linked_intents[target]
    settlements = settlement.revert(lookups, known.settlements if known else ())
    return BankTransactionUnmatched(
        **stamp_of(intent, now),
        tx_id=intent.tx_id,
        version=tx.version,
        undoes_version=known.version if known else 0,
        reversal_intent_id=intent.reversal_intent_id if reversed_ else None,
        settlements=settlements,
    )
