"""Request bodies for the benchmarks: single bookings, bulk batches, account-entry queries.

Every generator takes a seed, so two runs post the same traffic and differ only in timing.
Amounts, dates and accounts vary (a body repeated verbatim would flatter caches and is not what
a client sends). The accounts are SKR04 accounts that every new tenant has;
`check_accounts_exist` compares them with the chart file before a run, so a renamed account
fails fast instead of turning the benchmark into a benchmark of 422 answers.

A single booking has two input lines, one with a tax code; the ledger expands it into two
stored posting lines (net and tax, both against the bank). A bulk booking has three input
lines and becomes three posting lines.
"""

from __future__ import annotations

import csv
import importlib.resources
import random
from datetime import date, timedelta
from typing import Any, Final

import msgspec

HOT_BANK_ACCOUNT: Final = "1800"
# Cash and bank accounts (asset, report group "cash") of SKR04: the "spread" case.
SPREAD_BANK_ACCOUNTS: Final = (
    "1600",
    "1610",
    "1620",
    "1700",
    "1710",
    "1720",
    "1730",
    "1800",
    "1810",
    "1820",
    "1830",
    "1840",
    "1850",
)
# The data set for the rebuild and the reads: about half of all bookings hit 1800.
LOAD_BANK_ACCOUNTS: Final = (HOT_BANK_ACCOUNT,) * 12 + SPREAD_BANK_ACCOUNTS
EXPENSE_ACCOUNTS: Final = (
    "6300",
    "6600",
    "6640",
    "6800",
    "6805",
    "6810",
    "6815",
    "6825",
    "6830",
    "6845",
    "6850",
)
INPUT_TAX_CODES: Final = ("VSt19", "VSt7")
REVENUE_ACCOUNTS_WITH_CODES: Final = (("4400", "USt19"), ("4300", "USt7"))
# Accounts read back in the entries scenario: the hot bank, a spread bank, an expense account,
# the input-VAT account (one line per expense booking) and a revenue account.
ENTRIES_ACCOUNTS: Final = ("1800", "1820", "6815", "1406", "4400")

FIRST_BOOKING_DAY: Final = date(2024, 1, 1)
BOOKING_DAYS: Final = 1_035  # 2024-01-01 .. 2026-10-31: all in the past, none locked
AMOUNT_CENTS_MIN: Final = 100
AMOUNT_CENTS_MAX: Final = 500_000
EXPENSE_SHARE: Final = 0.7  # the rest are revenue bookings (bank on the debit side)

Body = dict[str, Any]


def single_booking(rng: random.Random, bank_accounts: tuple[str, ...], serial: int) -> Body:
    """Two input lines, one with a tax code: an expense paid from or revenue paid into a bank."""
    amount = _euros(rng.randrange(AMOUNT_CENTS_MIN, AMOUNT_CENTS_MAX))
    bank = rng.choice(bank_accounts)
    if rng.random() < EXPENSE_SHARE:
        lines = [
            {
                "account_number": rng.choice(EXPENSE_ACCOUNTS),
                "debit": amount,
                "tax_code": rng.choice(INPUT_TAX_CODES),
            },
            {"account_number": bank, "credit": amount},
        ]
    else:
        revenue, code = rng.choice(REVENUE_ACCOUNTS_WITH_CODES)
        lines = [
            {"account_number": bank, "debit": amount},
            {"account_number": revenue, "credit": amount, "tax_code": code},
        ]
    return {
        "booking_date": _random_day(rng).isoformat(),
        "description": f"Bench booking {serial}",
        "lines": lines,
        "skip_duplicate_check": True,
    }


def three_line_booking(rng: random.Random, bank_accounts: tuple[str, ...], serial: int) -> Body:
    """Three input lines (taxed expense, untaxed expense, bank): three stored posting lines."""
    taxed_cents = rng.randrange(AMOUNT_CENTS_MIN, AMOUNT_CENTS_MAX)
    untaxed_cents = rng.randrange(AMOUNT_CENTS_MIN, AMOUNT_CENTS_MAX // 10)
    first, second = rng.sample(EXPENSE_ACCOUNTS, 2)
    return {
        "booking_date": _random_day(rng).isoformat(),
        "description": f"Bench import {serial}",
        "lines": [
            {
                "account_number": first,
                "debit": _euros(taxed_cents),
                "tax_code": rng.choice(INPUT_TAX_CODES),
            },
            {"account_number": second, "debit": _euros(untaxed_cents)},
            {
                "account_number": rng.choice(bank_accounts),
                "credit": _euros(taxed_cents + untaxed_cents),
            },
        ],
        "skip_duplicate_check": True,
    }


def booking_bodies(count: int, *, bank_accounts: tuple[str, ...], seed: int) -> list[bytes]:
    """`count` distinct JSON bodies for POST /v1/bookings (and /bench/noop)."""
    rng = random.Random(seed)
    return [msgspec.json.encode(single_booking(rng, bank_accounts, i)) for i in range(count)]


def batch_bodies(
    count: int, *, bookings_per_batch: int, bank_accounts: tuple[str, ...], seed: int
) -> list[bytes]:
    """`count` distinct JSON bodies for POST /v1/bookings/batch, three-line bookings each."""
    rng = random.Random(seed)
    bodies = []
    for batch in range(count):
        bookings = [
            three_line_booking(rng, bank_accounts, batch * bookings_per_batch + i)
            for i in range(bookings_per_batch)
        ]
        bodies.append(msgspec.json.encode({"bookings": bookings, "atomic": False}))
    return bodies


def entries_paths(count: int, *, seed: int) -> list[str]:
    """GET paths for one account's entries from a random start date, 100 per page."""
    rng = random.Random(seed)
    return [
        f"/v1/accounts/{rng.choice(ENTRIES_ACCOUNTS)}/entries"
        f"?limit=100&startDate={_random_day(rng).isoformat()}"
        for _ in range(count)
    ]


def check_accounts_exist() -> None:
    """Fail fast if an account used here is missing from the SKR04 chart."""
    chart = importlib.resources.files("ledger") / "data" / "charts" / "skr04.csv"
    with chart.open(encoding="utf-8") as handle:
        numbers = {row["number"] for row in csv.DictReader(handle)}
    used = {
        *SPREAD_BANK_ACCOUNTS,
        *EXPENSE_ACCOUNTS,
        *ENTRIES_ACCOUNTS,
        *(account for account, _ in REVENUE_ACCOUNTS_WITH_CODES),
    }
    missing = sorted(used - numbers)
    if missing:
        raise SystemExit(f"benchmark accounts missing from the SKR04 chart: {missing}")


def _random_day(rng: random.Random) -> date:
    return FIRST_BOOKING_DAY + timedelta(days=rng.randrange(BOOKING_DAYS))


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
