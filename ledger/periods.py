"""Periods: their ids, which period a booking date belongs to, and a fiscal year's periods.

Monthly periods are `YYYY-MM`. Adjustment periods P13/P14 share the last calendar month of the
fiscal year and are named after that month's year: a fiscal year from July 2025 to June 2026
has `2026-P13` and `2026-P14`, both dated in June 2026. `period_number` is 0 for a month and
13 or 14 for an adjustment period (reference §1.9).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Final

from dateutil.relativedelta import relativedelta

from ledger.limits import BOOKING_YEAR_MAX, BOOKING_YEAR_MIN

PERIOD_PATTERN: Final = r"^[0-9]{4}-(0[1-9]|1[0-2]|P13|P14)$"
_PERIOD = re.compile(PERIOD_PATTERN)
ADJUSTMENT_NUMBERS: Final = (13, 14)


def last_month_of_fiscal_year(fiscal_year_start: int) -> int:
    """Fiscal year starting in January ends in December; starting in July ends in June."""
    assert 1 <= fiscal_year_start <= 12
    return (fiscal_year_start - 2) % 12 + 1


def is_fiscal_year_end_month(day: date, fiscal_year_start: int) -> bool:
    return day.month == last_month_of_fiscal_year(fiscal_year_start)


def period_of(day: date, adjustment_period: int | None = None) -> str:
    if adjustment_period is None:
        return f"{day.year:04d}-{day.month:02d}"  # not %Y: it drops the zeros of year 1-999
    assert adjustment_period in ADJUSTMENT_NUMBERS
    return f"{day.year:04d}-P{adjustment_period}"


@dataclass(frozen=True)
class Period:
    """A parsed period id: the calendar month it is dated in, and its number (0, 13, 14)."""

    id: str
    year: int
    month: int  # for P13/P14: the last month of the fiscal year, filled by `parse_period`
    number: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.first_day + relativedelta(months=1, days=-1)


def parse_period(text: str, fiscal_year_start: int) -> Period | None:
    """The period `text` names, or None if it is not a period id."""
    if not _PERIOD.fullmatch(text):
        return None
    year, rest = int(text[:4]), text[5:]
    if not BOOKING_YEAR_MIN <= year <= BOOKING_YEAR_MAX:
        return None
    if rest.startswith("P"):
        return Period(text, year, last_month_of_fiscal_year(fiscal_year_start), int(rest[1:]))
    return Period(text, year, int(rest), 0)


def fiscal_year_first_day(day: date, fiscal_year_start: int) -> date:
    """The first day of the fiscal year `day` falls in."""
    year = day.year if day.month >= fiscal_year_start else day.year - 1
    return date(year, fiscal_year_start, 1)


def fiscal_year_periods(first_day: date) -> Iterator[str]:
    """The twelve months of the fiscal year beginning on `first_day`, then P13 and P14."""
    for offset in range(12):
        month = first_day + relativedelta(months=offset)
        yield period_of(month)
    last_month = first_day + relativedelta(months=11)
    for number in ADJUSTMENT_NUMBERS:
        yield period_of(last_month, number)


def periods_between(first: date, last: date, fiscal_year_start: int) -> list[str]:
    """Every period of the fiscal years from the one holding `first` to the one holding
    `last`, in order (an adjustment period after the last month of its year)."""
    periods: list[str] = []
    year_start = fiscal_year_first_day(first, fiscal_year_start)
    while year_start <= last:
        periods.extend(fiscal_year_periods(year_start))
        year_start += relativedelta(years=1)
    return periods


def adjustment_period_exists(period: Period, fiscal_year_start: int, today: date) -> bool:
    """P13/P14 exist once their fiscal year has begun (a month always exists)."""
    if period.number == 0:
        return True
    return fiscal_year_first_day(period.first_day, fiscal_year_start) <= today
