"""Integer-cent arithmetic and its one rounding rule, half up (ledger/money.py).

Proves that `divide_half_up` rounds ties away from zero for positive and negative numerators;
that the net part of a gross amount and the tax on a net amount come out as a bookkeeper
computes them by hand at 19 %, 7 %, 5.5 % and 0 %, down to 1 and 2 cents and up to the largest
amount the ledger takes (10^14 - 1 cents); and that percent rates become basis points exactly.
Hypothesis then checks, for any amount and rate, that net and tax add up to the gross, that the
net never exceeds the gross and equals the half-up quotient computed independently with
`decimal`, and that the tax recomputed from the net is within one cent of gross - net.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.limits import AMOUNT_CENTS_MAX, TAX_RATE_PERCENT_MAX
from ledger.money import (
    cents_to_decimal,
    divide_half_up,
    net_cents_from_gross,
    percent_from_rate_bp,
    rate_bp_from_percent,
    round_to_cents,
    tax_cents_from_net,
)

RATES_BP = [1900, 700, 550, 0]
amounts_cents = st.integers(min_value=1, max_value=AMOUNT_CENTS_MAX)
rates_bp = st.integers(min_value=0, max_value=TAX_RATE_PERCENT_MAX * 100)


def half_up(value: Decimal) -> int:
    """The rounding rule written with `decimal`, as an independent oracle."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- divide_half_up ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "quotient"),
    [
        (0, 7, 0),
        (6, 3, 2),  # exact
        (7, 3, 2),  # 2.33 rounds down
        (8, 3, 3),  # 2.67 rounds up
        (1, 2, 1),  # 0.5: a tie goes away from zero
        (5, 2, 3),  # 2.5 -> 3, not banker's 2
        (3, 2, 2),  # 1.5 -> 2
        (-1, 2, -1),  # -0.5 -> -1
        (-5, 2, -3),  # -2.5 -> -3
        (-7, 3, -2),  # -2.33 -> -2
        (-8, 3, -3),  # -2.67 -> -3
        (-6, 3, -2),
    ],
)
def test_divide_half_up_rounds_ties_away_from_zero(
    numerator: int, denominator: int, quotient: int
) -> None:
    assert divide_half_up(numerator, denominator) == quotient


@given(st.integers(min_value=-(10**20), max_value=10**20), st.integers(1, 10**6))
def test_divide_half_up_is_symmetric_around_zero_and_matches_decimal(
    numerator: int, denominator: int
) -> None:
    quotient = divide_half_up(numerator, denominator)
    assert divide_half_up(-numerator, denominator) == -quotient
    assert quotient == half_up(Decimal(numerator) / Decimal(denominator))


# --- net from gross, tax from net ------------------------------------------------------------


@pytest.mark.parametrize(
    ("gross_cents", "rate_bp", "net_cents"),
    [
        (11_900, 1900, 10_000),  # 119.00 at 19 % -> 100.00 + 19.00
        (100, 1900, 84),  # 1.00 at 19 % -> 0.84 + 0.16
        (10_700, 700, 10_000),  # 107.00 at 7 % -> 100.00 + 7.00
        (100, 700, 93),  # 1.00 / 1.07 = 0.9346
        (1_000, 700, 935),  # 10.00 at 7 % -> 9.35 + 0.65 (docs/api.md, "Rounding")
        (10_550, 550, 10_000),  # 105.50 at 5.5 % -> 100.00 + 5.50
        (100, 550, 95),  # 1.00 / 1.055 = 0.9479
        (12_345, 0, 12_345),  # 0 %: all of it is net
        (1, 1900, 1),  # 0.01 / 1.19 = 0.0084 -> 0.01: no tax on one cent
        (2, 1900, 2),  # 0.02 / 1.19 = 0.0168 -> 0.02
        (1, 700, 1),
        (2, 550, 2),
        (1, 0, 1),
        # 999,999,999,999.99 / 1.19 = 840,336,134,453.773... -> ...453.77
        (AMOUNT_CENTS_MAX, 1900, 84_033_613_445_377),
        # 999,999,999,999.99 / 1.07 = 934,579,439,252.327... -> ...252.33
        (AMOUNT_CENTS_MAX, 700, 93_457_943_925_233),
        (AMOUNT_CENTS_MAX, 0, AMOUNT_CENTS_MAX),
    ],
)
def test_net_from_gross_is_gross_over_one_plus_rate_rounded_half_up(
    gross_cents: int, rate_bp: int, net_cents: int
) -> None:
    assert net_cents_from_gross(gross_cents, rate_bp) == net_cents


@pytest.mark.parametrize(
    ("net_cents", "rate_bp", "tax_cents"),
    [
        (10_000, 1900, 1_900),
        (10_000, 700, 700),
        (10_000, 550, 550),
        (10_000, 0, 0),
        (50, 1900, 10),  # 0.50 x 19 % = 0.095 -> 0.10 (tie, up)
        (50, 700, 4),  # 0.50 x 7 % = 0.035 -> 0.04 (tie, up)
        (100, 550, 6),  # 1.00 x 5.5 % = 0.055 -> 0.06 (tie, up)
        (1, 1900, 0),  # 0.0019 -> 0.00
        (2, 1900, 0),  # 0.0038 -> 0.00
        (3, 1900, 1),  # 0.0057 -> 0.01
        # 999,999,999,999.99 x 19 % = 189,999,999,999.9981 -> 190,000,000,000.00
        (AMOUNT_CENTS_MAX, 1900, 19_000_000_000_000),
        # 999,999,999,999.99 x 5.5 % = 54,999,999,999.999945 -> 55,000,000,000.00
        (AMOUNT_CENTS_MAX, 550, 5_500_000_000_000),
    ],
)
def test_tax_from_net_is_net_times_rate_rounded_half_up(
    net_cents: int, rate_bp: int, tax_cents: int
) -> None:
    assert tax_cents_from_net(net_cents, rate_bp) == tax_cents


# --- rates and conversions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "rate_bp"),
    [("19", 1900), ("7", 700), ("5.5", 550), ("0", 0), ("7.00", 700), ("10.75", 1075)],
)
def test_rate_percent_becomes_integer_basis_points(percent: str, rate_bp: int) -> None:
    assert rate_bp_from_percent(Decimal(percent)) == rate_bp
    assert percent_from_rate_bp(rate_bp) == Decimal(percent).quantize(Decimal("0.01"))


def test_a_rate_with_more_than_two_decimals_is_a_caller_bug() -> None:
    with pytest.raises(AssertionError):
        rate_bp_from_percent(Decimal("5.555"))


@pytest.mark.parametrize(
    ("euros", "cents"),
    [("0.005", 1), ("0.004", 0), ("-0.005", -1), ("12.345", 1235), ("100", 10_000)],
)
def test_round_to_cents_rounds_fx_conversions_half_up(euros: str, cents: int) -> None:
    assert round_to_cents(Decimal(euros)) == cents


def test_cents_to_decimal_keeps_two_places() -> None:
    assert str(cents_to_decimal(11_900)) == "119.00"
    assert str(cents_to_decimal(-1)) == "-0.01"


# --- properties --------------------------------------------------------------------------------


@given(gross_cents=amounts_cents, rate_bp=rates_bp)
def test_net_and_tax_add_up_to_gross_and_net_is_the_half_up_quotient(
    gross_cents: int, rate_bp: int
) -> None:
    net_cents = net_cents_from_gross(gross_cents, rate_bp)
    tax_cents = gross_cents - net_cents
    assert net_cents + tax_cents == gross_cents
    assert 0 <= net_cents <= gross_cents
    assert tax_cents >= 0
    assert net_cents == half_up(Decimal(gross_cents) * 10_000 / Decimal(10_000 + rate_bp))


@given(gross_cents=amounts_cents, rate_bp=st.sampled_from(RATES_BP) | rates_bp)
def test_tax_recomputed_from_net_is_within_one_cent_of_gross_minus_net(
    gross_cents: int, rate_bp: int
) -> None:
    net_cents = net_cents_from_gross(gross_cents, rate_bp)
    assert abs(tax_cents_from_net(net_cents, rate_bp) - (gross_cents - net_cents)) <= 1
