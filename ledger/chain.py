"""The per-tenant hash chain over posting lines (docs/audit-hash.md is the contract).

audit_hash(n) = SHA-256( prev_hash + "\\n" + canonical_json(fields of line n) ), hex, where
prev_hash is the audit_hash of line n-1 of the same tenant and GENESIS_HASH for line 1.
canonical_json is `json.dumps(fields, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)` encoded as UTF-8, so an auditor can recompute it with the standard library.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Final
from uuid import UUID

import msgspec

from ledger.events import BookingPosted, JournalLine, LineIds

GENESIS_HASH: Final = "0" * 64
LEDGER_CURRENCY: Final = "EUR"


def timestamp_text(moment: datetime) -> str:
    """UTC, microseconds, 'Z': the one spelling of a time inside the hash."""
    assert moment.tzinfo is not None, "a naive time would hash in the server's time zone"
    utc = moment.astimezone(UTC)
    if utc.year >= 1000:  # isoformat spells these as strftime does, in a fifth of its time
        return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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


CANONICAL_KEYS: Final = (
    "account_credit",
    "account_debit",
    "amount_cents",
    "booking_date",
    "channel",
    "created_at",
    "created_by",
    "currency",
    "custom_metadata",
    "description",
    "document_id",
    "external_reference",
    "fx_amount",
    "fx_currency",
    "intent_id",
    "journal_number",
    "period",
    "reverses_intent_id",
    "tax_code",
    "tenant_id",
)  # canonical_fields' keys, sorted (a unit test checks)


def canonical_json(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def line_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The definition, field dict in; `EventCanonicalForm` computes the same, faster."""
    return digest_of(prev_hash, canonical_json(fields))


def digest_of(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


LINE_KEYS: Final = frozenset(
    {"account_credit", "account_debit", "amount_cents", "fx_amount", "journal_number", "tax_code"}
)
_PLAIN_TEXT: Final = re.compile(r"[A-Za-z0-9.:\-]*")  # fullmatch: needs no JSON escaping


class EventCanonicalForm:
    """canonical_json(canonical_fields(event, line)) for each line of one event, byte for byte,
    with the event's fields encoded once into the text between the line's six values (the
    writer's hot path; `tests/unit/test_chain.py` checks it against the definition on random
    events)."""

    def __init__(self, event: BookingPosted) -> None:
        fields = canonical_fields(event, event.lines[0]) if event.lines else {}
        segments: list[str] = []
        current = "{"
        for key in CANONICAL_KEYS:
            separator = "" if current == "{" and not segments else ","
            if key in LINE_KEYS:
                segments.append(f'{current}{separator}"{key}":')
                current = ""
            else:
                current += f'{separator}"{key}":{_json_value(fields.get(key))}'
        segments.append(current + "}")
        self._segments = tuple(segments)

    def of(self, line: JournalLine) -> str:
        s0, s1, s2, s3, s4, s5, s6 = self._segments
        fx_amount = line.fx_amount
        tax_code = line.tax_code
        return (
            f"{s0}{_json_text(line.account_credit)}{s1}{_json_text(line.account_debit)}"
            f"{s2}{line.amount_cents}"
            f"{s3}{'null' if fx_amount is None else _json_value(str(fx_amount))}"
            f"{s4}{line.journal_number}{s5}{'null' if tax_code is None else _json_text(tax_code)}"
            f"{s6}"
        )


# EventCanonicalForm.of fills the line's values in this order.
assert tuple(key for key in CANONICAL_KEYS if key in LINE_KEYS) == (
    "account_credit",
    "account_debit",
    "amount_cents",
    "fx_amount",
    "journal_number",
    "tax_code",
)
_ENCODER: Final = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _json_value(value: Any) -> str:
    """One value as canonical_json writes it; plain strings and integers without the encoder."""
    if value is None:
        return "null"
    if isinstance(value, str) and _PLAIN_TEXT.fullmatch(value):
        return f'"{value}"'
    if type(value) is int:
        return str(value)
    return _ENCODER.encode(value)


@functools.lru_cache(maxsize=4096)
def _json_text(text: str) -> str:
    """An account number or tax code as JSON: few distinct values, met on every line."""
    return _json_value(text)


def chain_lines(event: BookingPosted, first_number: int, prev_hash: str) -> BookingPosted:
    """Number and hash the event's lines, continuing the chain after `prev_hash`."""
    form = EventCanonicalForm(event)
    ids = LineIds(event.intent_id)
    chained: list[JournalLine] = []
    for offset, line in enumerate(event.lines):
        number = first_number + offset
        numbered = msgspec.structs.replace(line, journal_number=number)
        digest = digest_of(prev_hash, form.of(numbered))
        chained.append(
            msgspec.structs.replace(
                numbered, prev_hash=prev_hash, line_id=ids.of(number), audit_hash=digest
            )
        )
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
        form = EventCanonicalForm(event)
        for line in event.lines:
            self.broken = _check_line(event, form, line, self.expected_number, self.prev_hash)
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
    event: BookingPosted,
    form: EventCanonicalForm,
    line: JournalLine,
    expected_number: int,
    prev_hash: str,
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
    recomputed = digest_of(prev_hash, form.of(line))
    if recomputed != line.audit_hash:
        return broken("audit_hash does not match the line's content", recomputed, line.audit_hash)
    return None
