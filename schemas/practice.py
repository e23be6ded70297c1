"""The practice API's wire contract (seed 001, the Axiomatic practice API): camelCase fields,
money in integer cents (`rate`, `value`, `total`, `monthlyFee…`), hours as decimal numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from schemas.journal import NO_NUL_PATTERN
from schemas.users import Email

ClientTier = Literal["STARTER", "PROFESSIONAL", "BUSINESS"]
BillingMode = Literal["consolidated", "client_direct"]
EngagementType = Literal["bookkeeping", "tax_prep", "advisory", "audit", "other"]
Recurrence = Literal["monthly", "quarterly", "annual", "none"]
EngagementStatus = Literal["active", "completed", "cancelled"]


def _text(max_length: int, min_length: int = 0):
    return Annotated[
        str, Meta(min_length=min_length, max_length=max_length, pattern=NO_NUL_PATTERN)
    ]


class PracticeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, rename="camel"):
    """Request bodies: a typo in a field name is a 400."""


class PracticeOut(msgspec.Struct, kw_only=True, rename="camel"):
    """Response bodies."""


# --- clients --------------------------------------------------------------------------------


class ClientIn(PracticeIn, kw_only=True):
    firm_entity_id: UUID
    name: _text(255, 1)
    type: _text(40) | None = None  # the legal form: GmbH, UG, GbR, e.K., llc, …
    industry: _text(100) | None = None
    tier: ClientTier = "STARTER"
    billing_mode: BillingMode = "consolidated"
    account_framework: Literal["skr04", "skr03"] | None = None  # None: the firm's chart
    fiscal_year_start: Annotated[int, Meta(ge=1, le=12)] = 1


class EntityOut(PracticeOut, kw_only=True):
    id: UUID
    name: str
    type: str | None
    industry: str | None
    account_framework: str
    created_at: datetime


class LinkOut(PracticeOut, kw_only=True):
    id: UUID
    client_tier: ClientTier
    billing_mode: BillingMode
    monthly_fee: int  # cents


class ClientOut(PracticeOut, kw_only=True):
    entity: EntityOut
    link: LinkOut


class ClientsOut(PracticeOut, kw_only=True):
    clients: list[ClientOut]


class InviteIn(PracticeIn, kw_only=True):
    email: Email
    role: Literal["ADMIN", "MEMBER", "VIEWER"] = "VIEWER"
    name: _text(200, 1) | None = None


class InviteOut(PracticeOut, kw_only=True):
    user_id: UUID
    entity_id: UUID
    email: str
    role: Literal["ADMIN", "MEMBER", "VIEWER"]
    invited: bool


# --- time -----------------------------------------------------------------------------------


class TimeIn(PracticeIn, kw_only=True):
    firm_entity_id: UUID
    entity_id: UUID
    date: date
    hours: Decimal  # whole quarter hours: 0.25, 0.5, …, at most 24
    description: _text(1_000) | None = None
    billable: bool = True
    rate: Annotated[int, Meta(ge=0, le=1_000_000)] | None = None  # cents per hour


class TimeEntryOut(PracticeOut, kw_only=True):
    id: UUID
    entity_id: UUID
    date: date
    hours: Decimal
    description: str | None
    billable: bool
    rate: int  # cents per hour
    value: int  # cents: hours x rate, half up
    status: Literal["unbilled", "invoiced"]
    invoice_id: UUID | None
    created_by: str
    created_at: datetime


class TimeEntriesOut(PracticeOut, kw_only=True):
    entries: list[TimeEntryOut]
    total_hours: Decimal
    billable_hours: Decimal


class DeletedOut(PracticeOut, kw_only=True):
    id: UUID
    deleted: bool


# --- engagements ----------------------------------------------------------------------------


class EngagementIn(PracticeIn, kw_only=True):
    firm_entity_id: UUID
    entity_id: UUID
    name: _text(200, 1)
    start_date: date
    type: EngagementType = "other"
    recurrence: Recurrence | None = None  # null or absent: a one-off engagement ("none")
    notes: _text(2_000) | None = None


class EngagementPatchIn(PracticeIn, kw_only=True):
    """Either `taskId` (complete that task) or `engagementId` with `status`."""

    firm_entity_id: UUID
    task_id: _text(100, 1) | None = None
    engagement_id: UUID | None = None
    status: EngagementStatus | None = None


class TaskOut(PracticeOut, kw_only=True):
    id: str
    name: str
    period: str
    due_date: date
    status: Literal["open", "completed"]
    overdue: bool
    completed_at: datetime | None
    completed_by: str | None


class EngagementOut(PracticeOut, kw_only=True):
    id: UUID
    entity_id: UUID
    name: str
    type: EngagementType
    recurrence: Recurrence
    start_date: date
    notes: str | None
    status: EngagementStatus
    created_at: datetime
    tasks: list[TaskOut]


class EngagementsOut(PracticeOut, kw_only=True):
    engagements: list[EngagementOut]


# --- billing --------------------------------------------------------------------------------


class BillingClientOut(PracticeOut, kw_only=True):
    entity_id: UUID
    name: str
    client_tier: ClientTier
    billing_mode: BillingMode
    monthly_fee: int  # cents, the tier's fee
    discounted_fee: int  # cents, after the firm's volume discount
    unbilled_hours: Decimal
    unbilled_value: int  # cents
    invoiced_this_month: int  # cents, gross, invoices from time dated this month


class BillingOut(PracticeOut, kw_only=True):
    firm_entity_id: UUID
    partner_tier: str
    client_count: int
    volume_discount: Decimal  # a fraction: 0.10
    monthly_fees: int  # cents, after discount, for the clients billed to the firm
    clients: list[BillingClientOut]


class BillTimeIn(PracticeIn, kw_only=True):
    firm_entity_id: UUID
    client_entity_id: UUID
    time_entry_ids: Annotated[list[UUID], Meta(min_length=1, max_length=500)]


class BilledInvoiceOut(PracticeOut, kw_only=True):
    id: UUID
    number: str
    total: int  # cents, gross
    line_count: int
    intent_id: UUID  # the booking in the firm's journal


class BillTimeOut(PracticeOut, kw_only=True):
    invoice: BilledInvoiceOut
    marked_entries: int


# --- printable reports and shared links -----------------------------------------------------

ReportKind = Literal["balance_sheet", "income_statement", "trial_balance"]


class ShareParametersIn(PracticeIn, kw_only=True):
    book_id: _text(100, 1) = "main"
    from_: date = msgspec.field(name="from")
    to: date
    lang: Literal["de", "en"] = "de"


class ShareIn(PracticeIn, kw_only=True):
    entity_id: UUID
    report_type: ReportKind
    parameters: ShareParametersIn
    expires_in_days: Annotated[int, Meta(ge=1, le=90)] = 7


class ShareOut(PracticeOut, kw_only=True):
    id: UUID
    share_url: str  # carries the token: shown this once, stored only as a hash
    expires_at: datetime


class ReportLinkOut(PracticeOut, kw_only=True):
    id: UUID
    entity_id: UUID
    report_type: ReportKind
    date_from: date
    date_to: date
    lang: Literal["de", "en"]
    status: Literal["active", "expired", "revoked"]
    expires_at: datetime
    revoked_at: datetime | None
    access_count: int
    last_access_at: datetime | None
    created_at: datetime


class ReportLinksOut(PracticeOut, kw_only=True):
    links: list[ReportLinkOut]
