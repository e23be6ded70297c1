"""The practice layer's read tables: pure folds of its events (as projections/fold.py does
for the books), merged into the same live path and rebuild."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ledger.events import (
    ClientEntityLinked,
    EngagementCreated,
    EngagementStatusChanged,
    EngagementTaskCompleted,
    Event,
    PartnerFirmEnrolled,
    PartnerFirmLeft,
    PracticeInvoiceIssued,
    ReportLinkCreated,
    ReportLinkRevoked,
    TimeEntryDeleted,
    TimeEntryInvoiced,
    TimeEntryRecorded,
)
from ledger.practice.time_entries import value_cents
from projections.changes import Change, Insert, Update, Upsert

PRACTICE_EVENTS: Final = (
    PartnerFirmEnrolled,
    PartnerFirmLeft,
    ClientEntityLinked,
    PracticeInvoiceIssued,
    TimeEntryRecorded,
    TimeEntryDeleted,
    TimeEntryInvoiced,
    EngagementCreated,
    EngagementTaskCompleted,
    EngagementStatusChanged,
    ReportLinkCreated,
    ReportLinkRevoked,
)

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "practice_firms": (
        "tenant_id",
        "partner_tier",
        "default_rate_cents",
        "fee_account",
        "tax_code",
        "invoice_prefix",
        "is_active",
        "onboarded_at",
        "updated_at",
    ),
    "practice_clients": (
        "link_id",
        "firm_id",
        "client_id",
        "name",
        "entity_type",
        "industry",
        "tier",
        "billing_mode",
        "monthly_fee_cents",
        "created_at",
    ),
    "practice_invoices": (
        "invoice_id",
        "firm_id",
        "client_id",
        "party_id",
        "invoice_number",
        "invoice_date",
        "entry_count",
        "line_count",
        "total_gross_cents",
        "created_at",
    ),
    "time_entries": (
        "id",
        "firm_id",
        "client_id",
        "work_date",
        "minutes",
        "description",
        "billable",
        "rate_cents",
        "value_cents",
        "status",
        "invoice_id",
        "created_by",
        "created_at",
        "updated_at",
    ),
    "engagements": (
        "id",
        "firm_id",
        "client_id",
        "name",
        "engagement_type",
        "recurrence",
        "start_date",
        "notes",
        "status",
        "ended_on",
        "version",
        "created_at",
        "updated_at",
    ),
    "engagement_tasks_done": ("engagement_id", "task_id", "completed_by", "completed_at"),
    "report_links": (
        "id",
        "tenant_id",
        "entity_id",
        "report",
        "date_from",
        "date_to",
        "language",
        "token_hash",
        "expires_at",
        "revoked_at",
        "created_at",
    ),
}
UPDATE_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "practice_firms": ("tenant_id",),
    "time_entries": ("id",),
    "engagements": ("id",),
    "report_links": ("id",),
}


def changes_of(event: Event) -> Iterable[Change]:
    match event:
        case PartnerFirmEnrolled():
            yield Upsert(
                "practice_firms",
                (
                    event.tenant_id,
                    event.partner_tier,
                    event.default_rate_cents,
                    event.fee_account,
                    event.tax_code,
                    event.invoice_prefix,
                    True,
                    event.recorded_at,
                    event.recorded_at,
                ),
            )
        case PartnerFirmLeft():
            yield Update(
                "practice_firms",
                (event.tenant_id,),
                {"is_active": False, "updated_at": event.recorded_at},
            )
        case ClientEntityLinked():
            yield Insert(
                "practice_clients",
                (
                    event.link_id,
                    event.tenant_id,
                    event.client_entity_id,
                    event.name,
                    event.entity_type,
                    event.industry,
                    event.tier,
                    event.billing_mode,
                    event.monthly_fee_cents,
                    event.recorded_at,
                ),
            )
        case PracticeInvoiceIssued():
            yield Insert(
                "practice_invoices",
                (
                    event.invoice_id,
                    event.tenant_id,
                    event.client_entity_id,
                    event.party_id,
                    event.invoice_number,
                    event.invoice_date,
                    len(event.entry_ids),
                    event.line_count,
                    event.total_gross_cents,
                    event.recorded_at,
                ),
            )
        case TimeEntryRecorded():
            yield Insert(
                "time_entries",
                (
                    event.entry_id,
                    event.tenant_id,
                    event.client_entity_id,
                    event.work_date,
                    event.minutes,
                    event.description,
                    event.billable,
                    event.rate_cents,
                    value_cents(event.minutes, event.rate_cents),
                    "unbilled",
                    None,
                    event.actor.label,
                    event.recorded_at,
                    event.recorded_at,
                ),
            )
        case TimeEntryDeleted():
            yield Update(
                "time_entries",
                (event.entry_id,),
                {"status": "deleted", "updated_at": event.recorded_at},
            )
        case TimeEntryInvoiced():
            yield Update(
                "time_entries",
                (event.entry_id,),
                {
                    "status": "invoiced",
                    "invoice_id": event.invoice_id,
                    "updated_at": event.recorded_at,
                },
            )
        case EngagementCreated():
            yield Insert(
                "engagements",
                (
                    event.engagement_id,
                    event.tenant_id,
                    event.client_entity_id,
                    event.name,
                    event.engagement_type,
                    event.recurrence,
                    event.start_date,
                    event.notes,
                    "active",
                    None,
                    1,
                    event.recorded_at,
                    event.recorded_at,
                ),
            )
        case EngagementTaskCompleted():
            yield Insert(
                "engagement_tasks_done",
                (event.engagement_id, event.task_id, event.actor.label, event.recorded_at),
            )
            yield Update(
                "engagements",
                (event.engagement_id,),
                {"version": event.version, "updated_at": event.recorded_at},
            )
        case EngagementStatusChanged():
            yield Update(
                "engagements",
                (event.engagement_id,),
                {
                    "status": event.status,
                    "ended_on": None if event.status == "active" else event.recorded_at.date(),
                    "version": event.version,
                    "updated_at": event.recorded_at,
                },
            )
        case ReportLinkCreated():
            yield Insert(
                "report_links",
                (
                    event.link_id,
                    event.tenant_id,
                    event.entity_id,
                    event.report,
                    event.date_from,
                    event.date_to,
                    event.language,
                    event.token_hash,
                    event.expires_at,
                    None,
                    event.recorded_at,
                ),
            )
        case ReportLinkRevoked():
            yield Update("report_links", (event.link_id,), {"revoked_at": event.recorded_at})
