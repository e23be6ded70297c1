"""Integer-cent arithmetic with the ledger's one rounding rule: half up (kaufmännisch).

Amounts inside the ledger are `int` cents. Rates are integer basis points of a percent
(19 % = 1_900, 5.5 % = 550) so no arithmetic here ever sees a float or a Decimal context.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Final

BASIS_POINTS_PER_WHOLE: Final = 10_000  # 100 % in basis points


def divide_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in exact integers."""
    assert denominator > 0
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def net_cents_from_gross(gross_cents: int, rate_bp: int) -> int:
    """Net part of a gross amount at `rate_bp`: gross / (1 + rate), half up.

    119.00 at 19 % -> 100.00; 1.00 at 19 % -> 0.84 (tax 0.16).
    """
    return divide_half_up(gross_cents * BASIS_POINTS_PER_WHOLE, BASIS_POINTS_PER_WHOLE + rate_bp)


def tax_cents_from_net(net_cents: int, rate_bp: int) -> int:
    """Tax on a net amount at `rate_bp`, half up: 100.00 at 19 % -> 19.00."""
    return divide_half_up(net_cents * rate_bp, BASIS_POINTS_PER_WHOLE)


def rate_bp_from_percent(rate_percent: Decimal) -> int:
    """19 -> 1900, 5.5 -> 550. The caller has checked at most two decimals."""
    basis_points = rate_percent * 100
    assert basis_points == basis_points.to_integral_value()
    return int(basis_points)


def percent_from_rate_bp(rate_bp: int) -> Decimal:
    return (Decimal(rate_bp) / 100).quantize(Decimal("0.01"))


def cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def round_to_cents(value: Decimal) -> int:
    """A Decimal amount in euros -> cents, half up (used for FX conversions)."""
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
