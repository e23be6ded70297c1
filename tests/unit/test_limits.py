"""How the limits relate (ledger/limits.py against schemas/limits.py), as TigerBeetle asserts
its constants.

The ledger and the wire contract each declare the limits they enforce, and neither imports the
other; this test imports both and proves that every limit the two share has one value, that an
expanded booking fits the expanded-line limit, and that a full batch fits one transaction. It
also proves, by reading the import statements, that the two packages stay apart.
"""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

import ledger
import schemas
from ledger import limits as ledger_limits
from schemas import limits as wire_limits


@pytest.mark.parametrize(
    ("ledger_value", "wire_value"),
    [
        pytest.param(
            ledger_limits.LINES_PER_INTENT_MAX, wire_limits.BOOKING_LINES_MAX, id="booking-lines"
        ),
        pytest.param(
            ledger_limits.EXTERNAL_REFERENCE_CHARS_MAX,
            wire_limits.EXTERNAL_REFERENCE_CHARS_MAX,
            id="external-reference",
        ),
        pytest.param(
            ledger_limits.DESCRIPTION_CHARS_MAX, wire_limits.DESCRIPTION_CHARS_MAX, id="description"
        ),
        pytest.param(
            ledger_limits.OPENING_BALANCES_MAX,
            wire_limits.OPENING_BALANCES_MAX,
            id="opening-balances",
        ),
        pytest.param(
            ledger_limits.BOOKINGS_PER_BULK_MAX, wire_limits.BULK_BOOKINGS_MAX, id="bulk-bookings"
        ),
        pytest.param(
            ledger_limits.AMOUNT_CENTS_MAX,
            int(Decimal(wire_limits.AMOUNT_MAX_TEXT) * 100),
            id="amount",
        ),
    ],
)
def test_a_limit_the_wire_and_the_ledger_share_has_one_value(
    ledger_value: int, wire_value: int
) -> None:
    assert ledger_value == wire_value


def test_the_largest_amount_is_a_whole_number_of_cents() -> None:
    assert Decimal(wire_limits.AMOUNT_MAX_TEXT).as_tuple().exponent == -2


def test_a_self_assessed_line_becomes_at_most_three_lines() -> None:
    # net line + input-VAT and output-VAT sides of the tax pair
    assert ledger_limits.LINES_EXPANDED_MAX == 3 * ledger_limits.LINES_PER_INTENT_MAX


def test_a_booking_needs_at_least_two_lines_and_allows_more() -> None:
    assert 2 == wire_limits.BOOKING_LINES_MIN < wire_limits.BOOKING_LINES_MAX


def test_a_batch_fits_the_queue_that_feeds_it() -> None:
    assert ledger_limits.INTENTS_PER_BATCH_MAX <= ledger_limits.QUEUE_INTENTS_MAX


def test_the_default_journal_page_is_within_the_maximum() -> None:
    assert 0 < wire_limits.JOURNAL_PAGE_DEFAULT <= wire_limits.JOURNAL_PAGE_MAX
    assert 0 < wire_limits.ENTRIES_PAGE_DEFAULT <= wire_limits.ENTRIES_PAGE_MAX


def imported_packages(package_dir: Path) -> set[str]:
    """Top-level names every module of a package imports."""
    names: set[str] = set()
    for path in package_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [(ledger, {"schemas", "api", "projections"}), (schemas, {"ledger", "api", "projections"})],
)
def test_ledger_and_schemas_never_import_each_other(package: object, forbidden: set[str]) -> None:
    package_dir = Path(package.__file__).parent  # type: ignore[attr-defined]
    assert imported_packages(package_dir) & forbidden == set()
