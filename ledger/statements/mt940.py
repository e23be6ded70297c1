"""MT940 statements, including the German structured `:86:` fields (?20-?29 remittance with
EREF+/SVWZ+, ?32/?33 name, ?31 IBAN), read with the `mt-940` package after joining the
fixed-width continuation lines of `:86:` (so a wrapped IBAN or name is whole again)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

import mt940
import schwifty
from schwifty.exceptions import SchwiftyException

from ledger.bank_import import ParsedRow
from ledger.statements.errors import StatementInvalid

STATEMENT_BYTES_MAX: Final = 50 * 1024 * 1024


@dataclass(frozen=True)
class Mt940Statement:
    iban: str | None
    rows: list[ParsedRow]


def parse_mt940(content: bytes) -> list[Mt940Statement]:
    if len(content) > STATEMENT_BYTES_MAX:
        raise StatementInvalid(f"The file is larger than {STATEMENT_BYTES_MAX:,} bytes.")
    text = _joined_details(_decoded(content))
    transactions = mt940.models.Transactions(
        processors={
            "pre_statement": [mt940.processors.date_fixup_pre_processor],
            "post_transaction_details": [mt940.processors.transaction_details_post_processor],
        }
    )
    try:
        transactions.parse(text)
    except Exception as error:  # the package raises plain exceptions on bad input
        raise StatementInvalid(f"The MT940 statement cannot be read: {error}.") from None
    if not transactions.transactions:
        raise StatementInvalid("The MT940 statement holds no transaction (:61:).")
    rows = [_row(tx.data) for tx in transactions.transactions]
    return [Mt940Statement(_iban(transactions.data.get("account_identification")), rows)]


def _row(data: dict) -> ParsedRow:
    amount = data.get("amount")
    booked = data.get("entry_date") or data.get("date")
    if amount is None or booked is None:
        raise StatementInvalid("An MT940 transaction (:61:) lacks its amount or date.")
    value = Decimal(amount.amount)
    reference = (
        data.get("purpose") or data.get("end_to_end_reference") or data.get("transaction_details")
    )
    name, iban = _name_and_iban(_joined(data.get("applicant_name")), data.get("applicant_iban"))
    return ParsedRow(
        tx_date=_plain(booked),
        amount_cents=int(value.scaleb(2)),
        currency=amount.currency or data.get("currency") or "EUR",
        value_date=_plain(data.get("date")),
        counterparty_name=name,
        counterparty_iban=iban,
        reference=_joined(reference)[:500] if reference else None,
        bank_reference=_joined(data.get("bank_reference")),
        end_to_end_id=_joined(data.get("end_to_end_reference")),
        tx_type=data.get("posting_text") or data.get("transaction_code"),
    )


_TAG = re.compile(r"^:\d{2}[A-Z]?:|^-\s*$|^\{")


def _joined_details(text: str) -> str:
    """Join the continuation lines of each `:86:` field without a separator: banks wrap them
    at a fixed width, mid-word and mid-IBAN (`?31DE4210010` / `0100043921105`)."""
    lines: list[str] = []
    in_details = False
    for line in text.splitlines():
        if _TAG.match(line):
            in_details = line.startswith(":86:")
            lines.append(line)
        elif in_details and lines:
            lines[-1] += line
        else:
            lines.append(line)
    return "\r\n".join(lines) + "\r\n"


def _name_and_iban(name: str | None, iban: object) -> tuple[str | None, str | None]:
    """mt-940 5.x sometimes files `?31` (the IBAN) in front of `?32` (the name): split them."""
    if iban or not name:
        return name, _iban(iban)
    for length in range(min(34, len(name)), 14, -1):
        candidate = _iban(name[:length])
        if candidate is not None:
            return name[length:].strip() or None, candidate
    return name, None


def _plain(day: date | None) -> date | None:
    """mt-940's own Date subclass as a plain date (what the event store encodes)."""
    return None if day is None else date(day.year, day.month, day.day)


def _decoded(content: bytes) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")  # what German banks send


def _joined(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _iban(value: object) -> str | None:
    if not value:
        return None
    try:
        return schwifty.IBAN(str(value)).compact
    except SchwiftyException:
        return None  # BLZ/account number or something else: not an IBAN
