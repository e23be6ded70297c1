"""Invoice fields from plain text (a PDF's text layer, or OCR output): documented German and
English patterns for the number, dates, VAT ID, IBAN and the net / VAT / gross amounts.

What a pattern finds is a candidate, not a fact: VAT IDs and IBANs must pass their check
digits (python-stdnum, schwifty), dates must be dates, and the amounts are reported as found
(the review queue compares them). Each field says which pattern found it.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

import msgspec
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat as eu_vat

_AMOUNT: Final = r"(-?\d{1,3}(?:[.,\s']\d{3})*[.,]\d{2}|-?\d+[.,]\d{2})"
_DATE: Final = r"(\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})"
_CURRENCY: Final = r"(?:EUR|€|USD|\$|GBP|£|CHF)?"
_SEP: Final = r"\s*[:#.]?\s*"

PATTERNS: Final[dict[str, re.Pattern[str]]] = {
    "invoice_number": re.compile(
        r"(?:Rechnungs-?\s?(?:nummer|nr\.?)|Rechnung\s+Nr\.?|Beleg-?nr\.?|Invoice\s*(?:No\.?|Number|#))"
        + _SEP
        + r"([A-Za-z0-9][A-Za-z0-9\-/_.]{0,35})",
        re.IGNORECASE,
    ),
    "invoice_date": re.compile(
        r"(?:Rechnungsdatum|Belegdatum|Invoice\s+date|Datum|Date)" + _SEP + _DATE, re.IGNORECASE
    ),
    "due_date": re.compile(
        r"(?:fällig\s+(?:am|bis)|zahlbar\s+bis|Fälligkeit(?:sdatum)?|Due\s+date|Payable\s+by)"
        + _SEP
        + _DATE,
        re.IGNORECASE,
    ),
    "vat_id": re.compile(
        r"(?:USt-?\s?Id(?:ent)?\.?-?\s?(?:Nr)?\.?|Umsatzsteuer-Identifikationsnummer|VAT\s+(?:ID|Reg\.?\s*No\.?|No\.?))"
        + _SEP
        + r"([A-Z]{2}\s?[0-9A-Z][0-9A-Z ]{7,13})",
        re.IGNORECASE,
    ),
    "iban": re.compile(r"\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?)\b"),
    "total_net": re.compile(
        r"\b(?:Netto(?:betrag|summe)?|Zwischensumme|Summe\s+netto|Net\s+amount|Subtotal)"
        + _SEP
        + _CURRENCY
        + r"\s*"
        + _AMOUNT,
        re.IGNORECASE,
    ),
    "total_gross": re.compile(
        r"\b(?:Brutto(?:betrag|summe)?|Gesamtbetrag|Rechnungsbetrag|Endbetrag|zu\s+zahlen(?:der\s+Betrag)?|Total\s+amount|Amount\s+due|Grand\s+total|Total)"
        + _SEP
        + _CURRENCY
        + r"\s*"
        + _AMOUNT,
        re.IGNORECASE,
    ),
}


class TaxAmount(msgspec.Struct, frozen=True, kw_only=True):
    rate: Decimal
    tax: Decimal
    base: Decimal | None


class TextFields(msgspec.Struct, frozen=True, kw_only=True):
    vendor_name: str | None = None
    vendor_vat_id: str | None = None
    vendor_iban: str | None = None
    invoice_number: str | None = None
    invoice_date: date | None = None
    due_date: date | None = None
    total_net: Decimal | None = None
    total_tax: Decimal | None = None
    total_gross: Decimal | None = None
    currency: str | None = None
    taxes: tuple[TaxAmount, ...] = ()
    found_by: dict[str, str] = msgspec.field(default_factory=dict)  # field -> pattern name


def fields_from_text(text: str) -> TextFields:
    found: dict[str, object] = {}
    found_by: dict[str, str] = {}

    def keep(field: str, value: object, pattern: str) -> None:
        if value is not None and field not in found:
            found[field] = value
            found_by[field] = pattern

    for match in PATTERNS["invoice_number"].finditer(text):
        if any(ch.isdigit() for ch in match[1]):
            keep("invoice_number", match[1].rstrip("."), "invoice_number")
    for field in ("invoice_date", "due_date"):
        for match in PATTERNS[field].finditer(text):
            keep(field, parse_date(match[1]), field)
    for match in PATTERNS["vat_id"].finditer(text):
        candidate = re.sub(r"\s", "", match[1]).upper()
        if eu_vat.is_valid(candidate):
            keep("vendor_vat_id", candidate, "vat_id")
    for match in PATTERNS["iban"].finditer(text):
        keep("vendor_iban", _valid_iban(match[1]), "iban")
    for field in ("total_net", "total_gross"):
        for match in PATTERNS[field].finditer(text):
            keep(field, parse_amount(match[1]), field)
    taxes = [tax for line in text.splitlines() if (tax := _tax_line(line)) is not None]
    if taxes:
        keep("total_tax", sum((t.tax for t in taxes), Decimal(0)), "tax")
    currency = _currency(text)
    keep("currency", currency, "currency")
    keep("vendor_name", _first_line(text), "first_line")
    return TextFields(**found, taxes=tuple(taxes), found_by=found_by)  # type: ignore[arg-type]


_TAX_WORD: Final = re.compile(r"\b(?:USt|MwSt|Umsatzsteuer|Mehrwertsteuer|VAT)\b", re.IGNORECASE)
_RATE: Final = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s*%")
_AMOUNTS: Final = re.compile(_AMOUNT)


def _tax_line(line: str) -> TaxAmount | None:
    """A line naming VAT with a rate: its last amount is the tax, an amount before it (after
    the rate) the base — 'USt 19 % auf 100,00 EUR: 19,00 EUR', 'zzgl. MwSt. 19% 19,00'."""
    rate_match = _RATE.search(line)
    if not _TAX_WORD.search(line) or rate_match is None:
        return None
    amounts = [parse_amount(m) for m in _AMOUNTS.findall(line[rate_match.end() :])]
    amounts = [a for a in amounts if a is not None]
    rate = parse_amount(rate_match[1].replace(",", "."))
    if not amounts or rate is None:
        return None
    return TaxAmount(rate=rate, tax=amounts[-1], base=amounts[-2] if len(amounts) > 1 else None)


def parse_amount(text: str) -> Decimal | None:
    """'1.234,56', '1234,56', '1,234.56', "1'234.56" -> Decimal; None if it is no amount."""
    cleaned = text.strip().replace(" ", "").replace("'", "")
    if not cleaned:
        return None
    if re.search(r",\d{2}$", cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def parse_date(text: str) -> date | None:
    cleaned = text.replace(" ", "")
    try:
        if "-" in cleaned:
            return date.fromisoformat(cleaned)
        if "/" in cleaned:
            month, day, year = (int(x) for x in cleaned.split("/"))
        else:
            day, month, year = (int(x) for x in cleaned.split("."))
        if year < 100:
            year += 2000
        return date(year, month, day)
    except ValueError:
        return None


def _valid_iban(text: str) -> str | None:
    try:
        return IBAN(text).compact
    except SchwiftyException:
        return None


def _currency(text: str) -> str | None:
    for symbol, code in (("€", "EUR"), ("EUR", "EUR"), ("£", "GBP"), ("GBP", "GBP")):
        if symbol in text:
            return code
    for code in ("USD", "CHF"):
        if code in text:
            return code
    return None


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return None
