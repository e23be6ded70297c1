"""Pairing (ledger/pairing.py): expanded lines -> stored debit/credit account pairs.

Proves the greedy rule of the module docstring on worked examples: two lines make one pair; one
debit against three credits makes three pairs in credit order; three debits against two credits
walk both queues head by head (D + C - 1 pairs), and heads used up together are dropped
together; a pair takes the tax code of its debit line, else of its credit line;
self-assessment tax pairs come last in input order; and a rule that would book an account
against itself raises `SelfPairingError`. Hypothesis then pairs random balanced line sets and
checks that pair amounts add up to the debit total, that every account keeps its debit and its
credit total exactly, that there are at most D + C - 1 greedy pairs plus the tax pairs, and
that the same input always gives the same pairs.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.intents import Side
from ledger.pairing import Pair, SelfPairingError, pair_lines
from ledger.tax import SidedLine, TaxPair
from tests.unit.strategies import split


def line(account: str, side: Side, amount_cents: int, tax_code: str | None = None) -> SidedLine:
    return SidedLine(
        account_number=account, side=side, amount_cents=amount_cents, tax_code=tax_code
    )


def pair(debit: str, credit: str, amount_cents: int, tax_code: str | None = None) -> Pair:
    return Pair(
        account_debit=debit, account_credit=credit, amount_cents=amount_cents, tax_code=tax_code
    )


SELF_ASSESSED_19 = TaxPair(
    account_debit="1407", account_credit="3837", amount_cents=19_000, tax_code="VSt-13b19"
)


@pytest.mark.parametrize(
    ("lines", "tax_pairs", "expected"),
    [
        pytest.param(
            [line("6300", "debit", 5_000), line("1800", "credit", 5_000)],
            [],
            [pair("6300", "1800", 5_000)],
            id="two-lines-one-pair",
        ),
        pytest.param(
            [
                line("1800", "debit", 60_000),
                line("4400", "credit", 10_000),
                line("4300", "credit", 20_000),
                line("4125", "credit", 30_000),
            ],
            [],
            [
                pair("1800", "4400", 10_000),
                pair("1800", "4300", 20_000),
                pair("1800", "4125", 30_000),
            ],
            id="one-debit-split-over-three-credits",
        ),
        pytest.param(
            [
                line("6815", "debit", 300),
                line("6300", "debit", 200),
                line("5400", "debit", 100),
                line("1800", "credit", 250),
                line("3300", "credit", 350),
            ],
            [],
            [
                pair("6815", "1800", 250),
                pair("6815", "3300", 50),
                pair("6300", "3300", 200),
                pair("5400", "3300", 100),
            ],
            id="three-debits-two-credits-walk-both-queues",
        ),
        pytest.param(
            [
                line("6815", "debit", 100),
                line("6300", "debit", 50),
                line("1800", "credit", 100),
                line("1600", "credit", 50),
            ],
            [],
            [pair("6815", "1800", 100), pair("6300", "1600", 50)],
            id="heads-used-up-together-are-dropped-together",
        ),
        pytest.param(
            # 6815 debit 119.00 (VSt19) against 1800 credit 119.00, after expansion
            [
                line("6815", "debit", 10_000, "VSt19"),
                line("1406", "debit", 1_900, "VSt19"),
                line("1800", "credit", 11_900),
            ],
            [],
            [pair("6815", "1800", 10_000, "VSt19"), pair("1406", "1800", 1_900, "VSt19")],
            id="vst19-example-from-the-docstring",
        ),
        pytest.param(
            [line("1800", "debit", 11_900), line("4400", "credit", 11_900, "USt19")],
            [],
            [pair("1800", "4400", 11_900, "USt19")],
            id="a-pair-takes-the-credit-lines-tax-code-when-the-debit-has-none",
        ),
        pytest.param(
            [line("5925", "debit", 100_000, "VSt-13b19"), line("3300", "credit", 100_000)],
            [SELF_ASSESSED_19],
            [
                pair("5925", "3300", 100_000, "VSt-13b19"),
                pair("1407", "3837", 19_000, "VSt-13b19"),
            ],
            id="tax-pairs-come-last",
        ),
    ],
)
def test_greedy_pairing_takes_the_smaller_head_and_appends_tax_pairs_last(
    lines: list[SidedLine], tax_pairs: list[TaxPair], expected: list[Pair]
) -> None:
    assert list(pair_lines(lines, tax_pairs)) == expected


def test_tax_pairs_keep_their_input_order() -> None:
    second = TaxPair(account_debit="1402", account_credit="3802", amount_cents=700, tax_code="x")
    pairs = pair_lines(
        [line("5925", "debit", 100), line("3300", "credit", 100)], [SELF_ASSESSED_19, second]
    )
    assert [(p.account_debit, p.amount_cents) for p in pairs[1:]] == [
        ("1407", 19_000),
        ("1402", 700),
    ]


def test_pairing_an_account_only_with_itself_raises_self_pairing_error() -> None:
    with pytest.raises(SelfPairingError) as raised:
        pair_lines([line("1800", "debit", 100), line("1800", "credit", 100)], [])
    assert raised.value.account_number == "1800"


def test_heads_on_one_account_pair_with_the_next_other_account_instead() -> None:
    # 1200/1800 50 first; then both heads are 1800, so 1600 moves up; the 1800/1800 rest
    # moves nothing and is not stored.
    lines = [
        line("1200", "debit", 50),
        line("1800", "debit", 100),
        line("1800", "credit", 100),
        line("1600", "credit", 50),
    ]
    assert pair_lines(lines, []) == (
        Pair(account_debit="1200", account_credit="1800", amount_cents=50),
        Pair(account_debit="1800", account_credit="1600", amount_cents=50),
    )


def test_same_tax_code_on_both_sides_nets_the_tax_account_instead_of_refusing() -> None:
    # Moving a gross amount between two expense accounts: 1406 is debited and credited 19.
    lines = [
        line("6815", "debit", 100, "VSt19"),
        line("1406", "debit", 19, "VSt19"),
        line("6800", "credit", 100, "VSt19"),
        line("1406", "credit", 19, "VSt19"),
    ]
    assert pair_lines(lines, []) == (
        Pair(account_debit="6815", account_credit="6800", amount_cents=100, tax_code="VSt19"),
    )


# --- properties --------------------------------------------------------------------------------

DEBIT_ACCOUNTS = ["5400", "6300", "6815", "1200"]
CREDIT_ACCOUNTS = ["1800", "1600", "3300", "4400"]  # disjoint: no self-pairing by construction


@st.composite
def balanced_lines(draw: st.DrawFn) -> list[SidedLine]:
    """1-8 debit lines and 1-8 credit lines with equal totals, sides interleaved at random."""
    debit_amounts = draw(st.lists(st.integers(1, 10**9), min_size=1, max_size=8))
    credit_amounts = draw(split(sum(debit_amounts), parts_max=8))
    debits = [line(draw(st.sampled_from(DEBIT_ACCOUNTS)), "debit", a) for a in debit_amounts]
    credits = [line(draw(st.sampled_from(CREDIT_ACCOUNTS)), "credit", a) for a in credit_amounts]
    return draw(st.permutations(debits + credits))


tax_pairs = st.lists(
    st.builds(
        TaxPair,
        account_debit=st.sampled_from(["1404", "1407"]),
        account_credit=st.sampled_from(["3804", "3837"]),
        amount_cents=st.integers(1, 10**8),
        tax_code=st.just("VSt-13b19"),
    ),
    max_size=3,
)


def fold(entries: list[tuple[str, str, int]]) -> Counter[tuple[str, str]]:
    """(account, side) -> total cents."""
    totals: Counter[tuple[str, str]] = Counter()
    for account, side, amount_cents in entries:
        totals[account, side] += amount_cents
    return totals


@given(balanced_lines(), tax_pairs)
def test_pairing_preserves_every_accounts_debit_and_credit_totals(
    lines: list[SidedLine], taxes: list[TaxPair]
) -> None:
    pairs = pair_lines(lines, taxes)
    debit_count = sum(1 for each in lines if each.side == "debit")
    credit_count = len(lines) - debit_count
    greedy = pairs[: len(pairs) - len(taxes)]

    assert sum(p.amount_cents for p in greedy) == sum(
        each.amount_cents for each in lines if each.side == "debit"
    )
    assert len(greedy) <= debit_count + credit_count - 1
    assert len(pairs) <= debit_count + credit_count - 1 + len(taxes)
    assert all(p.amount_cents > 0 for p in pairs)
    from_pairs = fold(
        [(p.account_debit, "debit", p.amount_cents) for p in pairs]
        + [(p.account_credit, "credit", p.amount_cents) for p in pairs]
    )
    from_input = fold(
        [(each.account_number, each.side, each.amount_cents) for each in lines]
        + [(t.account_debit, "debit", t.amount_cents) for t in taxes]
        + [(t.account_credit, "credit", t.amount_cents) for t in taxes]
    )
    assert from_pairs == from_input


@given(balanced_lines(), tax_pairs)
def test_pairing_is_deterministic(lines: list[SidedLine], taxes: list[TaxPair]) -> None:
    assert pair_lines(lines, taxes) == pair_lines(list(lines), list(taxes))
