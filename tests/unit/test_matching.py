"""Ranking suggestions (projections/matching.py): what raises a candidate, what rules it out."""

from __future__ import annotations

import uuid
from datetime import date

from projections.matching import Candidate, Transaction, score, suggest

DAY = date(2026, 3, 10)


def invoice(number: str, cents: int, **fields) -> Candidate:
    return Candidate(
        intent_id=uuid.uuid4(),
        kind="open_receivable",
        open_item_account="10000",
        amount_cents=cents,
        description=number,
        day=date(2026, 3, 1),
        invoice_number=number,
        party_name=fields.pop("party_name", "Kunde AG"),
        **fields,
    )


def payment(cents: int, reference: str | None = None, **fields) -> Transaction:
    return Transaction(
        tx_id=uuid.uuid4(),
        amount_cents=cents,
        day=DAY,
        reference=reference,
        counterparty_name=fields.get("counterparty_name"),
        counterparty_iban=fields.get("counterparty_iban"),
        end_to_end_id=fields.get("end_to_end_id"),
    )


def test_money_the_other_way_never_matches():
    assert score(payment(-11_900, "RE-1"), invoice("RE-1", 11_900)) == (0, ())


def test_an_invoice_number_split_by_spaces_is_still_found():
    tx = payment(5_000, "Rechnung RE 2026 0042 Teilzahlung")
    [top] = suggest([tx], [invoice("RE-2026-0042", 11_900), invoice("RE-2026-0043", 7_700)])
    assert top.candidate.invoice_number == "RE-2026-0042"
    assert "amount_partial" in top.reasons


def test_the_end_to_end_id_and_iban_outweigh_the_amount_alone():
    named = invoice("X-1", 10_000, party_iban="DE89370400440532013000", end_to_end_ids=("E2E-7",))
    same_amount = invoice("X-2", 10_000)
    tx = payment(
        10_000, "Sammler", counterparty_iban="DE89370400440532013000", end_to_end_id="E2E-7"
    )
    ranked = suggest([tx], [same_amount, named])
    assert ranked[0].candidate is named
    assert {"end_to_end_id", "iban", "amount_exact"} <= set(ranked[0].reasons)


def test_at_most_three_suggestions_and_none_below_the_threshold():
    candidates = [invoice(f"N-{n}", 2_500) for n in range(6)]
    assert len(suggest([payment(2_500)], candidates)) == 3
    assert suggest([payment(1, "unrelated")], candidates) == []
