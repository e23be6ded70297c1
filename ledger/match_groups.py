"""Match groups (reference §3.2): n bank transactions settle m open items in one settlement
intent, with adjustments for fees, cash discount (Skonto), write-offs and rounding; and
undoing a group as a whole.

The settlement intent books each transaction on the bank's ledger account, each open item's
cleared EUR value on its account, the realized FX difference of foreign-currency items, and
the adjustments. Two sums must hold, else `GROUP_NOT_BALANCED`: the allocations distribute
exactly the transactions' money, and what is left between bank money and cleared EUR value
of same-currency items is covered by the adjustments. The rules are in docs/api.md
("Match groups").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from ledger import errors, settlement
from ledger.events import (
    BankMatchGroupCreated,
    BankMatchGroupUnmatched,
    GroupAdjustment,
    GroupAllocation,
    Settlement,
)
from ledger.intents import (
    BookingLine,
    CreateMatchGroup,
    GroupAllocationSpec,
    PostBooking,
    ReverseBooking,
    UnmatchMatchGroup,
    stamp_of,
)

if TYPE_CHECKING:
    from ledger.bank_import import KnownBankTx
    from ledger.state import Lookups, TenantState


class KnownMatchGroup(msgspec.Struct, kw_only=True):
    """A match group as unmatching it needs it."""

    group_id: UUID
    active: bool
    settlement_intent_id: UUID
    tx_ids: tuple[UUID, ...]
    settlements: tuple[Settlement, ...]


@dataclass(frozen=True)
class GroupPlan:
    booking: PostBooking
    event: BankMatchGroupCreated


def plan(
    state: TenantState, lookups: Lookups, intent: CreateMatchGroup, now: datetime
) -> GroupPlan:
    txs = _open_transactions(lookups, intent.tx_ids)
    bank_account = state.bank_accounts[txs[0].bank_account_id]
    money_sign = 1 if txs[0].amount_cents > 0 else -1
    bank_total = sum(abs(tx.amount_cents) for tx in txs)
    allocations = [_allocation(state, lookups, spec, money_sign) for spec in intent.allocations]
    targets = Counter((a.item.intent_id, a.item.account) for a, _ in allocations)
    repeated = [target for target, count in targets.items() if count > 1]
    if repeated:
        raise errors.InvalidInput(
            "Each open item (intent and account) may be allocated once per group.",
            intent_id=str(repeated[0][0]),
        )
    currencies = sorted({cleared.item.currency for cleared, _ in allocations})
    if len(currencies) > 1:
        raise errors.MixedSettlementCurrency(
            f"The group mixes open items in {' and '.join(currencies)}; settle each currency "
            "in a group of its own.",
            currencies=currencies,
        )
    allocated = sum(bank_cents for _, bank_cents in allocations)
    if allocated != bank_total:
        raise errors.GroupNotBalanced(
            f"The allocations distribute {settlement.euros(allocated)} EUR, the transactions "
            f"bring {settlement.euros(bank_total)} EUR.",
            allocated_bank_amount=settlement.euros(allocated),
            transactions_amount=settlement.euros(bank_total),
        )
    adjustments = [_adjustment_line(state, spec) for spec in intent.adjustments]
    recorded = [
        GroupAllocation(
            intent_id=cleared.item.intent_id,
            candidate_kind=cleared.item.kind,
            open_item_account=cleared.item.account,
            currency=cleared.item.currency,
            allocated_bank_cents=bank_cents,
            settled_document_cents=cleared.document_cents,
            cleared_eur_cents=cleared.eur_cents,
            fx_difference_cents=settlement.fx_difference_cents(cleared, bank_cents),
        )
        for cleared, bank_cents in allocations
    ]
    lines = [settlement.bank_line(bank_account.account_number, tx.amount_cents) for tx in txs]
    for (cleared, _), allocation in zip(allocations, recorded, strict=True):
        lines.append(settlement.open_item_line(cleared))
        lines.append(settlement.fx_line(state, allocation.fx_difference_cents))
    lines.extend(adjustments)
    posted = [line for line in lines if line is not None]
    _require_balanced(posted)
    day = max(tx.tx_date for tx in txs)
    booking = PostBooking(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel="bank_reconciliation",
        intent_id=intent.settlement_intent_id,
        booking_date=day,
        description=_description(txs),
        lines=tuple(posted),
        skip_duplicate_check=True,
    )
    event = BankMatchGroupCreated(
        **stamp_of(intent, now),
        group_id=intent.group_id,
        bank_account_id=txs[0].bank_account_id,
        tx_ids=intent.tx_ids,
        mode="settled_fx" if any(a.fx_difference_cents for a in recorded) else "settled",
        settlement_intent_id=intent.settlement_intent_id,
        allocations=tuple(recorded),
        adjustments=tuple(
            GroupAdjustment(
                account_number=spec.account_number,
                side=spec.side,
                amount_cents=spec.amount_cents,
                tax_code=spec.tax_code,
                description=spec.description,
            )
            for spec in intent.adjustments
        ),
        settlements=tuple(s for cleared, _ in allocations for s in cleared.settlements),
    )
    return GroupPlan(booking=booking, event=event)


def created(lookups: Lookups, event: BankMatchGroupCreated) -> None:
    """The batch's later intents see the group, its transactions reconciled and its invoices
    settled."""
    settlement.commit(lookups, event.settlements)
    for tx_id in event.tx_ids:
        tx = lookups.bank_txs[tx_id]
        tx.status, tx.match_group_id = "reconciled", event.group_id
    lookups.match_groups[event.group_id] = KnownMatchGroup(
        group_id=event.group_id,
        active=True,
        settlement_intent_id=event.settlement_intent_id,
        tx_ids=event.tx_ids,
        settlements=event.settlements,
    )


def _open_transactions(lookups: Lookups, tx_ids: tuple[UUID, ...]) -> list[KnownBankTx]:
    if len(set(tx_ids)) != len(tx_ids):
        raise errors.InvalidInput("A transaction may appear once in bank_transaction_ids.")
    txs = []
    for tx_id in tx_ids:
        tx = lookups.bank_txs.get(tx_id)
        if tx is None:
            raise errors.NotFound("No bank transaction with this id exists.", id=str(tx_id))
        if tx.status != "unreconciled":
            raise errors.TxAlreadyHandled(
                f"The transaction is already {tx.status}; unmatch it first.", id=str(tx_id)
            )
        if tx.currency != "EUR":
            raise errors.UnsupportedSettlementCurrency(
                f"The transaction is in {tx.currency}; match groups settle EUR transactions.",
                currency=tx.currency,
                id=str(tx_id),
            )
        if tx.amount_cents == 0:
            raise errors.InvalidInput(
                "A transaction of 0.00 settles nothing; dismiss it instead.", id=str(tx_id)
            )
        txs.append(tx)
    if len({tx.bank_account_id for tx in txs}) > 1:
        raise errors.BankTxMixedBankAccounts(
            "The transactions of a group must come from one bank account."
        )
    if len({tx.amount_cents > 0 for tx in txs}) > 1:
        raise errors.DirectionMismatch(
            "The transactions of a group must all bring money in or all take money out."
        )
    return txs


def _allocation(
    state: TenantState, lookups: Lookups, spec: GroupAllocationSpec, money_sign: int
) -> tuple[settlement.Cleared, int]:
    if spec.candidate_kind == "bank_booking":
        raise errors.TargetKindUnsupported(
            "A match group settles open items (open_receivable, open_liability); link a bank "
            "booking with POST /v1/bank-transactions/{id}/reconcile.",
            intent_id=str(spec.intent_id),
        )
    settlement.require_direction(
        spec.candidate_kind, money_sign, money_sign * spec.allocated_bank_cents
    )
    item = settlement.open_item(
        state, lookups, spec.intent_id, spec.candidate_kind, spec.open_item_account
    )
    document = spec.settled_document_cents
    if document is None:
        if item.foreign:
            raise errors.SettledDocumentAmountRequired(
                f"The open item is in {item.currency}: give settled_document_amount, the "
                f"{item.currency} amount this payment settles.",
                intent_id=str(spec.intent_id),
                currency=item.currency,
            )
        document = spec.allocated_bank_cents
    return settlement.clear(item, document), spec.allocated_bank_cents


def _adjustment_line(state: TenantState, spec) -> BookingLine:
    if spec.account_number not in state.accounts:
        raise errors.AdjustmentAccountNotFound(
            f"Adjustment account {spec.account_number} does not exist.",
            account_number=spec.account_number,
        )
    return BookingLine(
        account_number=spec.account_number,
        side=spec.side,
        amount_cents=spec.amount_cents,
        tax_code=spec.tax_code,
    )


def _require_balanced(lines: list[BookingLine]) -> None:
    left = sum(line.amount_cents * (1 if line.side == "debit" else -1) for line in lines)
    if left:
        side = "credit" if left > 0 else "debit"
        raise errors.GroupNotBalanced(
            f"Bank money and the cleared open items differ by {settlement.euros(abs(left))} "
            f"EUR: add an adjustment ({side} {settlement.euros(abs(left))}), e.g. a fee, "
            "Skonto or write-off, or change the amounts.",
            difference=settlement.euros(left),
            missing_side=side,
        )


def _description(txs: list[KnownBankTx]) -> str:
    references = "; ".join(tx.reference for tx in txs if tx.reference)
    return f"Sammelausgleich {references}".strip()[:1000]


# --- unmatching --------------------------------------------------------------------------


def plan_unmatch(lookups: Lookups, intent: UnmatchMatchGroup) -> ReverseBooking:
    group = lookups.match_groups.get(intent.group_id)
    if group is None:
        raise errors.NotFound("No match group with this id exists.", id=str(intent.group_id))
    if not group.active:
        raise errors.AlreadyReversed(
            "The match group was already unmatched.", id=str(intent.group_id)
        )
    return ReverseBooking(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel="bank_reconciliation",
        intent_id=intent.reversal_intent_id,
        original_intent_id=group.settlement_intent_id,
        reason="Sammelausgleich aufgehoben",
        posting_mode="original_period",
    )


def unmatched(
    intent: UnmatchMatchGroup, lookups: Lookups, now: datetime
) -> BankMatchGroupUnmatched:
    group = lookups.match_groups[intent.group_id]
    group.active = False
    for tx_id in group.tx_ids:
        tx = lookups.bank_txs.get(tx_id)
        if tx is not None:
            tx.status, tx.match_group_id = "unreconciled", None
    settlements = settlement.revert(lookups, group.settlements)
    return BankMatchGroupUnmatched(
        **stamp_of(intent, now),
        group_id=intent.group_id,
        reversal_intent_id=intent.reversal_intent_id,
        tx_ids=group.tx_ids,
        settlements=settlements,
    )
