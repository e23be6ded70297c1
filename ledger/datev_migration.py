"""From a read DATEV Buchungsstapel to booking intents: what each row would book, and every row
that cannot be booked, with its line (docs/api.md, "DATEV import").

Pure. Each row becomes one booking of two gross lines (`ledger/datev_import.booking_lines`)
with the tax code of its BU-Schlüssel or Automatikkonto. Its idempotency key is the row's
Buchungs GUID, or else the file's SHA-256 and the line, so importing the same file (or the same
DATEV bookings in another file) again books nothing twice.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final
from uuid import UUID

from ledger.datev_import import DatevBatch, DatevRow, RowProblem, booking_lines, row_tax_code
from ledger.events import Actor, Channel
from ledger.intents import PostBooking

DESCRIPTION_CHARS_MAX: Final = 1_000
REFERENCE_CHARS_MAX: Final = 200
_INTENT_NAMESPACE: Final = UUID("0d5e1c1e-6d0a-4b1f-9a44-64617465762e")


@dataclass(frozen=True)
class PlannedBooking:
    line: int
    intent: PostBooking


def plan_import(
    batch: DatevBatch,
    *,
    tenant_id: UUID,
    actor: Actor,
    channel: Channel,
    chart: str,
    automatic: frozenset[str],
    accounts: Collection[str],
    file_sha256: str,
) -> tuple[list[PlannedBooking], list[RowProblem]]:
    """The bookings of the rows that can be booked, and a problem for each that cannot."""
    planned, problems = [], []
    for row in batch.rows:
        problem = _problem(row, accounts)
        if problem is not None:
            problems.append(problem)
            continue
        try:
            tax_code = row_tax_code(row, chart, automatic)
        except ValueError as refusal:
            problems.append(RowProblem(line=row.line, column=9, message=str(refusal)))
            continue
        key = f"datev:{row.guid}" if row.guid else f"datev:{file_sha256}:{row.line}"
        lines = booking_lines(row, tax_code, automatic)
        planned.append(
            PlannedBooking(
                line=row.line,
                intent=PostBooking(
                    tenant_id=tenant_id,
                    actor=actor,
                    channel=channel,
                    intent_id=uuid.uuid5(_INTENT_NAMESPACE, f"{tenant_id}:{key}"),
                    booking_date=row.booking_date,
                    description=(row.text or f"DATEV-Import Zeile {row.line}")[
                        :DESCRIPTION_CHARS_MAX
                    ],
                    lines=lines,
                    external_reference=(row.belegfeld1 or None)
                    and row.belegfeld1[:REFERENCE_CHARS_MAX],
                    idempotency_key=key,
                    request_hash=_row_hash(row, tax_code),
                    skip_duplicate_check=True,
                ),
            )
        )
    return planned, problems


def _problem(row: DatevRow, accounts: Collection[str]) -> RowProblem | None:
    if row.currency != "EUR":
        return RowProblem(
            line=row.line,
            column=3,
            message=f"The row is in {row.currency}; the import books EUR rows only.",
        )
    if row.konto == row.gegenkonto:
        return RowProblem(
            line=row.line, column=8, message=f"Konto and Gegenkonto are both {row.konto}."
        )
    for column, account in ((7, row.konto), (8, row.gegenkonto)):
        if account not in accounts:
            return RowProblem(
                line=row.line,
                column=column,
                message=f"Account {account} does not exist here: create it first (for a "
                "customer or vendor account, the customer or vendor).",
            )
    return None


def _row_hash(row: DatevRow, tax_code: str | None) -> str:
    """What a replay of the row must repeat to be the same booking."""
    parts = (row.booking_date, row.amount_cents, row.side, row.konto, row.gegenkonto, tax_code)
    return hashlib.sha256(repr(parts).encode()).hexdigest()
