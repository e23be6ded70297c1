"""Time entries: hours a firm worked for a client, in quarter hours, at a rate in cents per
hour. Each entry is its own stream: recorded (version 1), then deleted or invoiced (2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal
from uuid import UUID

import msgspec

from ledger import errors
from ledger.events import TimeEntryDeleted, TimeEntryRecorded
from ledger.intents import DeleteTime, RecordTime, stamp_of
from ledger.money import round_to_cents
from ledger.outcomes import Accepted, Decision
from ledger.practice.firms import Firm

MINUTES_STEP: Final = 15  # hours are recorded in quarter hours (0.25, 0.5, 0.75, 1, …)
MINUTES_PER_ENTRY_MAX: Final = 24 * 60
RATE_CENTS_MAX: Final = 10_000_00  # 10,000 EUR an hour
TimeStatus = Literal["unbilled", "invoiced", "deleted"]


class KnownTimeEntry(msgspec.Struct, frozen=True, kw_only=True):
    client_entity_id: UUID
    work_date: date
    minutes: int
    description: str | None
    billable: bool
    rate_cents: int
    status: TimeStatus
    invoice_id: UUID | None = None


def hours_of(minutes: int) -> Decimal:
    return Decimal(minutes) / 60


def value_cents(minutes: int, rate_cents: int) -> int:
    """hours x rate, half up to the cent: what the entry is worth, and its invoice line's net."""
    return round_to_cents(hours_of(minutes) * Decimal(rate_cents) / 100)


def minutes_of(hours: Decimal) -> int:
    """Hours as given (2.5) -> minutes, refusing anything but whole quarter hours above 0."""
    minutes = hours * 60
    if (
        hours <= 0
        or minutes != minutes.to_integral_value()
        or int(minutes) % MINUTES_STEP
        or minutes > MINUTES_PER_ENTRY_MAX
    ):
        raise errors.InvalidInput(
            "hours must be whole quarter hours above 0 and at most 24 (0.25, 0.5, 1.75, …).",
            hours=str(hours),
        )
    return int(minutes)


def record(firm: Firm, intent: RecordTime, now: datetime) -> Decision:
    enrolment = firm.require_active()
    firm.client(intent.client_entity_id)
    if (
        intent.minutes <= 0
        or intent.minutes % MINUTES_STEP
        or intent.minutes > MINUTES_PER_ENTRY_MAX
    ):
        raise errors.InvalidInput("minutes must be whole quarter hours, above 0, at most 24 h.")
    rate = enrolment.default_rate_cents if intent.rate_cents is None else intent.rate_cents
    if not 0 <= rate <= RATE_CENTS_MAX:
        raise errors.InvalidInput(
            "rate is in cents per hour, from 0 to 1,000,000.", rate=intent.rate_cents
        )
    event = TimeEntryRecorded(
        **stamp_of(intent, now),
        entry_id=intent.entry_id,
        client_entity_id=intent.client_entity_id,
        work_date=intent.work_date,
        minutes=intent.minutes,
        description=intent.description,
        billable=intent.billable,
        rate_cents=rate,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.entry_id)))


def known(entries: dict[UUID, KnownTimeEntry], entry_id: UUID) -> KnownTimeEntry:
    entry = entries.get(entry_id)
    if entry is None or entry.status == "deleted":
        raise errors.TimeEntryNotFound("No time entry with this id exists.", id=str(entry_id))
    return entry


def delete(
    firm: Firm, entries: dict[UUID, KnownTimeEntry], intent: DeleteTime, now: datetime
) -> Decision:
    firm.require_active()
    entry = known(entries, intent.entry_id)
    if entry.status == "invoiced":
        raise errors.TimeEntryInvoiced(
            "The entry is invoiced and stays as billed; correct the invoice by a credit note.",
            id=str(intent.entry_id),
            invoice_id=str(entry.invoice_id),
        )
    entries[intent.entry_id] = msgspec.structs.replace(entry, status="deleted")
    event = TimeEntryDeleted(**stamp_of(intent, now), entry_id=intent.entry_id)
    return Decision(events=(event,), result=Accepted(subject=str(intent.entry_id)))
