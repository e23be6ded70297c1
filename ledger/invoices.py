"""Outgoing and incoming invoices and credit notes: the record, its checks, its few changes.

An invoice is a business document beside the journal: recording it posts nothing; linking a
journal intent (`intent_id`) makes it open; settlements (bank reconciliation) pay it. The
rules where the reference is silent — totals and their tolerance, which fields may change —
are in docs/api.md ("Invoices").
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Final
from uuid import UUID

import msgspec

from ledger import errors
from ledger.events import InvoiceChanged, InvoiceDirection, InvoiceLine, InvoiceRecorded
from ledger.intents import BookingLine, ChangeInvoice, PostBooking, RecordInvoice, Side, stamp_of
from ledger.money import round_to_cents, tax_cents_from_net
from ledger.outcomes import Accepted, Decision

if TYPE_CHECKING:
    from ledger.state import Lookups, TenantState

LINE_TOLERANCE_CENTS: Final = 1  # per line: quantity x price vs net, and the tax on the net
PARTY_KIND: Final = {"outgoing": "customer", "incoming": "vendor"}
LINE_ACCOUNT_TYPE: Final = {"outgoing": "revenue", "incoming": "expense"}
CHANGEABLE: Final = frozenset({"intent_id", "due_date", "notes"})


class KnownInvoice(msgspec.Struct, kw_only=True):
    """An invoice already recorded, as far as deciding a change or a new one needs it."""

    invoice_id: UUID
    direction: InvoiceDirection
    party_id: UUID
    invoice_number: str
    invoice_date: date
    intent_id: UUID | None
    due_date: date | None
    notes: str | None
    version: int


def validate(state: TenantState, lookups: Lookups, intent: RecordInvoice) -> None:
    """Every rule of a new invoice; changes nothing."""
    party = state.parties.get(intent.party_id)
    if party is None or party.kind != PARTY_KIND[intent.direction]:
        missing = {"outgoing": errors.CustomerNotFound, "incoming": errors.VendorNotFound}
        raise missing[intent.direction](
            f"No {PARTY_KIND[intent.direction]} with this id exists.",
            id=str(intent.party_id),
        )
    number = intent.invoice_number.strip()
    existing = lookups.invoice_numbers.get((intent.party_id, number))
    if existing is not None:
        raise errors.DuplicateInvoiceNumber(
            f"{party.details.name} already has an invoice numbered {number}.",
            existing_id=str(existing),
        )
    if intent.due_date is not None and intent.due_date < intent.invoice_date:
        raise errors.InvalidInput(
            "due_date must not be before invoice_date.",
            invoice_date=intent.invoice_date.isoformat(),
            due_date=intent.due_date.isoformat(),
        )
    positions = [line.position for line in intent.lines]
    if len(set(positions)) != len(positions):
        raise errors.InvalidInput("Every line needs its own position.", positions=positions)
    _require_line_accounts(state, intent)
    _require_totals(intent)
    if not intent.book:
        _require_links(lookups, intent.intent_id, intent.document_id)
    elif intent.intent_id is not None:
        raise errors.InvalidInput("Give intent_id or book: true, not both.")
    elif intent.currency != "EUR":
        raise errors.InvalidInput(
            f"book: true books EUR invoices; book this {intent.currency} invoice with an fx "
            "block (POST /v1/bookings) and link its intent.",
            currency=intent.currency,
        )


def record(state: TenantState, lookups: Lookups, intent: RecordInvoice, now: datetime) -> Decision:
    validate(state, lookups, intent)
    number = intent.invoice_number.strip()
    event = InvoiceRecorded(
        **stamp_of(intent, now),
        invoice_id=intent.invoice_id,
        direction=intent.direction,
        party_id=intent.party_id,
        invoice_type=intent.invoice_type,
        invoice_number=number,
        invoice_date=intent.invoice_date,
        due_date=intent.due_date,
        currency=intent.currency,
        total_net_cents=intent.total_net_cents,
        total_tax_cents=intent.total_tax_cents,
        total_gross_cents=intent.total_gross_cents,
        lines=intent.lines,
        intent_id=intent.intent_id,
        document_id=intent.document_id,
        notes=intent.notes,
    )
    lookups.invoice_numbers[(intent.party_id, number)] = intent.invoice_id
    lookups.invoices_by_id[intent.invoice_id] = KnownInvoice(
        invoice_id=intent.invoice_id,
        direction=intent.direction,
        party_id=intent.party_id,
        invoice_number=number,
        invoice_date=intent.invoice_date,
        intent_id=intent.intent_id,
        due_date=intent.due_date,
        notes=intent.notes,
        version=1,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.invoice_id)))


def change(lookups: Lookups, intent: ChangeInvoice, now: datetime) -> Decision:
    known = lookups.invoices_by_id.get(intent.invoice_id)
    if known is None or known.direction != intent.direction:
        raise errors.NotFound("No invoice with this id exists.", id=str(intent.invoice_id))
    assert set(intent.changes) <= CHANGEABLE, intent.changes
    if "intent_id" in intent.changes:
        new = intent.changes["intent_id"]
        if known.intent_id is not None and new != known.intent_id:
            raise errors.IntentAlreadySet(
                "The invoice is already linked to a journal intent; that link cannot change.",
                intent_id=str(known.intent_id),
            )
        if new is None:
            raise errors.InvalidInput("intent_id cannot be cleared.", field="intent_id")
        _require_links(lookups, new, None)
    after = msgspec.structs.replace(known, **intent.changes)
    if after.due_date is not None and after.due_date < known.invoice_date:
        raise errors.InvalidInput("due_date must not be before invoice_date.")
    if after == known:
        raise errors.NoChanges("The request changes nothing.", id=str(intent.invoice_id))
    after.version += 1
    lookups.invoices_by_id[intent.invoice_id] = after
    event = InvoiceChanged(
        **stamp_of(intent, now),
        invoice_id=intent.invoice_id,
        version=after.version,
        intent_id=after.intent_id,
        due_date=after.due_date,
        notes=after.notes,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.invoice_id)))


def booking_for(state: TenantState, intent: RecordInvoice) -> PostBooking:
    """The journal intent of an invoice booked with it (`book: true`, docs/api.md).

    The personal account takes the gross; each line's account (or the party's default account)
    takes its net with the tax code of its rate, and the code's VAT account the invoice's own
    tax, summed per account and rate. A credit note books the other way round.
    """
    party = state.parties[intent.party_id]
    party_side: Side = "debit" if intent.direction == "outgoing" else "credit"
    line_side: Side = "credit" if party_side == "debit" else "debit"
    if intent.invoice_type == "credit_note":
        party_side, line_side = line_side, party_side
    groups: dict[tuple[str, int], list[int]] = {}
    for line in intent.lines:
        account = line.account_number or party.details.default_account
        if account is None:
            raise errors.InvalidInput(
                f"Line {line.position} names no account and {party.details.name} has no "
                "default_account: give one to book the invoice.",
                position=line.position,
            )
        sums = groups.setdefault((account, line.tax_rate_bp), [0, 0])
        sums[0] += line.line_total_cents
        sums[1] += line.tax_amount_cents
    lines = [
        BookingLine(
            account_number=party.account_number,
            side=party_side,
            amount_cents=intent.total_gross_cents,
        )
    ]
    for (account, rate_bp), (gross, tax) in sorted(groups.items()):
        if gross == 0:
            continue
        code = _tax_code_for(state, intent.direction, rate_bp) if tax or rate_bp else None
        lines.append(
            BookingLine(
                account_number=account,
                side=line_side,
                amount_cents=gross,
                tax_code=code,
                tax_cents=tax if code is not None else None,
            )
        )
    word = "Gutschrift" if intent.invoice_type == "credit_note" else "Rechnung"
    return PostBooking(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel=intent.channel,
        intent_id=uuid.uuid5(intent.invoice_id, "booking"),
        booking_date=intent.invoice_date,
        description=f"{word} {intent.invoice_number.strip()} {party.details.name}"[:1000],
        lines=tuple(lines),
        external_reference=intent.invoice_number.strip(),
        document_id=intent.document_id,
        skip_duplicate_check=True,  # the invoice number is already unique for the party
    )


def _tax_code_for(state: TenantState, direction: InvoiceDirection, rate_bp: int) -> str:
    """The tenant's active output (outgoing) or input (incoming) code of this rate; system
    codes first."""
    kind = "output" if direction == "outgoing" else "input"
    candidates = sorted(
        (
            code
            for code in state.tax_codes.values()
            if code.kind == kind
            and code.rate_bp == rate_bp
            and code.is_active
            and code.vat_account is not None
            and not code.self_assessed
        ),
        key=lambda code: (not code.is_system, code.code),
    )
    if not candidates:
        raise errors.InvalidTaxCode(
            f"No active {kind} tax code has the rate {Decimal(rate_bp) / 100} %: define one "
            "(POST /v1/tax-codes) or book the invoice yourself.",
            rate=str(Decimal(rate_bp) / 100),
        )
    return candidates[0].code


def _require_line_accounts(state: TenantState, intent: RecordInvoice) -> None:
    expected = LINE_ACCOUNT_TYPE[intent.direction]
    for line in intent.lines:
        if line.account_number is None:
            continue
        account = state.accounts.get(line.account_number)
        if account is None:
            raise errors.AccountNotFound(
                f"Line {line.position}: account {line.account_number} does not exist.",
                account_number=line.account_number,
                position=line.position,
            )
        if account.type != expected:
            raise errors.InvalidAccountType(
                f"Line {line.position}: account {line.account_number} ({account.name}) is "
                f"{account.type}; invoice lines take {expected} accounts here.",
                account_number=line.account_number,
                position=line.position,
            )


def _require_totals(intent: RecordInvoice) -> None:
    """Header totals equal the lines' sums exactly; each line adds up within a cent."""
    for line in intent.lines:
        net = line.line_total_cents - line.tax_amount_cents
        priced = round_to_cents(line.quantity * line.unit_price)
        if abs(priced - net) > LINE_TOLERANCE_CENTS:
            _mismatch(line, "quantity x unit_price", priced, net)
        taxed = tax_cents_from_net(net, line.tax_rate_bp)
        if abs(taxed - line.tax_amount_cents) > LINE_TOLERANCE_CENTS:
            _mismatch(line, "tax_amount", taxed, line.tax_amount_cents)
    sums = {
        "total_gross": sum(line.line_total_cents for line in intent.lines),
        "total_tax": sum(line.tax_amount_cents for line in intent.lines),
    }
    given = {"total_gross": intent.total_gross_cents, "total_tax": intent.total_tax_cents}
    for field, expected in sums.items():
        if given[field] != expected:
            raise errors.InvoiceTotalsMismatch(
                f"{field} is {_euros(given[field])} but the lines add up to {_euros(expected)}.",
                field=field,
                expected=_euros(expected),
                found=_euros(given[field]),
            )
    if intent.total_net_cents + intent.total_tax_cents != intent.total_gross_cents:
        raise errors.InvoiceTotalsMismatch(
            "total_net + total_tax must equal total_gross.",
            field="total_net",
            expected=_euros(intent.total_gross_cents - intent.total_tax_cents),
            found=_euros(intent.total_net_cents),
        )


def _mismatch(line: InvoiceLine, field: str, expected: int, found: int) -> None:
    raise errors.InvoiceTotalsMismatch(
        f"Line {line.position}: {field} gives {_euros(expected)}, the line says "
        f"{_euros(found)} (a difference of at most 0.01 is accepted).",
        field=field,
        position=line.position,
        expected=_euros(expected),
        found=_euros(found),
    )


def _require_links(lookups: Lookups, intent_id: UUID | None, document_id: UUID | None) -> None:
    if intent_id is not None and intent_id not in lookups.by_intent_id:
        raise errors.InvalidInput(
            "No booking with this intent_id exists in this tenant.", intent_id=str(intent_id)
        )
    if document_id is not None and document_id not in lookups.document_ids:
        raise errors.DocumentNotFound(
            "The document does not exist in this tenant.", document_id=str(document_id)
        )


def _euros(cents: int) -> str:
    return str(Decimal(cents).scaleb(-2))
