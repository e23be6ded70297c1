"""How often the first (and any of the first three) suggestions name the right open item.

A seeded test set of open invoices and the bank lines that pay them, the way payers write
them: the invoice number with other separators, in lower case, inside other words, or left
out (then the customer's name, their IBAN or the exact amount must do); partial payments;
one transfer for two invoices (either is right); and lines that pay nothing open. Used by
`make bench` (the table in RESULTS.md) and by tests/unit/test_matching_quality.py as a floor.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from projections.matching import Candidate, Transaction, suggest

COMPANIES = (
    "Müller Bau GmbH",
    "Schmidt & Partner",
    "Weber Elektro KG",
    "Fischer Logistik AG",
    "Becker Software UG",
    "Hoffmann Druck",
    "Schäfer Consulting",
    "Koch Gastro GmbH",
    "Richter Immobilien",
    "Klein Werkzeuge",
    "Wolf Medien",
    "Neumann Transporte",
    "Schwarz Optik",
    "Zimmermann Holz",
    "Braun Textil",
    "Krüger Metall",
    "Hartmann Pharma",
    "Lange Kaffee",
    "Schmitt Garten",
    "Werner Reisen",
)


@dataclass(frozen=True)
class Case:
    transaction: Transaction
    right: frozenset  # intent ids any of which is a right answer; empty: nothing should match


def labelled_set(seed: int = 20261122, lines: int = 240) -> tuple[list[Candidate], list[Case]]:
    rng = random.Random(seed)
    parties = [(name, f"DE{rng.randrange(10**20):020d}") for name in COMPANIES]
    candidates: list[Candidate] = []
    start = date(2026, 1, 1)
    for serial in range(1, lines + 61):
        name, iban = rng.choice(parties)
        day = start + timedelta(days=rng.randrange(200))
        candidates.append(
            Candidate(
                intent_id=uuid.UUID(int=rng.getrandbits(128)),
                kind="open_receivable",
                open_item_account="10000",
                amount_cents=rng.choice((11_900, 5_950, 23_800))
                if serial % 9 == 0
                else rng.randrange(1_000, 500_000),
                description=f"RE-2026-{serial:04d} {name}",
                day=day,
                due=day + timedelta(days=14),
                invoice_number=f"RE-2026-{serial:04d}",
                party_name=name,
                party_iban=iban,
            )
        )
    cases = [_case(rng, candidates, parties) for _ in range(lines)]
    return candidates, cases


def _case(rng: random.Random, candidates: list[Candidate], parties) -> Case:
    style = rng.random()
    target = rng.choice(candidates)
    number = target.invoice_number or ""
    digits = number.split("-")[-1]
    paid = target.amount_cents
    iban = None
    reference: str | None
    right = frozenset({target.intent_id})
    if style < 0.35:
        reference = rng.choice(
            (
                f"Rechnung {number}",
                f"RE {number.replace('-', ' ')}",
                f"{number.lower()} danke",
                f"Rg.Nr. {number.replace('-', '/')}",
                f"Zahlung zu {number} vom {target.day:%d.%m.}",
            )
        )
    elif style < 0.50:  # partial payment with the number
        paid = max(100, paid // rng.choice((2, 3, 4)))
        reference = f"Teilzahlung {number}"
    elif style < 0.62:  # two invoices of one customer in one transfer
        second = rng.choice([c for c in candidates if c.party_name == target.party_name])
        if second is target:
            reference = f"Rechnung {number}"
        else:
            paid = target.amount_cents + second.amount_cents
            reference = f"{number} und {second.invoice_number}"
            right = frozenset({target.intent_id, second.intent_id})
    elif style < 0.80:  # no number: the name and the exact amount
        reference = f"{target.party_name} Kd-Nr {rng.randrange(1000, 9999)}"
    elif style < 0.92:  # only the IBAN and the exact amount
        reference = rng.choice((None, "SEPA-Überweisung", f"Ref {rng.randrange(10**6)}"))
        iban = target.party_iban
    else:  # pays nothing open
        reference = f"Erstattung {rng.randrange(10**5)}"
        paid = rng.randrange(10, 999)
        right = frozenset()
    if reference is not None and rng.random() < 0.2:
        reference = reference.replace(digits, digits.lstrip("0"), 1)  # "RE-2026-42"
    transaction = Transaction(
        tx_id=uuid.UUID(int=rng.getrandbits(128)),
        amount_cents=paid,
        day=target.day + timedelta(days=rng.randrange(0, 30)),
        reference=reference,
        counterparty_name=target.party_name if rng.random() < 0.7 else None,
        counterparty_iban=iban,
        end_to_end_id=None,
    )
    return Case(transaction, right)


def accuracy(candidates: list[Candidate], cases: list[Case]) -> tuple[float, float]:
    """(top-1, top-3): a case with no right answer counts as right when nothing is suggested."""
    ranked: dict = {}
    for suggestion in suggest([c.transaction for c in cases], candidates):
        ranked.setdefault(suggestion.tx_id, []).append(suggestion.candidate.intent_id)
    top1 = top3 = 0
    for case in cases:
        found = ranked.get(case.transaction.tx_id, [])
        if not case.right:
            top1 += not found
            top3 += not found
            continue
        top1 += bool(found) and found[0] in case.right
        top3 += any(intent in case.right for intent in found[:3])
    return top1 / len(cases), top3 / len(cases)


if __name__ == "__main__":
    top1, top3 = accuracy(*labelled_set())
    print(f"top-1 {top1:.3f}, top-3 {top3:.3f}")
