"""Deciding on invoice review cases: opening one for a file read as an invoice, changing its
vendor or payload (PATCH), rejecting it. Approving it records the invoice and its booking and
lives with the other booking decisions (`ledger/decide.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ledger import errors
from ledger.events import (
    InvoiceLine,
    ReviewCaseApproved,
    ReviewCaseChanged,
    ReviewCaseOpened,
    ReviewCaseRejected,
)
from ledger.inbox.review import (
    KnownCase,
    ReviewInvoice,
    payload_of,
    problems_of,
    queue_state_of,
    rate_bp,
)
from ledger.intents import (
    ChangeReviewCase,
    IncomingFile,
    RecordInvoice,
    RejectReviewCase,
    stamp_of,
)
from ledger.outcomes import Accepted, Decision

if TYPE_CHECKING:
    from ledger.state import Lookups, TenantState


class NotAnInvoice(errors.Rejected):
    code = "NOT_AN_INVOICE"


class VendorRequired(errors.Rejected):
    code = "VENDOR_REQUIRED"


class NoLineItems(errors.Rejected):
    code = "NO_LINE_ITEMS"


class AlreadyApproved(errors.Rejected):
    code = "ALREADY_APPROVED"


class CaseAlreadyRejected(errors.Rejected):
    code = "ALREADY_REJECTED"


def opened(
    file: IncomingFile, document_id: UUID, stamp: dict, lookups: Lookups
) -> ReviewCaseOpened:
    """The case of a file whose extraction read an invoice-like document."""
    assert file.extraction is not None
    payload = payload_of(file.extraction)
    match = file.vendor_match
    vendor_id = match.vendor_id if match is not None and match.status == "matched" else None
    candidates = (
        ()
        if match is None
        else tuple(dict.fromkeys((*filter(None, [match.vendor_id]), *match.candidates)))
    )
    is_invoice = file.compliance.is_invoice if file.compliance is not None else True
    state = queue_state_of(payload, vendor_id, is_invoice)
    lookups.review_cases[file.case_id] = KnownCase(
        queue_state=state,
        version=1,
        payload=payload,
        vendor_id=vendor_id,
        is_invoice=is_invoice,
        document_id=document_id,
        inbox_id=file.inbox_id,
    )
    return ReviewCaseOpened(
        **stamp,
        case_id=file.case_id,
        inbox_id=file.inbox_id,
        document_id=document_id,
        payload=payload,
        vendor_id=vendor_id,
        vendor_candidates=candidates,
        is_invoice=is_invoice,
        queue_state=state,  # type: ignore[arg-type]
        problems=tuple(problems_of(payload, vendor_id) if is_invoice else ["Kein Rechnungsbeleg."]),
    )


def known(lookups: Lookups, case_id: UUID) -> KnownCase:
    """The case, open for a decision; 404 or 409 otherwise."""
    case = lookups.review_cases.get(case_id)
    if case is None:
        raise errors.NotFound("No review case with this id exists.", id=str(case_id))
    if case.queue_state == "approved":
        raise AlreadyApproved("The case was already approved.", id=str(case_id))
    if case.queue_state == "rejected":
        raise CaseAlreadyRejected("The case was already rejected.", id=str(case_id))
    return case


def change(
    state: TenantState, lookups: Lookups, intent: ChangeReviewCase, now: datetime
) -> Decision:
    case = known(lookups, intent.case_id)
    changes: dict[str, Any] = intent.changes
    vendor_id = changes.get("vendor_id", case.vendor_id)
    if vendor_id is not None:
        vendor = state.parties.get(vendor_id)
        if vendor is None or vendor.kind != "vendor":
            raise errors.VendorNotFound("No vendor with this id exists.", vendor_id=str(vendor_id))
    payload: ReviewInvoice = changes.get("payload", case.payload)
    if (vendor_id, payload) == (case.vendor_id, case.payload):
        raise errors.NoChanges("The case already says so.", id=str(intent.case_id))
    queue_state = queue_state_of(payload, vendor_id, case.is_invoice)
    case.vendor_id, case.payload, case.queue_state = vendor_id, payload, queue_state
    case.version += 1
    event = ReviewCaseChanged(
        **stamp_of(intent, now),
        case_id=intent.case_id,
        version=case.version,
        payload=payload,
        vendor_id=vendor_id,
        queue_state=queue_state,  # type: ignore[arg-type]
        problems=tuple(problems_of(payload, vendor_id)),
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.case_id)))


def reject(lookups: Lookups, intent: RejectReviewCase, now: datetime) -> Decision:
    case = known(lookups, intent.case_id)
    case.queue_state, case.version = "rejected", case.version + 1
    event = ReviewCaseRejected(
        **stamp_of(intent, now), case_id=intent.case_id, version=case.version, reason=intent.reason
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.case_id)))


def invoice_of(intent, case: KnownCase) -> RecordInvoice:
    """The incoming invoice an approved case records (and books: `book=True`)."""
    if not case.is_invoice:
        raise NotAnInvoice(
            "The document is not an invoice; reject the case.", id=str(intent.case_id)
        )
    if case.vendor_id is None:
        raise VendorRequired("Assign the vendor first (PATCH vendor_id).", id=str(intent.case_id))
    payload = case.payload
    if not payload.lines:
        raise NoLineItems(
            "The invoice has no line items; add them (PATCH normalized_invoice).",
            id=str(intent.case_id),
        )
    problems = problems_of(payload, case.vendor_id)
    if problems:
        raise errors.InvalidInput(" ".join(problems), problems=problems)
    assert payload.invoice_number is not None
    assert payload.invoice_date is not None
    return RecordInvoice(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel=intent.channel,
        invoice_id=intent.invoice_id,
        direction="incoming",
        party_id=case.vendor_id,
        invoice_type=payload.invoice_type,
        invoice_number=payload.invoice_number,
        invoice_date=payload.invoice_date,
        due_date=payload.due_date,
        currency=payload.currency,
        total_net_cents=payload.total_net_cents,
        total_tax_cents=payload.total_tax_cents,
        total_gross_cents=payload.total_gross_cents,
        lines=tuple(
            InvoiceLine(
                position=position,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_rate_bp=rate_bp(line),
                tax_amount_cents=line.tax_cents,
                line_total_cents=line.net_cents + line.tax_cents,
                account_number=line.account_number,
            )
            for position, line in enumerate(payload.lines, start=1)
        ),
        document_id=case.document_id,
        book=True,
    )


def approved(intent, case: KnownCase, intent_id: UUID, now: datetime) -> ReviewCaseApproved:
    case.queue_state, case.version = "approved", case.version + 1
    return ReviewCaseApproved(
        **stamp_of(intent, now),
        case_id=intent.case_id,
        version=case.version,
        invoice_id=intent.invoice_id,
        intent_id=intent_id,
    )
