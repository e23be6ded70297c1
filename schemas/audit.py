"""Audit module: chain verification and the raw event log (docs/api.md, "Audit")."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from schemas.journal import Out


class BrokenLinkOut(Out, kw_only=True):
    journal_number: int
    intent_id: UUID | None
    problem: str
    expected: str | int
    found: str | int


class ClosingCheckOut(Out, kw_only=True):
    period: str
    ok: bool
    recorded_closing_hash: str
    recomputed_closing_hash: str
    lines_recorded: int
    lines_found: int


class AuditVerifyOut(Out, kw_only=True):
    ok: bool  # the chain and every closing hash verify
    lines_checked: int
    head_journal_number: int
    head_hash: str
    broken: BrokenLinkOut | None
    closings: list[ClosingCheckOut]


class AuditEventOut(Out, kw_only=True):
    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    recorded_at: datetime
    event: dict[str, Any]  # the stored JSON, byte for byte (msgspec.Raw when written)


class AuditEventsOut(Out, kw_only=True):
    events: list[AuditEventOut]
    next_after: int | None  # pass as `after` for the next page; null at the end
