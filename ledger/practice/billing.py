"""Billing time: the outgoing invoice in the firm's books for a client's time entries
(hours x rate per entry, the firm's output tax code, its fee account), numbered per firm and
year. `ledger/decide.py` records and books it with the entries marked invoiced, in one
decision."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final
from uuid import UUID

from ledger import errors
from ledger.events import InvoiceLine
from ledger.intents import InvoiceTime, RecordInvoice
from ledger.money import tax_cents_from_net
from ledger.practice.time_entries import KnownTimeEntry, hours_of, known, value_cents

if TYPE_CHECKING:
    from ledger.state import TenantState

PAYMENT_DAYS: Final = 14
ENTRIES_PER_INVOICE_MAX: Final = 500  # an invoice holds at most 500 lines


def invoice_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}{year}-{sequence:05d}"


def invoice_for(
    state: TenantState, entries: dict[UUID, KnownTimeEntry], intent: InvoiceTime
) -> RecordInvoice:
    """The invoice to record and book, after every rule of billing time held."""
    firm = state.firm
    enrolment = firm.require_active()
    firm.client(intent.client_entity_id)
    if not intent.entry_ids or len(intent.entry_ids) > ENTRIES_PER_INVOICE_MAX:
        raise errors.InvalidInput(f"Name 1 to {ENTRIES_PER_INVOICE_MAX} time entries to invoice.")
    if len(set(intent.entry_ids)) != len(intent.entry_ids):
        raise errors.InvalidInput("A time entry is named twice.")
    chosen = [(entry_id, known(entries, entry_id)) for entry_id in intent.entry_ids]
    for entry_id, entry in chosen:
        _require_billable(entry_id, entry, intent.client_entity_id)
    party = state.parties.get(intent.party_id)
    if party is None or party.kind != "customer":
        raise errors.CustomerNotFound("The client has no customer record in the firm's books.")
    code = state.tax_code(enrolment.tax_code)
    if code is None or not code.is_active:
        raise errors.InvalidTaxCode(
            f"The firm's tax code {enrolment.tax_code} is not active.",
            tax_code=enrolment.tax_code,
        )
    chosen.sort(key=lambda pair: (pair[1].work_date, str(pair[0])))
    lines = tuple(
        _line(position, entry, code.rate_bp, enrolment.fee_account)
        for position, (_, entry) in enumerate(chosen, start=1)
    )
    year = intent.invoice_date.year
    number = invoice_number(enrolment.invoice_prefix, year, firm.invoices_per_year.get(year, 0) + 1)
    gross = sum(line.line_total_cents for line in lines)
    tax = sum(line.tax_amount_cents for line in lines)
    return RecordInvoice(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel=intent.channel,
        invoice_id=intent.invoice_id,
        direction="outgoing",
        party_id=intent.party_id,
        invoice_type="invoice",
        invoice_number=number,
        invoice_date=intent.invoice_date,
        due_date=intent.invoice_date + timedelta(days=PAYMENT_DAYS),
        currency="EUR",
        total_net_cents=gross - tax,
        total_tax_cents=tax,
        total_gross_cents=gross,
        lines=lines,
        notes="Leistungen laut Zeiterfassung / services as per time records",
        book=True,
    )


def _require_billable(entry_id: UUID, entry: KnownTimeEntry, client_entity_id: UUID) -> None:
    if entry.client_entity_id != client_entity_id:
        raise errors.TimeEntryOfOtherClient(
            "The time entry belongs to another client.", id=str(entry_id)
        )
    if entry.status == "invoiced":
        raise errors.TimeEntryInvoiced(
            "The time entry is already invoiced.",
            id=str(entry_id),
            invoice_id=str(entry.invoice_id),
        )
    if not entry.billable:
        raise errors.TimeEntryNotBillable(
            "The time entry is not billable; record it as billable to invoice it.",
            id=str(entry_id),
        )


def _line(position: int, entry: KnownTimeEntry, rate_bp: int, account: str) -> InvoiceLine:
    net = value_cents(entry.minutes, entry.rate_cents)
    tax = tax_cents_from_net(net, rate_bp)
    text = f"{entry.work_date:%d.%m.%Y} {entry.description or 'Beratung'}"[:500]
    return InvoiceLine(
        position=position,
        description=text,
        quantity=hours_of(entry.minutes).quantize(Decimal("0.01")),
        unit_price=Decimal(entry.rate_cents) / 100,
        tax_rate_bp=rate_bp,
        tax_amount_cents=tax,
        line_total_cents=net + tax,
        account_number=account,
    )
