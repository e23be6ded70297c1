"""The per-tenant hash chain over posting lines (ledger/chain.py, docs/audit-hash.md).

Proves that `chain_lines` numbers an event's lines consecutively from the given number and
links each line to the previous line's hash, starting from a genesis of 64 zeros; that every
`audit_hash` equals what an auditor's own script computes with nothing but hashlib and json
from the documented field list (written out by hand here, not taken from `canonical_fields`);
that `verify_chain` accepts an untouched chain and reports its head; and that altering one
line's amount, an event's description, a journal number, a prev_hash or an audit_hash is
reported at exactly that line's journal_number, with a problem text naming what broke.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from itertools import pairwise
from typing import Any
from uuid import UUID

import msgspec
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ledger.chain import (
    CANONICAL_KEYS,
    GENESIS_HASH,
    EventCanonicalForm,
    canonical_fields,
    canonical_json,
    chain_lines,
    timestamp_text,
    verify_chain,
)
from ledger.events import LINE_ID_NAMESPACE, Actor, BookingPosted, Fx, JournalLine, line_id_for

TENANT_ID = UUID("6f1c1d6e-4a53-4d57-9a8e-0d5e3b0c1a01")
PURCHASE_ID = UUID("0b5a3f5e-8c39-4a5f-b7e2-51f7a3c9d002")
REVERSAL_ID = UUID("93c1e0d4-2f6b-4c1e-8a4d-7e9b6a5f4003")
DOCUMENT_ID = UUID("c2a7d9e1-5b3f-4e8a-9c6d-1f2e3a4b5004")
ACTOR = Actor(actor_type="api_key", label="Buchhaltung Müller", key_prefix="ll_1a2b")


def unchained(debit: str, credit: str, amount_cents: int, **extra: Any) -> JournalLine:
    return JournalLine(
        journal_number=0,
        account_debit=debit,
        account_credit=credit,
        amount_cents=amount_cents,
        audit_hash="",
        prev_hash="",
        **extra,
    )


PURCHASE = BookingPosted(
    tenant_id=TENANT_ID,
    actor=ACTOR,
    channel="api",
    recorded_at=datetime(2026, 3, 15, 9, 30, 0, 123_456, tzinfo=UTC),
    intent_id=PURCHASE_ID,
    kind="booking",
    booking_date=date(2026, 3, 15),
    period="2026-03",
    description="Bürobedarf – Müller & Söhne, Rechnung 42",
    lines=(
        unchained("6815", "1800", 10_000, tax_code="VSt19"),
        unchained("1406", "1800", 1_900, tax_code="VSt19"),
    ),
    total_cents=11_900,
    external_reference="RE-2026-0042",
    custom_metadata={"kostenstelle": "K100", "seiten": 3, "geprüft": True},
)

REVERSAL = BookingPosted(
    tenant_id=TENANT_ID,
    actor=ACTOR,
    channel="cli",
    # 11:00 in UTC+2 is 09:00 UTC: the hash spells every time in UTC
    recorded_at=datetime(2026, 4, 1, 11, 0, 0, tzinfo=timezone(timedelta(hours=2))),
    intent_id=REVERSAL_ID,
    kind="reversal",
    booking_date=date(2026, 4, 1),
    period="2026-04",
    description="Storno: Bürobedarf",
    lines=(
        unchained("1800", "6815", 10_000, tax_code="VSt19", fx_amount=Decimal("108.00")),
        unchained("1800", "1406", 1_900, tax_code="VSt19", fx_amount=Decimal("20.52")),
    ),
    total_cents=11_900,
    fx=Fx(
        currency="USD",
        amount=Decimal("128.52"),
        rate=Decimal("1.08"),
        rate_date=date(2026, 3, 31),
        rate_source="ECB",
    ),
    document_id=DOCUMENT_ID,
    reverses_intent_id=PURCHASE_ID,
)

# The fields of each line as docs/audit-hash.md lists them, spelled out by hand.
PURCHASE_FIELDS = {
    "tenant_id": "6f1c1d6e-4a53-4d57-9a8e-0d5e3b0c1a01",
    "intent_id": "0b5a3f5e-8c39-4a5f-b7e2-51f7a3c9d002",
    "booking_date": "2026-03-15",
    "period": "2026-03",
    "currency": "EUR",
    "description": "Bürobedarf – Müller & Söhne, Rechnung 42",
    "fx_currency": None,
    "fx_amount": None,
    "document_id": None,
    "reverses_intent_id": None,
    "external_reference": "RE-2026-0042",
    "custom_metadata": {"kostenstelle": "K100", "seiten": 3, "geprüft": True},
    "created_at": "2026-03-15T09:30:00.123456Z",
    "created_by": "Buchhaltung Müller",
    "channel": "api",
}
REVERSAL_FIELDS = {
    "tenant_id": "6f1c1d6e-4a53-4d57-9a8e-0d5e3b0c1a01",
    "intent_id": "93c1e0d4-2f6b-4c1e-8a4d-7e9b6a5f4003",
    "booking_date": "2026-04-01",
    "period": "2026-04",
    "currency": "EUR",
    "description": "Storno: Bürobedarf",
    "fx_currency": "USD",
    "document_id": "c2a7d9e1-5b3f-4e8a-9c6d-1f2e3a4b5004",
    "reverses_intent_id": "0b5a3f5e-8c39-4a5f-b7e2-51f7a3c9d002",
    "external_reference": None,
    "custom_metadata": None,
    "created_at": "2026-04-01T09:00:00.000000Z",
    "created_by": "Buchhaltung Müller",
    "channel": "cli",
}
EXPECTED_LINE_FIELDS = [
    {
        **PURCHASE_FIELDS,
        "journal_number": 1,
        "account_debit": "6815",
        "account_credit": "1800",
        "amount_cents": 10_000,
        "tax_code": "VSt19",
    },
    {
        **PURCHASE_FIELDS,
        "journal_number": 2,
        "account_debit": "1406",
        "account_credit": "1800",
        "amount_cents": 1_900,
        "tax_code": "VSt19",
    },
    {
        **REVERSAL_FIELDS,
        "journal_number": 3,
        "account_debit": "1800",
        "account_credit": "6815",
        "amount_cents": 10_000,
        "tax_code": "VSt19",
        "fx_amount": "108.00",
    },
    {
        **REVERSAL_FIELDS,
        "journal_number": 4,
        "account_debit": "1800",
        "account_credit": "1406",
        "amount_cents": 1_900,
        "tax_code": "VSt19",
        "fx_amount": "20.52",
    },
]


def auditors_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """What an auditor's script computes from docs/audit-hash.md, with the standard library."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + "\n" + canonical).encode("utf-8")).hexdigest()


def chained_events() -> list[BookingPosted]:
    purchase = chain_lines(PURCHASE, 1, GENESIS_HASH)
    reversal = chain_lines(REVERSAL, 3, purchase.lines[-1].audit_hash)
    return [purchase, reversal]


def all_lines(events: list[BookingPosted]) -> list[JournalLine]:
    return [line for event in events for line in event.lines]


# --- chaining ----------------------------------------------------------------------------------


def test_genesis_is_64_zeros() -> None:
    assert GENESIS_HASH == "0" * 64


def test_chain_lines_numbers_lines_consecutively_and_links_each_to_the_previous_hash() -> None:
    lines = all_lines(chained_events())
    assert [line.journal_number for line in lines] == [1, 2, 3, 4]
    assert lines[0].prev_hash == GENESIS_HASH
    for previous, current in pairwise(lines):
        assert current.prev_hash == previous.audit_hash
    assert len({line.audit_hash for line in lines}) == 4


def test_chain_lines_keeps_everything_but_number_id_and_hashes() -> None:
    purchase = chain_lines(PURCHASE, 1, GENESIS_HASH)
    without_chain = msgspec.structs.replace(
        purchase,
        lines=tuple(
            msgspec.structs.replace(
                line, journal_number=0, audit_hash="", prev_hash="", line_id=None
            )
            for line in purchase.lines
        ),
    )
    assert without_chain == PURCHASE


def test_each_line_gets_a_stable_id_from_its_intent_and_number() -> None:
    first, again = chain_lines(PURCHASE, 1, GENESIS_HASH), chain_lines(PURCHASE, 1, GENESIS_HASH)
    ids = [line.line_id for line in first.lines]
    assert ids == [line.line_id for line in again.lines]
    assert len(set(ids)) == len(ids)
    assert None not in ids


def test_every_audit_hash_is_what_an_auditors_stdlib_script_computes() -> None:
    prev_hash = "0" * 64
    for line, fields in zip(all_lines(chained_events()), EXPECTED_LINE_FIELDS, strict=True):
        assert line.audit_hash == auditors_hash(prev_hash, fields)
        prev_hash = line.audit_hash


def test_the_hash_covers_exactly_twenty_documented_fields() -> None:
    assert all(len(fields) == 20 for fields in EXPECTED_LINE_FIELDS)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T03:04:05.000000Z"),
        (
            datetime(2026, 7, 1, 0, 30, 0, 7, tzinfo=timezone(timedelta(hours=2))),
            "2026-06-30T22:30:00.000007Z",
        ),
    ],
)
def test_times_in_the_hash_are_utc_with_microseconds_and_z(moment: datetime, text: str) -> None:
    assert timestamp_text(moment) == text


@given(
    st.datetimes(
        min_value=datetime(2, 1, 1),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=11, minutes=30))]
        ),
    )
)
def test_every_time_is_spelled_as_strftime_would(moment: datetime) -> None:
    expected = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert timestamp_text(moment) == expected


@given(intent_id=st.uuids(), journal_number=st.integers(min_value=1, max_value=10**15))
def test_a_line_id_is_the_uuid5_of_its_intent_and_number(intent_id: UUID, journal_number: int):
    name = f"{intent_id}:{journal_number}"
    assert line_id_for(intent_id, journal_number) == uuid.uuid5(LINE_ID_NAMESPACE, name)


# --- verification ------------------------------------------------------------------------------


def test_an_untouched_chain_verifies_and_reports_its_head() -> None:
    events = chained_events()
    report = verify_chain(events)
    assert report.ok
    assert report.broken is None
    assert report.lines_checked == 4
    assert report.head_journal_number == 4
    assert report.head_hash == events[-1].lines[-1].audit_hash


def test_an_empty_chain_verifies_at_genesis() -> None:
    report = verify_chain([])
    assert report.ok
    assert (report.lines_checked, report.head_hash) == (0, GENESIS_HASH)


def alter_line(events: list[BookingPosted], at: int, **changes: Any) -> list[BookingPosted]:
    """The events with one line's fields replaced, as a tamperer would edit a stored row."""
    return [
        msgspec.structs.replace(
            event,
            lines=tuple(
                msgspec.structs.replace(line, **changes) if line.journal_number == at else line
                for line in event.lines
            ),
        )
        for event in events
    ]


def alter_description(events: list[BookingPosted], text: str) -> list[BookingPosted]:
    return [events[0], msgspec.structs.replace(events[1], description=text)]


CONTENT_CHANGED = "audit_hash does not match the line's content"
Tamper = Callable[[list[BookingPosted]], list[BookingPosted]]


@pytest.mark.parametrize(
    ("tamper", "journal_number", "problem"),
    [
        pytest.param(
            lambda e: alter_line(e, 2, amount_cents=1_901), 2, CONTENT_CHANGED, id="amount"
        ),
        pytest.param(
            lambda e: alter_line(e, 3, account_debit="1600"), 3, CONTENT_CHANGED, id="account"
        ),
        pytest.param(
            lambda e: alter_description(e, "Storno: Büromöbel"),
            3,
            CONTENT_CHANGED,
            id="description",
        ),
        pytest.param(
            lambda e: alter_line(e, 4, fx_amount=Decimal("20.53")), 4, CONTENT_CHANGED, id="fx"
        ),
        pytest.param(
            lambda e: alter_line(e, 2, audit_hash="f" * 64), 2, CONTENT_CHANGED, id="audit-hash"
        ),
        pytest.param(
            lambda e: alter_line(e, 3, journal_number=7),
            3,
            "journal_number out of sequence",
            id="journal-number",
        ),
        pytest.param(
            # renumbered onto a line that exists: the break is still at line 2, not at line 4
            lambda e: alter_line(e, 2, journal_number=4),
            2,
            "journal_number out of sequence",
            id="journal-number-of-another-line",
        ),
        pytest.param(
            lambda e: alter_line(e, 3, prev_hash="a" * 64),
            3,
            "prev_hash does not match the previous line",
            id="prev-hash",
        ),
    ],
)
def test_an_altered_line_is_reported_at_its_journal_number(
    tamper: Tamper, journal_number: int, problem: str
) -> None:
    events = tamper(chained_events())
    report = verify_chain(events)
    assert not report.ok
    assert report.broken is not None
    assert report.broken.journal_number == journal_number
    assert report.broken.problem == problem
    assert report.broken.expected != report.broken.found
    assert report.lines_checked == journal_number - 1
    assert report.broken.intent_id == (PURCHASE_ID if journal_number <= 2 else REVERSAL_ID)


def test_a_renumbered_line_reports_the_expected_and_the_found_number() -> None:
    report = verify_chain(alter_line(chained_events(), 3, journal_number=7))
    assert report.broken is not None
    assert (report.broken.expected, report.broken.found) == (3, 7)


def test_a_deleted_line_is_reported_at_the_missing_journal_number() -> None:
    purchase, reversal = chained_events()
    report = verify_chain([msgspec.structs.replace(purchase, lines=purchase.lines[:1]), reversal])
    assert report.broken is not None
    assert report.broken.journal_number == 2
    assert report.broken.problem == "journal_number out of sequence"


@given(
    description=st.text(min_size=1, max_size=40),
    reference=st.none() | st.text(max_size=20),
    metadata=st.none()
    | st.dictionaries(
        st.text(min_size=1, max_size=8),
        st.none()
        | st.booleans()
        | st.integers()
        | st.text(max_size=8)
        | st.floats(allow_nan=False, allow_infinity=False),
        max_size=4,
    ),
    tax_code=st.none() | st.sampled_from(["VSt19", "VSt-13b19", 'ü"\\x']),
    fx_amount=st.none() | st.decimals(min_value=0, max_value=10**6, places=3),
)
@example(description="\n", reference="R-1\n", metadata=None, tax_code=None, fx_amount=None)
@example(description="{0} {}", reference="}{", metadata={"{1}": "{"}, tax_code=None, fx_amount=None)
def test_fast_canonical_form_equals_the_definition_byte_for_byte(
    description, reference, metadata, tax_code, fx_amount
):
    """The writer's EventCanonicalForm must produce exactly json.dumps(canonical_fields)."""
    base = chained_events()[0]
    line = msgspec.structs.replace(base.lines[0], tax_code=tax_code, fx_amount=fx_amount)
    event = msgspec.structs.replace(
        base,
        description=description,
        external_reference=reference,
        custom_metadata=metadata,
        lines=(line,),
    )
    assert EventCanonicalForm(event).of(line) == canonical_json(canonical_fields(event, line))


def test_canonical_keys_are_the_definitions_keys_sorted():
    event = chained_events()[0]
    assert list(CANONICAL_KEYS) == sorted(canonical_fields(event, event.lines[0]))
