"""Checks on Decimal amounts from the wire (msgspec bounds cover only int and float).

Raised as ValueError inside `__post_init__`, msgspec reports them with the field's path.
"""

from __future__ import annotations

from decimal import Decimal

from schemas.limits import AMOUNT_MAX_TEXT

AMOUNT_MAX = Decimal(AMOUNT_MAX_TEXT)
CENT = Decimal("0.01")


def check_amount(value: Decimal | None, name: str, *, allow_zero: bool = True) -> None:
    """A money amount in euros: finite, not negative, at most two decimals, at most 10^12."""
    if value is None:
        return
    if not value.is_finite():
        raise ValueError(f"{name} must be a number")
    if value < 0:
        raise ValueError(f"{name} must not be negative; use the other side instead")
    if not allow_zero and value == 0:
        raise ValueError(f"{name} must be greater than zero")
    if value > AMOUNT_MAX:
        raise ValueError(f"{name} must not exceed {AMOUNT_MAX_TEXT}")
    if value != value.quantize(CENT):  # safe: at most 14 digits here
        raise ValueError(f"{name} must have at most two decimal places")


def check_positive_decimal(value: Decimal, name: str, *, decimals_max: int) -> None:
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{name} must be a number greater than zero")
    if value.adjusted() >= 15:
        raise ValueError(f"{name} is too large")
    if value != value.quantize(Decimal(1).scaleb(-decimals_max)):
        raise ValueError(f"{name} must have at most {decimals_max} decimal places")
