"""Period ids and fiscal-year calendars (ledger/periods.py)."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.periods import (
    adjustment_period_exists,
    fiscal_year_first_day,
    parse_period,
    period_of,
    periods_between,
)


@pytest.mark.parametrize(
    ("text", "start", "first_day", "last_day", "number"),
    [
        ("2026-03", 1, date(2026, 3, 1), date(2026, 3, 31), 0),
        ("2024-02", 1, date(2024, 2, 1), date(2024, 2, 29), 0),
        ("2026-P13", 1, date(2026, 12, 1), date(2026, 12, 31), 13),
        ("2026-P14", 7, date(2026, 6, 1), date(2026, 6, 30), 14),
    ],
)
def test_a_period_id_names_its_month_and_number(text, start, first_day, last_day, number):
    period = parse_period(text, start)
    assert period is not None
    assert (period.first_day, period.last_day, period.number) == (first_day, last_day, number)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-3", "26-03", "2026-P12", "x"])
def test_anything_else_is_not_a_period(text):
    assert parse_period(text, 1) is None


def test_the_fiscal_year_of_a_day_begins_in_the_start_month():
    assert fiscal_year_first_day(date(2026, 3, 15), 7) == date(2025, 7, 1)
    assert fiscal_year_first_day(date(2026, 7, 1), 7) == date(2026, 7, 1)
    assert fiscal_year_first_day(date(2026, 3, 15), 1) == date(2026, 1, 1)


def test_periods_between_cover_whole_fiscal_years_with_adjustment_periods_last():
    periods = periods_between(date(2025, 9, 1), date(2026, 8, 1), 7)
    assert len(periods) == 28
    assert periods[:2] == ["2025-07", "2025-08"]
    assert periods[11:14] == ["2026-06", "2026-P13", "2026-P14"]
    assert periods[-3:] == ["2027-06", "2027-P13", "2027-P14"]


def test_an_adjustment_period_exists_once_its_fiscal_year_has_begun():
    p13 = parse_period("2026-P13", 1)
    assert p13 is not None
    assert not adjustment_period_exists(p13, 1, date(2025, 12, 31))
    assert adjustment_period_exists(p13, 1, date(2026, 1, 1))


def test_a_period_id_always_has_a_four_digit_year():
    assert period_of(date(999, 3, 15)) == "0999-03"
    assert period_of(date(999, 12, 31), 13) == "0999-P13"
