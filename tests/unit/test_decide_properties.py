"""Properties of deciding random bookings in sequence (ledger/decide.py end to end, in memory).

Hypothesis draws sequences of valid bookings on an SKR04 tenant: accounts from the shipped chart
(never a VAT account by hand, never one account on both sides), every system tax code including
the self-assessing ones, random splits and amounts from one cent up. Each booking is decided and
its events folded into the state as the writer does. The test proves that for every intent the
pairs move, per account, exactly what the input lines move once expanded (expanded here by an
independent `decimal` computation of the documented rounding rule); that journal numbers run
1..N without gaps; that the hash chain verifies; and that reversing every intent brings every
account back to zero, with the numbers still gapless and the chain still verifying.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.chain import verify_chain
from ledger.chart import load_chart
from ledger.events import BookingPosted
from ledger.intents import BookingLine, PostBooking
from ledger.taxcodes import SYSTEM_TAX_CODES
from tests.unit.books import Books, credit, debit
from tests.unit.strategies import split

CODES = {code.code: code for code in SYSTEM_TAX_CODES}
TAX_ACCOUNTS = {account for code in SYSTEM_TAX_CODES for account in code.skr04 if account}
BOOKABLE_ACCOUNTS = sorted(a.number for a in load_chart("skr04") if a.number not in TAX_ACCOUNTS)
# Standard input codes on debits and output codes on credits, so a VAT line never meets the
# same VAT account on the other side; self-assessing and tax-free codes go on either side.
EITHER_SIDE = ["VSt-igE19", "VSt-igE7", "VSt-13b19", "USt0-igL", "USt0-Ausfuhr", "USt0-frei"]
DEBIT_CODES = ["VSt19", "VSt7", *EITHER_SIDE]
CREDIT_CODES = ["USt19", "USt7", *EITHER_SIDE]
YEAR_START = date(2026, 1, 1)


@st.composite
def booking_lines(draw: st.DrawFn) -> list[BookingLine]:
    """1-4 debit and 1-4 credit lines on distinct accounts, equal gross totals, any order."""
    debit_amounts = draw(st.lists(st.integers(1, 10**9), min_size=1, max_size=4))
    credit_amounts = draw(split(sum(debit_amounts), parts_max=4))
    count = len(debit_amounts) + len(credit_amounts)
    accounts = draw(
        st.lists(st.sampled_from(BOOKABLE_ACCOUNTS), min_size=count, max_size=count, unique=True)
    )
    debit_codes = st.none() | st.sampled_from(DEBIT_CODES)
    credit_codes = st.none() | st.sampled_from(CREDIT_CODES)
    lines = [
        debit(account, amount, draw(debit_codes))
        for account, amount in zip(accounts, debit_amounts, strict=False)
    ] + [
        credit(account, amount, draw(credit_codes))
        for account, amount in zip(accounts[len(debit_amounts) :], credit_amounts, strict=True)
    ]
    return draw(st.permutations(lines))


bookings = st.tuples(booking_lines(), st.integers(0, 364))


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def expanded_fold(lines: tuple[BookingLine, ...]) -> Counter[str]:
    """Signed cents per account (debit +, credit -) of the input once tax codes are expanded."""
    fold: Counter[str] = Counter()
    for line in lines:
        sign = 1 if line.side == "debit" else -1
        code = CODES.get(line.tax_code or "")
        vat_account, self_assess_account = code.skr04 if code else (None, None)
        if code is None or vat_account is None:
            fold[line.account_number] += sign * line.amount_cents
        elif self_assess_account is not None:
            tax_cents = half_up(Decimal(line.amount_cents) * code.rate_bp / 10_000)
            fold[line.account_number] += sign * line.amount_cents
            fold[vat_account] += sign * tax_cents
            fold[self_assess_account] -= sign * tax_cents
        else:
            net_cents = half_up(Decimal(line.amount_cents) * 10_000 / (10_000 + code.rate_bp))
            fold[line.account_number] += sign * net_cents
            fold[vat_account] += sign * (line.amount_cents - net_cents)
    return fold


def pairs_fold(events: list[BookingPosted]) -> Counter[str]:
    fold: Counter[str] = Counter()
    for event in events:
        for line in event.lines:
            fold[line.account_debit] += line.amount_cents
            fold[line.account_credit] -= line.amount_cents
    return fold


def nonzero(fold: Counter[str]) -> dict[str, int]:
    return {account: cents for account, cents in fold.items() if cents}


def assert_gapless_and_chained(books: Books) -> None:
    numbers = [line.journal_number for event in books.bookings for line in event.lines]
    assert numbers == list(range(1, len(numbers) + 1))
    report = verify_chain(books.bookings)
    assert report.ok, report.broken
    assert report.head_journal_number == books.state.head.journal_number == len(numbers)


@settings(max_examples=100, deadline=None)
@given(st.lists(bookings, min_size=1, max_size=6), st.booleans())
def test_random_bookings_balance_chain_gaplessly_and_reverse_to_zero(
    drawn: list[tuple[list[BookingLine], int]], in_original_period: bool
) -> None:
    books = Books.open()
    intents: list[PostBooking] = []
    for lines, day_offset in drawn:
        intent = books.booking(
            *lines, day=YEAR_START + timedelta(days=day_offset), skip_duplicate_check=True
        )
        (event,) = books.decide(intent).events
        assert isinstance(event, BookingPosted)
        assert all(line.account_debit != line.account_credit for line in event.lines)
        assert all(line.amount_cents > 0 for line in event.lines)
        assert nonzero(pairs_fold([event])) == nonzero(expanded_fold(intent.lines))
        assert event.total_cents == sum(line.amount_cents for line in lines if line.side == "debit")
        intents.append(intent)
    assert_gapless_and_chained(books)

    mode = "original_period" if in_original_period else "current_period"
    for intent in reversed(intents):
        books.decide(books.reversal(intent.intent_id, posting_mode=mode))
    assert nonzero(pairs_fold(books.bookings)) == {}
    assert_gapless_and_chained(books)
