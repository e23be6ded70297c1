"""Limits of the wire contract (reference §1.5, §3.1, §3.7). The ledger has its own copy of the
ones it enforces too (`ledger/limits.py`); `tests/unit/test_limits.py` checks they agree."""

from typing import Final

BOOKING_LINES_MAX: Final = 500
BOOKING_LINES_MIN: Final = 2  # one line cannot balance
DESCRIPTION_CHARS_MAX: Final = 1_000
ACCOUNT_NAME_CHARS_MAX: Final = 255
CATEGORY_CHARS_MAX: Final = 100
REPORT_GROUP_CHARS_MAX: Final = 40
EXTERNAL_REFERENCE_CHARS_MAX: Final = 500
METADATA_KEYS_MAX: Final = 20
METADATA_KEY_CHARS_MAX: Final = 64
METADATA_VALUE_CHARS_MAX: Final = 256
METADATA_BYTES_MAX: Final = 4_096
TAX_CODE_CHARS_MAX: Final = 20
TAX_LABEL_CHARS_MAX: Final = 120
TAX_DESCRIPTION_CHARS_MAX: Final = 500
REASON_CHARS_MAX: Final = 1_000
IDEMPOTENCY_KEY_CHARS_MAX: Final = 255
OPENING_BALANCES_MAX: Final = 2_000
BULK_BOOKINGS_MAX: Final = 1_000
AMOUNT_MAX_TEXT: Final = "999999999999.99"
BOOKING_BODY_BYTES_MAX: Final = 1_048_576  # one booking of 500 lines fits easily
BULK_BODY_BYTES_MAX: Final = 33_554_432  # 1,000 bookings
JOURNAL_PAGE_MAX: Final = 1_000
JOURNAL_PAGE_DEFAULT: Final = 200
ACCOUNTS_PAGE_MAX: Final = 500
ENTRIES_PAGE_MAX: Final = 1_000
ENTRIES_PAGE_DEFAULT: Final = 100
SEARCH_RESULTS_MAX: Final = 50

# Customers and vendors (reference §3.3); address parts as SEPA pain.001 allows them.
PARTY_NAME_CHARS_MAX: Final = 255
PARTY_TAX_ID_CHARS_MAX: Final = 20
PARTY_VAT_ID_CHARS_MAX: Final = 20
IBAN_CHARS_MAX: Final = 34
BIC_CHARS_MAX: Final = 11
PARTY_NOTES_CHARS_MAX: Final = 2_000
STREET_CHARS_MAX: Final = 70
BUILDING_NUMBER_CHARS_MAX: Final = 16
ZIP_CHARS_MAX: Final = 16
CITY_CHARS_MAX: Final = 35
PARTIES_PAGE_MAX: Final = 500
PARTIES_PAGE_DEFAULT: Final = 50
