"""DATEV import (migration): what a Buchungsstapel books, or would book, and what it cannot."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from schemas.journal import Out


class ImportProblemOut(Out, kw_only=True):
    line: int
    column: int | None
    message: str


class ImportLineOut(Out, kw_only=True):
    account_number: str
    side: Literal["debit", "credit"]
    amount: Decimal
    tax_code: str | None


class ImportBookingOut(Out, kw_only=True):
    line: int
    intent_id: UUID
    booking_date: date
    description: str
    external_reference: str | None
    lines: list[ImportLineOut]
    status: Literal["would_book", "booked", "already_imported"]


class DatevImportOut(Out, kw_only=True):
    dry_run: bool
    format_version: int
    chart: str
    date_from: date
    date_to: date
    total_rows: int
    booked: int
    already_imported: int
    problems: list[ImportProblemOut]
    bookings: list[ImportBookingOut]
