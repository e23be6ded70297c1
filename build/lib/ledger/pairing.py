"""Pairing: expanded lines -> stored debit/credit account pairs (`event_count`).

The rule (docs/api.md, "Pairing"), deterministic for any split:
1. Self-assessment tax pairs from `ledger/tax.py` are already pairs.
2. The other lines are split into a debit queue and a credit queue, each in input order
   (a tax line directly follows the line it came from). Repeatedly take the head of both
   queues, store a pair for the smaller of the two remaining amounts, and drop the head that
   is used up. This yields at most D + C - 1 pairs for D debit and C credit lines.
   When both heads are the same account, the first later credit (else debit) of another
   account moves up to the head. When none is left, the amount is a movement of the account
   against itself, which changes nothing, and is not stored. A booking of nothing but such
   movements is refused (`SelfPairingError`).
3. Stored order: the greedy pairs in the order produced, then the tax pairs in input order.

Example: 6815 debit 119.00 (VSt19), 1800 credit 119.00 -> (6815 / 1800 100.00),
(1406 / 1800 19.00): two pairs.
"""

from __future__ import annotations

import msgspec

from ledger.tax import SidedLine, TaxPair


class Pair(msgspec.Struct, frozen=True, kw_only=True):
    account_debit: str
    account_credit: str
    amount_cents: int
    tax_code: str | None = None


class SelfPairingError(ValueError):
    """Every movement of the booking is an account against itself: it moves nothing."""

    def __init__(self, account_number: str) -> None:
        super().__init__(account_number)
        self.account_number = account_number


def pair_lines(lines: list[SidedLine], tax_pairs: list[TaxPair]) -> tuple[Pair, ...]:
    debits = [[line, line.amount_cents] for line in lines if line.side == "debit"]
    credits = [[line, line.amount_cents] for line in lines if line.side == "credit"]
    assert sum(rest for _, rest in debits) == sum(rest for _, rest in credits)
    pairs: list[Pair] = []
    debit_index = credit_index = 0
    self_moved: str | None = None
    while debit_index < len(debits) and credit_index < len(credits):
        if debits[debit_index][0].account_number == credits[credit_index][0].account_number:
            _bring_other_account_forward(debits, debit_index, credits, credit_index)
        debit, debit_rest = debits[debit_index]
        credit, credit_rest = credits[credit_index]
        amount = min(debit_rest, credit_rest)
        if debit.account_number == credit.account_number:
            self_moved = self_moved or debit.account_number
        else:
            pairs.append(
                Pair(
                    account_debit=debit.account_number,
                    account_credit=credit.account_number,
                    amount_cents=amount,
                    tax_code=debit.tax_code or credit.tax_code,
                )
            )
        debits[debit_index][1] -= amount
        credits[credit_index][1] -= amount
        if debits[debit_index][1] == 0:
            debit_index += 1
        if credits[credit_index][1] == 0:
            credit_index += 1
    assert debit_index == len(debits)
    assert credit_index == len(credits)
    if not pairs and not tax_pairs:
        assert self_moved is not None
        raise SelfPairingError(self_moved)
    pairs.extend(
        Pair(
            account_debit=pair.account_debit,
            account_credit=pair.account_credit,
            amount_cents=pair.amount_cents,
            tax_code=pair.tax_code,
        )
        for pair in tax_pairs
    )
    return tuple(pairs)


def _bring_other_account_forward(
    debits: list[list], debit_index: int, credits: list[list], credit_index: int
) -> None:
    """Both heads book one account: move the next line of another account up to the head."""
    account = debits[debit_index][0].account_number
    for queue, head in ((credits, credit_index), (debits, debit_index)):
        for index in range(head + 1, len(queue)):
            if queue[index][0].account_number != account:
                queue.insert(head, queue.pop(index))
                return
