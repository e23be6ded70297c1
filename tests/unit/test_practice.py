"""The practice layer's pure rules: what time is worth, which hours are accepted, the task
schedule of an engagement, and the programme's fees and discounts."""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from ledger.errors import InvalidInput
from ledger.practice.engagements import engagement_of_task, tasks_of
from ledger.practice.pricing import Pricing
from ledger.practice.time_entries import minutes_of, value_cents

ENGAGEMENT = uuid.UUID("11111111-1111-4111-8111-111111111111")


@pytest.mark.parametrize(
    ("minutes", "rate_cents", "cents"),
    [(90, 12_000, 18_000), (15, 9_999, 2_500), (45, 10_001, 7_501), (15, 1, 0), (30, 1, 1)],
    ids=["1.5 h", "quarter rounds up", "three quarters", "a quarter cent rounds down", "half"],
)
def test_time_is_worth_hours_times_rate_half_up(minutes, rate_cents, cents):
    assert value_cents(minutes, rate_cents) == cents


@pytest.mark.parametrize(("hours", "minutes"), [("0.25", 15), ("1.5", 90), ("24", 1_440)])
def test_quarter_hours_are_accepted(hours, minutes):
    assert minutes_of(Decimal(hours)) == minutes


@pytest.mark.parametrize("hours", ["0", "-0.25", "0.1", "1.3333", "24.25"])
def test_anything_else_is_refused(hours):
    with pytest.raises(InvalidInput):
        minutes_of(Decimal(hours))


@given(
    recurrence=st.sampled_from(["monthly", "quarterly", "annual"]),
    start=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    days=st.integers(0, 1_500),
)
def test_tasks_cover_every_period_from_the_start_to_the_one_after_today(recurrence, start, days):
    today = start + relativedelta(days=days)
    tasks = tasks_of(ENGAGEMENT, "Buchhaltung", recurrence, start, today)

    step = {"monthly": 1, "quarterly": 3, "annual": 12}[recurrence]
    assert len({task.task_id for task in tasks}) == len(tasks)
    assert all(engagement_of_task(task.task_id) == ENGAGEMENT for task in tasks)
    months = (today.year - start.year) * 12 + today.month - start.month
    first_period_month = (start.month - 1) // step * step
    periods_until_today = (start.month - 1 - first_period_month + months) // step + 1
    assert len(tasks) == periods_until_today + 1  # and the next one
    assert all(later.due_date > earlier.due_date for earlier, later in itertools.pairwise(tasks))
    assert tasks[0].due_date > start


def test_the_due_dates_follow_the_filing_deadlines():
    monthly = tasks_of(ENGAGEMENT, "FiBu", "monthly", date(2026, 3, 15), date(2026, 3, 20))
    quarterly = tasks_of(ENGAGEMENT, "USt", "quarterly", date(2026, 2, 1), date(2026, 2, 1))
    annual = tasks_of(ENGAGEMENT, "JA", "annual", date(2026, 5, 1), date(2026, 5, 1))
    once = tasks_of(ENGAGEMENT, "Prüfung", "none", date(2026, 5, 1), date(2027, 1, 1))

    assert [(t.period, t.due_date) for t in monthly] == [
        ("2026-03", date(2026, 4, 10)),
        ("2026-04", date(2026, 5, 10)),
    ]
    assert [(t.period, t.due_date) for t in quarterly] == [
        ("2026-Q1", date(2026, 4, 10)),
        ("2026-Q2", date(2026, 7, 10)),
    ]
    assert (annual[0].period, annual[0].due_date) == ("2026", date(2027, 7, 31))
    assert [(t.period, t.due_date, t.task_id) for t in once] == [
        ("once", date(2026, 5, 31), f"{ENGAGEMENT}:once")
    ]


def test_fees_and_discounts_have_defaults_and_can_be_configured():
    default = Pricing()
    configured = Pricing.parse("STARTER=59.50,BUSINESS=350", "3=5,10=15")

    assert (default.fee_cents("STARTER"), default.discount_bp(4), default.discount_bp(5)) == (
        7_900,
        0,
        1_000,
    )
    assert default.discount_bp(20) == 2_000
    assert (configured.fee_cents("STARTER"), configured.fee_cents("PROFESSIONAL")) == (
        5_950,
        14_900,
    )
    assert [configured.discount_bp(n) for n in (2, 3, 10)] == [0, 500, 1_500]
    assert default.discounted_cents(7_900, 1_000) == 7_110


@pytest.mark.parametrize(
    ("fees", "discounts"),
    [("GOLD=10", None), ("STARTER=abc", None), ("STARTER", None), (None, "5=120"), (None, "0=5")],
)
def test_nonsense_configuration_is_refused(fees, discounts):
    with pytest.raises(ValueError, match=r"tier|number|KEY=VALUE|discount"):
        Pricing.parse(fees, discounts)
