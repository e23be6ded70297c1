"""Every limit of the write side, named once, with the reason for its value.

`tests/unit/test_limits.py` asserts how these relate to each other and to the wire limits in
`schemas/limits.py` (which the ledger may not import).
"""

from datetime import date
from typing import Final

AMOUNT_CENTS_MAX: Final = 10**14 - 1  # 999,999,999,999.99 EUR: above any real single posting
LINES_PER_INTENT_MAX: Final = 500  # input lines of one booking (equals the wire limit)
# A self-assessed (reverse-charge) line becomes three lines: net, input VAT, output VAT.
LINES_EXPANDED_MAX: Final = 3 * LINES_PER_INTENT_MAX
OPENING_BALANCES_MAX: Final = 2_000  # a full trial balance of a chart of ~1,300 accounts
DESCRIPTION_CHARS_MAX: Final = 1_000
EXTERNAL_REFERENCE_CHARS_MAX: Final = 500  # reference §1.5
# Booking dates and period years outside these are typos (0206 for 2026), not books; the
# bounds also keep fiscal-year arithmetic inside the calendar Python can represent.
BOOKING_YEAR_MIN: Final = 1900
BOOKING_YEAR_MAX: Final = 2999
BOOKING_DATE_MIN: Final = date(BOOKING_YEAR_MIN, 1, 1)
BOOKING_DATE_MAX: Final = date(BOOKING_YEAR_MAX, 12, 31)

# Group commit (ADR 0001): intents decided and appended in one transaction.
INTENTS_PER_BATCH_MAX: Final = 256
# Bulk batches (POST /v1/bookings/batch) may hold this many bookings in one request.
BOOKINGS_PER_BULK_MAX: Final = 1_000
# Queue of waiting intents per tenant; beyond it callers are told to retry (backpressure).
QUEUE_INTENTS_MAX: Final = 10_000

TAX_RATE_PERCENT_MAX: Final = 100
