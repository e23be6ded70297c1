"""The booking fold of `projections/fold.py`, written once more as set-based SQL for rebuilds.

A rebuild spends nearly all its time on `booking_posted` events. Decoding them in Python and
sending their rows back took 82 s for 1,000,000 journal lines; PostgreSQL reads the stored
JSON where it lies and inserts the same rows in 34-40 s (ADR 0004). So the rebuild folds
bookings here and every other (rare) event through the Python fold.

Two implementations of one fold can drift apart; the property test in
tests/integration/test_projections.py posts random ledgers through the live (Python) path,
rebuilds through this one and compares every read table row by row. A new field in
`BookingPosted`, or a `.v2` tag, must be handled here as well.
"""

from __future__ import annotations

from typing import Final

from ledger.events import BookingPosted

BOOKING_TOPIC: Final[str] = BookingPosted.__struct_config__.tag  # type: ignore[assignment]

# One statement per range of positions: the event is parsed once, and the intents row and the
# journal lines are inserted from the parsed document. JSON `null` becomes SQL NULL for the
# jsonb columns, as `_json_text(None)` does in the Python fold.
INSERT_BOOKINGS: Final = """
with booked as materialized (
    select e.position, e.tenant_id, convert_from(e.state, 'UTF8')::jsonb as d
    from events e
    where e.topic = $1 and e.position > $2 and e.position <= $3
),
intents_inserted as (
    insert into intents (intent_id, tenant_id, position, kind, booking_date, period,
        description, event_count, total_cents, first_journal_number, last_journal_number,
        currency, fx, external_reference, custom_metadata, document_id, reverses_intent_id,
        reversed_by_intent_id, reason, idempotency_key, request_hash, fingerprint, created_at,
        created_by, actor_type, actor_key_prefix, channel)
    select (d->>'intent_id')::uuid, tenant_id, position, d->>'kind',
        (d->>'booking_date')::date, d->>'period', d->>'description',
        jsonb_array_length(d->'lines'), (d->>'total_cents')::bigint,
        (d->'lines'->0->>'journal_number')::bigint, (d->'lines'->-1->>'journal_number')::bigint,
        'EUR', nullif(d->'fx', 'null'::jsonb), d->>'external_reference',
        nullif(d->'custom_metadata', 'null'::jsonb), (d->>'document_id')::uuid,
        (d->>'reverses_intent_id')::uuid, null, d->>'reason', d->>'idempotency_key',
        d->>'request_hash', d->>'fingerprint', (d->>'recorded_at')::timestamptz,
        d->'actor'->>'label', d->'actor'->>'actor_type', d->'actor'->>'key_prefix',
        d->>'channel'
    from booked
)
insert into journal_lines (tenant_id, journal_number, id, intent_id, booking_date, period,
    account_debit, account_credit, amount_cents, tax_code, fx_amount, audit_hash, prev_hash)
select b.tenant_id, (l->>'journal_number')::bigint, (l->>'line_id')::uuid,
    (b.d->>'intent_id')::uuid, (b.d->>'booking_date')::date, b.d->>'period',
    l->>'account_debit', l->>'account_credit', (l->>'amount_cents')::bigint, l->>'tax_code',
    (l->>'fx_amount')::numeric, l->>'audit_hash', l->>'prev_hash'
from booked b cross join lateral jsonb_array_elements(b.d->'lines') as l
"""

# After all bookings: the back links of reversals, and the balances summed from the journal.
LINK_REVERSALS: Final = """
update intents o set reversed_by_intent_id = r.intent_id
from intents r
where r.reverses_intent_id is not null and o.intent_id = r.reverses_intent_id
"""

INSERT_BALANCES: Final = """
insert into account_balances (tenant_id, account_number, booking_date, period, debit_cents,
    credit_cents, line_count)
select tenant_id, account_number, booking_date, period, sum(debit_cents), sum(credit_cents),
    count(*)
from (
    select tenant_id, account_debit as account_number, booking_date, period,
        amount_cents as debit_cents, 0 as credit_cents
    from journal_lines
    union all
    select tenant_id, account_credit, booking_date, period, 0, amount_cents
    from journal_lines
) as sides
group by tenant_id, account_number, booking_date, period
"""
