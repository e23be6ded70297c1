"""The per-tenant hash chain over posting lines (docs/audit-hash.md is the contract).

audit_hash(n) = SHA-256( prev_hash + "\\n" + canonical_json(fields of line n) ), hex, where
prev_hash is the audit_hash of line n-1 of the same tenant and GENESIS_HASH for line 1.
canonical_json is `json.dumps(fields, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)` encoded as UTF-8, so an auditor can recompute it with the standard library.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Final
from uuid import UUID

import msgspec

from ledger.events import BookingPosted, JournalLine

GENESIS_HASH: Final = "0" * 64
LEDGER_CURRENCY: Final = "EUR"


def timestamp_text(moment: datetime) -> str:
    """UTC, microseconds, 'Z': the one spelling of a time inside the hash."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_fields(event: BookingPosted, line: JournalLine) -> dict[str, Any]:
    """The fields of one posting line that the hash covers (docs/audit-hash.md, table 1)."""
    return {
        "tenant_id": str(event.tenant_id),
        "journal_number": line.journal_number,
        "intent_id": str(event.intent_id),
        "booking_date": event.booking_date.isoformat(),
        "period": event.period,
        "account_debit": line.account_debit,
        "account_credit": line.account_credit,
        "amount_cents": line.amount_cents,
        "currency": LEDGER_CURRENCY,
        "description": event.description,
        "tax_code": line.tax_code,
        "fx_currency": event.fx.currency if event.fx else None,
        "fx_amount": str(line.fx_amount) if line.fx_amount is not None else None,
        "document_id": str(event.document_id) if event.document_id else None,
        "reverses_intent_id": str(event.reverses_intent_id) if event.reverses_intent_id else None,
        "external_reference": event.external_reference,
        "custom_metadata": event.custom_metadata,
        "created_at": timestamp_text(event.recorded_at),
        "created_by": event.actor.label,
        "channel": event.channel,
    }


def line_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def chain_lines(event: BookingPosted, first_number: int, prev_hash: str) -> BookingPosted:
    """Number and hash the event's lines, continuing the chain after `prev_hash`."""
    chained: list[JournalLine] = []
    for offset, line in enumerate(event.lines):
        numbered = msgspec.structs.replace(
            line, journal_number=first_number + offset, prev_hash=prev_hash, audit_hash=""
        )
        digest = line_hash(prev_hash, canonical_fields(event, numbered))
        chained.append(msgspec.structs.replace(numbered, audit_hash=digest))
        prev_hash = digest
    return msgspec.structs.replace(event, lines=tuple(chained))


class BrokenLink(msgspec.Struct, frozen=True, kw_only=True):
    """The first line where the chain does not verify, and why."""

    journal_number: int
    intent_id: UUID | None
    problem: str
    expected: str | int
    found: str | int


class ChainReport(msgspec.Struct, frozen=True, kw_only=True):
    lines_checked: int
    head_journal_number: int
    head_hash: str
    broken: BrokenLink | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


class ChainVerifier:
    """Recomputes a tenant's chain line by line; feed booking events in position order."""

    def __init__(self) -> None:
        self.expected_number = 1
        self.prev_hash = GENESIS_HASH
        self.broken: BrokenLink | None = None

    def feed(self, event: BookingPosted) -> bool:
        """Check the event's lines; False once a link is broken (later lines are not checked)."""
        if self.broken is not None:
            return False
        for line in event.lines:
            self.broken = _check_line(event, line, self.expected_number, self.prev_hash)
            if self.broken is not None:
                return False
            self.expected_number += 1
            self.prev_hash = line.audit_hash
        return True

    def report(self) -> ChainReport:
        return ChainReport(
            lines_checked=self.expected_number - 1,
            head_journal_number=self.expected_number - 1,
            head_hash=self.prev_hash,
            broken=self.broken,
        )


def verify_chain(events: Iterable[BookingPosted]) -> ChainReport:
    """Recompute a tenant's chain from its booking events in position order."""
    verifier = ChainVerifier()
    for event in events:
        if not verifier.feed(event):
            break
    return verifier.report()


def _check_line(
    event: BookingPosted, line: JournalLine, expected_number: int, prev_hash: str
) -> BrokenLink | None:
    def broken(problem: str, expected: str | int, found: str | int) -> BrokenLink:
        # The position in the chain, not the line's own (possibly tampered) number: a line
        # renumbered to 4 must not make the report name the untouched line 4.
        return BrokenLink(
            journal_number=expected_number,
            intent_id=event.intent_id,
            problem=problem,
            expected=expected,
            found=found,
        )

    if line.journal_number != expected_number:
        return broken("journal_number out of sequence", expected_number, line.journal_number)
    if line.prev_hash != prev_hash:
        return broken("prev_hash does not match the previous line", prev_hash, line.prev_hash)
    recomputed = line_hash(prev_hash, canonical_fields(event, line))
    if recomputed != line.audit_hash:
        return broken("audit_hash does not match the line's content", recomputed, line.audit_hash)
    return None
