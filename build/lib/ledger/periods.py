"""Periods: which period a booking date belongs to.

Monthly periods are `YYYY-MM`. Adjustment periods P13/P14 share the last calendar month of the
fiscal year and are named after that month's year: a fiscal year from July 2025 to June 2026
has `2026-P13` and `2026-P14`, both dated in June 2026.
"""

from __future__ import annotations

from datetime import date


def last_month_of_fiscal_year(fiscal_year_start: int) -> int:
    """Fiscal year starting in January ends in December; starting in July ends in June."""
    assert 1 <= fiscal_year_start <= 12
    return (fiscal_year_start - 2) % 12 + 1


def is_fiscal_year_end_month(day: date, fiscal_year_start: int) -> bool:
    return day.month == last_month_of_fiscal_year(fiscal_year_start)


def period_of(day: date, adjustment_period: int | None = None) -> str:
    if adjustment_period is None:
        return f"{day.year:04d}-{day.month:02d}"  # not %Y: it drops the zeros of year 1-999
    assert adjustment_period in (13, 14)
    return f"{day.year:04d}-P{adjustment_period}"
