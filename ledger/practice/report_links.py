"""Shareable report links: a token (only its SHA-256 kept) that serves one report of one
entity — the tenant's own or a managed client's — until it expires or is revoked."""

from __future__ import annotations

from datetime import datetime
from typing import Final
from uuid import UUID

import msgspec

from ledger import errors
from ledger.events import ReportLinkCreated, ReportLinkRevoked
from ledger.intents import CreateReportLink, RevokeReportLink, stamp_of
from ledger.outcomes import Accepted, Decision
from ledger.practice.firms import Firm

EXPIRY_DAYS_DEFAULT: Final = 7
EXPIRY_DAYS_MAX: Final = 90


class KnownReportLink(msgspec.Struct, frozen=True, kw_only=True):
    revoked: bool


def create(firm: Firm, intent: CreateReportLink, now: datetime) -> Decision:
    if intent.entity_id != intent.tenant_id:  # a client's report: only its firm shares it
        firm.require_active()
        firm.client(intent.entity_id)
    if intent.date_to < intent.date_from:
        raise errors.InvalidInput("to must not be before from.")
    if intent.expires_at <= now:
        raise errors.InvalidInput("The link would expire before it is created.")
    event = ReportLinkCreated(
        **stamp_of(intent, now),
        link_id=intent.link_id,
        entity_id=intent.entity_id,
        report=intent.report,
        date_from=intent.date_from,
        date_to=intent.date_to,
        language=intent.language,
        token_hash=intent.token_hash,
        expires_at=intent.expires_at,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.link_id)))


def revoke(links: dict[UUID, KnownReportLink], intent: RevokeReportLink, now: datetime) -> Decision:
    """Revoking a revoked link answers the same and records nothing."""
    link = links.get(intent.link_id)
    if link is None:
        raise errors.ReportLinkNotFound("No report link with this id exists.")
    result = Accepted(subject=str(intent.link_id))
    if link.revoked:
        return Decision(events=(), result=result)
    links[intent.link_id] = KnownReportLink(revoked=True)
    return Decision(
        events=(ReportLinkRevoked(**stamp_of(intent, now), link_id=intent.link_id),),
        result=result,
    )
