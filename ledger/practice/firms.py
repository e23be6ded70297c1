"""A partner firm as the writer knows it (its enrolment, clients and the invoices it billed
from time) and the decisions about enrolment and client links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from ledger import errors
from ledger.events import (
    ClientEntityLinked,
    Event,
    PartnerFirmEnrolled,
    PartnerFirmLeft,
    PracticeInvoiceIssued,
)
from ledger.intents import EnrollPartnerFirm, LeavePartnerProgramme, LinkClientEntity, stamp_of
from ledger.outcomes import Accepted, Decision

if TYPE_CHECKING:
    from ledger.state import TenantState

# The revenue account of fee invoices by chart, unless the firm names its own: "Erlöse 19 %".
FEE_ACCOUNTS = {"skr04": "4400", "skr03": "8400"}
INVOICE_PREFIX_CHARS_MAX = 20


@dataclass
class Firm:
    enrolment: PartnerFirmEnrolled | None = None
    active: bool = False
    clients: dict[UUID, ClientEntityLinked] = field(default_factory=dict)  # by client entity
    invoices: dict[UUID, PracticeInvoiceIssued] = field(default_factory=dict)
    invoices_per_year: dict[int, int] = field(default_factory=dict)

    def apply(self, event: Event) -> None:
        match event:
            case PartnerFirmEnrolled():
                self.enrolment, self.active = event, True
            case PartnerFirmLeft():
                self.active = False
            case ClientEntityLinked():
                self.clients[event.client_entity_id] = event
            case PracticeInvoiceIssued():
                self.invoices[event.invoice_id] = event
                year = event.invoice_date.year
                self.invoices_per_year[year] = self.invoices_per_year.get(year, 0) + 1

    def require_active(self) -> PartnerFirmEnrolled:
        if not self.active or self.enrolment is None:
            raise errors.NotAPartnerFirm(
                "This entity is not an active partner firm: practice features need the "
                "partner programme (ledger tenants partner).",
            )
        return self.enrolment

    def client(self, client_entity_id: UUID) -> ClientEntityLinked:
        link = self.clients.get(client_entity_id)
        if link is None:
            raise errors.ClientNotFound(
                "No client entity with this id is managed by the firm.",
                entity_id=str(client_entity_id),
            )
        return link


def enroll(state: TenantState, intent: EnrollPartnerFirm, now: datetime) -> Decision:
    """Join the programme, or change the terms of a membership."""
    assert state.tenant is not None
    fee_account = intent.fee_account or FEE_ACCOUNTS[state.tenant.account_framework]
    account = state.accounts.get(fee_account)
    if account is None or account.type != "revenue":
        raise errors.InvalidInput(
            f"The fee account {fee_account} is not a revenue account of the chart.",
            fee_account=fee_account,
        )
    code = state.tax_code(intent.tax_code)
    if code is None or code.kind != "output" or not code.is_active:
        raise errors.InvalidTaxCode(
            f"{intent.tax_code} is not an active output tax code.", tax_code=intent.tax_code
        )
    if intent.default_rate_cents <= 0:
        raise errors.InvalidInput("The default hourly rate must be above zero.")
    prefix = intent.invoice_prefix.strip()
    if not prefix or len(prefix) > INVOICE_PREFIX_CHARS_MAX:
        raise errors.InvalidInput(
            f"The invoice prefix needs 1 to {INVOICE_PREFIX_CHARS_MAX} characters."
        )
    event = PartnerFirmEnrolled(
        **stamp_of(intent, now),
        partner_tier=intent.partner_tier,
        default_rate_cents=intent.default_rate_cents,
        fee_account=fee_account,
        tax_code=code.code,
        invoice_prefix=prefix,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.tenant_id)))


def leave(firm: Firm, intent: LeavePartnerProgramme, now: datetime) -> Decision:
    firm.require_active()
    event = PartnerFirmLeft(**stamp_of(intent, now))
    return Decision(events=(event,), result=Accepted(subject=str(intent.tenant_id)))


def link_client(firm: Firm, intent: LinkClientEntity, now: datetime) -> Decision:
    firm.require_active()
    if intent.client_entity_id in firm.clients:
        raise errors.InvalidInput(
            "The entity is already a client of the firm.",
            entity_id=str(intent.client_entity_id),
        )
    event = ClientEntityLinked(
        **stamp_of(intent, now),
        link_id=intent.link_id,
        client_entity_id=intent.client_entity_id,
        name=intent.name,
        entity_type=intent.entity_type,
        industry=intent.industry,
        tier=intent.tier,
        billing_mode=intent.billing_mode,
        monthly_fee_cents=intent.monthly_fee_cents,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.link_id)))
