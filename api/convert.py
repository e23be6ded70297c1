"""Wire <-> ledger: Decimal euros to integer cents on the way in, rows to Structs on the way out.

The wire Structs have already checked every amount (finite, >= 0, two decimals, <= 10^12), so
the conversion to cents here is exact.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import msgspec

from api.auth import Caller
from api.errors import ApiError
from ledger.decide import Posted
from ledger.events import Fx
from ledger.intents import (
    BookingLine,
    OpeningBalance,
    PostBooking,
    PostOpeningBalances,
    ReverseBooking,
)
from ledger.money import cents_to_decimal
from schemas.journal import (
    BookingOut,
    FxOut,
    IntentEntryOut,
    JournalEntryOut,
    OpeningBalancesIn,
    PostBookingIn,
    ProvenanceSummary,
    ReverseIn,
)

_request_encoder = msgspec.json.Encoder(decimal_format="string", order="deterministic")
_metadata_decoder = msgspec.json.Decoder(dict[str, str | int | float | bool | None])
_fx_decoder = msgspec.json.Decoder(Fx)

CHANNEL_LABELS = {
    "api": "REST API",
    "cli": "Command line",
    "dashboard": "Dashboard",
    "mcp": "MCP",
    "bank_reconciliation": "Bank reconciliation",
    "translator": "Practice billing",
    "system": "System",
}


def cents(amount: Decimal | None) -> int:
    if amount is None:
        return 0
    value = amount * 100
    assert value == value.to_integral_value(), "schemas checked two decimals"
    return int(value)


def request_hash(operation: str, body: msgspec.Struct) -> str:
    """What 'the same body' means for retries: the decoded request, re-encoded canonically."""
    return hashlib.sha256(operation.encode() + b"\n" + _request_encoder.encode(body)).hexdigest()


def booking_intent(
    data: PostBookingIn, caller: Caller, idempotency_key: str | None, operation: str = "PostBooking"
) -> PostBooking:
    return PostBooking(
        tenant_id=caller.tenant_id,
        actor=caller.actor,
        channel="api",
        intent_id=uuid4(),
        idempotency_key=idempotency_key,
        request_hash=request_hash(operation, data),
        booking_date=data.booking_date,
        description=data.description,
        lines=tuple(
            BookingLine(
                account_number=line.account_number,
                side="debit" if line.debit else "credit",
                amount_cents=cents(line.debit) or cents(line.credit),
                tax_code=line.tax_code,
            )
            for line in data.lines
        ),
        skip_duplicate_check=data.skip_duplicate_check,
        adjustment_period=data.adjustment_period,
        fx=Fx(
            currency=data.fx.currency,
            amount=data.fx.amount,
            rate=data.fx.rate,
            rate_date=data.fx.rate_date,
            rate_source=data.fx.rate_source,
        )
        if data.fx
        else None,
        external_reference=data.external_reference,
        custom_metadata=data.custom_metadata,
        document_id=data.document_id,
    )


def opening_balances_intent(
    data: OpeningBalancesIn, caller: Caller, idempotency_key: str | None
) -> PostOpeningBalances:
    return PostOpeningBalances(
        tenant_id=caller.tenant_id,
        actor=caller.actor,
        channel="api",
        intent_id=uuid4(),
        idempotency_key=idempotency_key,
        request_hash=request_hash("PostOpeningBalances", data),
        booking_date=data.booking_date,
        balances=tuple(
            OpeningBalance(
                account_number=entry.account_number,
                debit_cents=cents(entry.debit),
                credit_cents=cents(entry.credit),
            )
            for entry in data.balances
        ),
    )


def reverse_intent(data: ReverseIn, caller: Caller, idempotency_key: str | None) -> ReverseBooking:
    return ReverseBooking(
        tenant_id=caller.tenant_id,
        actor=caller.actor,
        channel="api",
        intent_id=uuid4(),
        idempotency_key=idempotency_key,
        request_hash=request_hash("ReverseBooking", data),
        original_intent_id=data.intent_id,
        reason=data.reason,
        posting_mode=data.posting_mode,
    )


def booking_out(posted: Posted) -> BookingOut:
    return BookingOut(
        intent_id=posted.intent_id,
        event_count=posted.event_count,
        booking_date=posted.booking_date,
        period=posted.period,
        description=posted.description,
        total=cents_to_decimal(posted.total_cents),
        first_journal_number=posted.first_journal_number,
        last_journal_number=posted.last_journal_number,
    )


def provenance(row: asyncpg.Record) -> ProvenanceSummary:
    channel, actor_type = row["channel"], row["actor_type"]
    label, prefix = row["created_by"], row["actor_key_prefix"]
    surface = "api" if channel in ("api", "mcp") else channel
    display = f"{label} ({prefix}…)" if prefix else label
    return ProvenanceSummary(
        surface=surface,
        surface_label=CHANNEL_LABELS.get(surface, surface),
        channel=channel,
        channel_label=CHANNEL_LABELS.get(channel, channel),
        actor_type=actor_type,
        actor_label=label,  # who: the API key's (or user's) label, as in created_by
        actor_key_prefix=prefix,
        actor_display=display,
    )


def metadata_of(row: asyncpg.Record) -> dict[str, Any] | None:
    raw = row["custom_metadata"]
    return None if raw is None else _metadata_decoder.decode(raw)


def fx_of(raw: str | None) -> Fx | None:
    return None if raw is None else _fx_decoder.decode(raw)


def fx_out(fx: Fx | None) -> FxOut | None:
    if fx is None:
        return None
    return FxOut(
        currency=fx.currency,
        amount=fx.amount,
        rate=fx.rate,
        rate_date=fx.rate_date,
        rate_source=fx.rate_source,
    )


def journal_entry(row: asyncpg.Record) -> JournalEntryOut:
    fx = fx_of(row["fx"])
    return JournalEntryOut(
        id=row["id"],
        journal_number=row["journal_number"],
        booking_date=row["booking_date"],
        period=row["period"],
        account_debit=row["account_debit"],
        account_credit=row["account_credit"],
        amount=cents_to_decimal(row["amount_cents"]),
        tax_code=row["tax_code"],
        description=row["description"],
        source=row["channel"],
        intent_id=row["intent_id"],
        fx_currency=fx.currency if fx else None,
        fx_amount=row["fx_amount"],
        external_reference=row["external_reference"],
        custom_metadata=metadata_of(row),
        created_at=row["created_at"],
        created_by=row["created_by"],
        document_id=row["document_id"],
        reverses_intent_id=row["reverses_intent_id"],
        audit_hash=row["audit_hash"],
        prev_hash=row["prev_hash"],
        provenance_summary=provenance(row),
    )


def intent_entry(line: asyncpg.Record, intent: asyncpg.Record) -> IntentEntryOut:
    return IntentEntryOut(
        id=line["id"],
        intent_id=line["intent_id"],
        journal_number=line["journal_number"],
        booking_date=line["booking_date"],
        period=line["period"],
        account_debit=line["account_debit"],
        account_credit=line["account_credit"],
        account_debit_name=line["account_debit_name"],
        account_credit_name=line["account_credit_name"],
        amount=cents_to_decimal(line["amount_cents"]),
        currency=intent["currency"],
        tax_code=line["tax_code"],
        fx_amount=line["fx_amount"],
        description=intent["description"],
        created_at=intent["created_at"],
        created_by=intent["created_by"],
        source=intent["channel"],
        document_id=intent["document_id"],
        reverses_intent_id=intent["reverses_intent_id"],
        audit_hash=line["audit_hash"],
        prev_hash=line["prev_hash"],
        provenance_summary=provenance(intent),
    )


def parse_uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


def signed_cents(amount: Decimal) -> int:
    """A signed amount in euros (checked: at most two decimals) -> cents."""
    cents = amount * 100
    assert cents == cents.to_integral_value(), amount
    return int(cents)


def require_uuid(text: str, what: str) -> UUID:
    """A path id, or 400 INVALID_INPUT naming what it should have been."""
    parsed = parse_uuid(text)
    if parsed is None:
        raise ApiError("INVALID_INPUT", f"The {what} id must be a UUID.", id=text)
    return parsed


def given_fields(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a partial update sent (absent ones are UNSET); none is NO_CHANGES."""
    given = {
        name: value
        for name in data.__struct_fields__
        if (value := getattr(data, name)) is not msgspec.UNSET
    }
    if not given:
        raise ApiError("NO_CHANGES", "The request changes nothing.")
    return given
