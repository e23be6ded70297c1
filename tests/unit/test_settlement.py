"""Settling open items, as properties: however a foreign-currency item is paid off in parts,
the EUR that leaves its account adds up to exactly what it was booked at; same-currency items
clear one euro per euro; nothing is ever settled beyond what is open."""

from __future__ import annotations

import itertools
import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import errors
from ledger.settlement import OpenInvoice, OpenItem, clear, fx_difference_cents


def item_of(grosses: list[int], booked_eur: int, currency: str = "USD", kind="open_receivable"):
    invoices = tuple(
        OpenInvoice(
            invoice_id=uuid.uuid4(),
            direction="outgoing",
            invoice_type="invoice",
            currency=currency,
            invoice_date=date(2026, 3, 1 + i),
            total_gross_cents=gross,
            settled_cents=0,
            party_account="10001",
        )
        for i, gross in enumerate(grosses)
    )
    return OpenItem(
        intent_id=uuid.uuid4(),
        kind=kind,
        account="10001",
        currency=currency,
        invoices=invoices,
        booked_eur_cents=booked_eur,
    )


def pay_in_parts(item: OpenItem, parts: list[int]) -> list[int]:
    """Clear the parts one after another, as separate settlements would; the EUR of each."""
    cleared_eur = []
    for part in parts:
        cleared = clear(item, part)
        cleared_eur.append(cleared.eur_cents)
        for settlement in cleared.settlements:  # what `commit` does to the batch's lookups
            invoice = next(i for i in item.invoices if i.invoice_id == settlement.invoice_id)
            invoice.settled_cents = settlement.settled_cents
    return cleared_eur


@st.composite
def split(draw, total: int) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(1, max(1, total - 1)), max_size=6, unique=True)))
    bounds = [0, *[c for c in cuts if 0 < c < total], total]
    return [b - a for a, b in itertools.pairwise(bounds) if b > a]


@given(
    gross=st.integers(1, 10**9),
    rate_millis=st.integers(100, 200_000),
    data=st.data(),
)
def test_fx_parts_clear_exactly_the_booked_eur(gross: int, rate_millis: int, data):
    booked = max(1, gross * 1000 // rate_millis)
    item = item_of([gross], booked)
    parts = data.draw(split(gross))

    cleared = pay_in_parts(item, parts)

    assert sum(cleared) == booked
    assert all(eur >= 0 for eur in cleared)
    assert item.open_cents == 0


@given(grosses=st.lists(st.integers(1, 10**7), min_size=1, max_size=5), data=st.data())
def test_same_currency_items_clear_one_euro_per_euro_oldest_first(grosses: list[int], data):
    item = item_of(grosses, sum(grosses), currency="EUR")
    total = sum(grosses)
    parts = data.draw(split(total))

    cleared = pay_in_parts(item, parts)

    assert cleared == parts
    assert [i.settled_cents for i in item.invoices] == grosses


def test_clearing_more_than_is_open_is_refused():
    item = item_of([11_900], 10_818)
    with pytest.raises(errors.SettlementExceedsOpenAmount):
        clear(item, 11_901)


@pytest.mark.parametrize(
    ("kind", "bank", "expected"),
    [
        ("open_receivable", 11_000, 182),  # more money in than carried: gain
        ("open_receivable", 10_500, -318),  # less money in: loss
        ("open_liability", 11_000, -182),  # more money out than carried: loss
        ("open_liability", 10_500, 318),  # less money out: gain
    ],
)
def test_the_fx_difference_is_a_gain_or_a_loss_by_direction(kind, bank, expected):
    item = item_of([11_900], 10_818, kind=kind)
    assert fx_difference_cents(clear(item, 11_900), bank) == expected
