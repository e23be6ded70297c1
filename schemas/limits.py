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
# Request bodies (docs/api.md, "Abuse protection"): each route reads at most this much.
PUBLIC_BODY_BYTES_MAX: Final = 16_384  # login, password links, the contact form
JSON_BODY_BYTES_DEFAULT: Final = 262_144  # every other JSON route that does not say otherwise
BOOKING_BODY_BYTES_MAX: Final = 1_048_576  # one booking of 500 lines fits easily
LIST_BODY_BYTES_MAX: Final = 4_194_304  # up to 1,000 rows: statement lines, invoice lines, …
BULK_BODY_BYTES_MAX: Final = 33_554_432  # 1,000 bookings
# No route takes free-form JSON: every body is a typed struct without `Any` or recursion, so
# nesting deeper than the type is refused at the first level that does not fit, and runaway
# nesting before it is decoded (api/requests.py). No route's type goes deeper than this
# (checked for every route by tests/http/test_abuse.py).
JSON_DEPTH_MAX: Final = 6
JOURNAL_PAGE_MAX: Final = 1_000
# Keyset cursors (journal numbers, event positions) are PostgreSQL bigints: a larger value is
# a 400, not an overflow in the database.
POSITION_MAX: Final = 2**63 - 1
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

# Invoices (reference §3.3, §3.4).
INVOICE_NUMBER_CHARS_MAX: Final = 100
INVOICE_LINE_DESCRIPTION_CHARS_MAX: Final = 500
INVOICE_LINES_MAX: Final = 500
INVOICE_NOTES_CHARS_MAX: Final = 2_000
INVOICES_PAGE_MAX: Final = 500
INVOICES_PAGE_DEFAULT: Final = 100
QUANTITY_DECIMALS_MAX: Final = 4
UNIT_PRICE_DECIMALS_MAX: Final = 4
