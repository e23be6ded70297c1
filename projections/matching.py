"""Ranking what a bank transaction may be: open invoices and bank bookings, scored from the
amount, the reference text (invoice numbers, end-to-end ids), the counterparty's IBAN and
name, and the dates (docs/api.md, "Suggestions"). Pure: candidates in, ranked suggestions out.

Each transaction is scored only against the candidates an index finds for it (same amount,
an invoice number or end-to-end id in its text, the same IBAN), so the work grows with the
number of transactions, not with transactions x candidates.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final
from uuid import UUID

SUGGESTIONS_PER_TRANSACTION: Final = 3
SCORE_MIN: Final = 20
_TOKEN = re.compile(r"[A-Z0-9]+")


@dataclass(frozen=True)
class Candidate:
    intent_id: UUID
    kind: str  # open_receivable | open_liability | bank_booking
    open_item_account: str | None
    amount_cents: int  # signed as the bank sees it: > 0 money in
    description: str
    day: date
    due: date | None = None
    invoice_number: str | None = None
    party_name: str | None = None
    party_iban: str | None = None
    end_to_end_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transaction:
    tx_id: UUID
    amount_cents: int
    day: date
    reference: str | None
    counterparty_name: str | None
    counterparty_iban: str | None
    end_to_end_id: str | None


@dataclass(frozen=True)
class Suggestion:
    tx_id: UUID
    candidate: Candidate
    score: int
    reasons: tuple[str, ...]


def _compact(text: str | None) -> str:
    return "".join(_TOKEN.findall((text or "").upper()))


def _tokens(text: str | None) -> set[str]:
    return set(_TOKEN.findall((text or "").upper()))


class CandidateIndex:
    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.by_amount: dict[int, list[Candidate]] = defaultdict(list)
        self.by_iban: dict[str, list[Candidate]] = defaultdict(list)
        self.by_number: dict[str, list[Candidate]] = defaultdict(list)
        self.by_e2e: dict[str, list[Candidate]] = defaultdict(list)
        for candidate in candidates:
            self.by_amount[candidate.amount_cents].append(candidate)
            if candidate.party_iban:
                self.by_iban[candidate.party_iban].append(candidate)
            number = _compact(candidate.invoice_number)
            if len(number) >= 3:
                self.by_number[number].append(candidate)
            for e2e in candidate.end_to_end_ids:
                self.by_e2e[e2e].append(candidate)

    def near(self, tx: Transaction) -> list[Candidate]:
        found: dict[tuple[UUID, str], Candidate] = {}
        pools = [self.by_amount.get(tx.amount_cents, [])]
        if tx.counterparty_iban:
            pools.append(self.by_iban.get(tx.counterparty_iban, []))
        if tx.end_to_end_id:
            pools.append(self.by_e2e.get(tx.end_to_end_id, []))
        text = _compact(tx.reference)
        for token in _tokens(tx.reference) | {text}:
            pools.append(self.by_number.get(token, []))
        # An invoice number split by spaces or dashes in the text ("RE 2026 001").
        for number, candidates in self.by_number.items():
            if len(number) >= 5 and number in text:
                pools.append(candidates)
        for pool in pools:
            for candidate in pool:
                found[(candidate.intent_id, candidate.kind)] = candidate
        return list(found.values())


def score(tx: Transaction, candidate: Candidate) -> tuple[int, tuple[str, ...]]:
    """0-100 and the reasons, in the order they weigh."""
    if (tx.amount_cents > 0) != (candidate.amount_cents > 0):
        return 0, ()
    points, reasons = 0, []
    if tx.end_to_end_id and tx.end_to_end_id in candidate.end_to_end_ids:
        points += 45
        reasons.append("end_to_end_id")
    number = _compact(candidate.invoice_number)
    if len(number) >= 3 and number in _compact(tx.reference):
        points += 40
        reasons.append("invoice_number_in_reference")
    if tx.amount_cents == candidate.amount_cents:
        points += 35
        reasons.append("amount_exact")
    elif abs(tx.amount_cents) < abs(candidate.amount_cents):
        points += 5
        reasons.append("amount_partial")
    if tx.counterparty_iban and tx.counterparty_iban == candidate.party_iban:
        points += 20
        reasons.append("iban")
    name_tokens = _tokens(candidate.party_name) - {"GMBH", "AG", "KG", "UG", "SE", "OHG", "CO"}
    seen = _tokens(tx.counterparty_name) | _tokens(tx.reference)
    if name_tokens and len(name_tokens & seen) * 2 >= len(name_tokens):
        points += 10
        reasons.append("name")
    days = (tx.day - candidate.day).days
    if 0 <= days <= 60 or (candidate.due and abs((tx.day - candidate.due).days) <= 14):
        points += 5
        reasons.append("date_near")
    elif days < -7:
        points -= 10  # paid well before it was booked: unlikely
    return max(0, min(points, 100)), tuple(reasons)


def suggest(
    transactions: Iterable[Transaction], candidates: Iterable[Candidate]
) -> list[Suggestion]:
    index = CandidateIndex(candidates)
    suggestions: list[Suggestion] = []
    for tx in transactions:
        ranked = sorted(
            (
                Suggestion(tx.tx_id, candidate, points, reasons)
                for candidate in index.near(tx)
                for points, reasons in [score(tx, candidate)]
                if points >= SCORE_MIN
            ),
            key=lambda s: (-s.score, s.candidate.day, str(s.candidate.intent_id)),
        )
        suggestions.extend(ranked[:SUGGESTIONS_PER_TRANSACTION])
    return suggestions
