"""Journal routes: bookings, opening balances, the journal, an intent's audit view, reversal."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.responses import LedgerResponse
from api.routes.query import AsOfQuery, require_date_range, require_zoned
from ledger.decide import Posted
from ledger.errors import Rejected
from ledger.money import cents_to_decimal
from projections import queries
from schemas import limits
from schemas.errors import ErrorBody
from schemas.journal import (
    NO_NUL_PATTERN,
    BookingOut,
    BulkBookingsIn,
    BulkBookingsOut,
    BulkItemOut,
    IntentMetadataOut,
    IntentOut,
    IntentSummaryOut,
    JournalOut,
    LinkedIntentsOut,
    OpeningBalancesIn,
    OpeningBalancesOut,
    PostBookingIn,
    ReverseIn,
    ReverseOut,
)

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        min_length=1,
        max_length=limits.IDEMPOTENCY_KEY_CHARS_MAX,
        description="Retry safely: the same key with the same body returns the original result.",
    ),
]
REPLAYED_HEADER = "Idempotent-Replayed"


def _answer(body: object, posted: Posted, status: int = 201) -> Response:
    headers = {REPLAYED_HEADER: "true"} if posted.replayed else None
    return LedgerResponse(body, status_code=status, headers=headers)


@post(
    "/bookings",
    operation_id="PostBooking",
    opt={"scope": "journal:write"},
    status_code=201,
    request_max_body_size=limits.BOOKING_BODY_BYTES_MAX,
    tags=["Journal"],
)
async def post_booking(
    data: JSONBody[PostBookingIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    idempotency_key: IdempotencyKey = None,
) -> Response[BookingOut]:
    """Post a booking intent: lines are expanded (tax codes), checked, paired and appended.

    Answers after commit. A retry with the same `Idempotency-Key` (or the same
    `external_reference` and body) returns the original result and books nothing.
    """
    posted = await ledger.writers.submit_one(convert.booking_intent(data, caller, idempotency_key))
    assert isinstance(posted, Posted)
    return _answer(convert.booking_out(posted), posted)


@post(
    "/bookings/batch",
    operation_id="PostBookingsBatch",
    opt={"scope": "journal:write"},
    status_code=200,
    request_max_body_size=limits.BULK_BODY_BYTES_MAX,
    tags=["Journal"],
)
async def post_bookings_batch(
    data: JSONBody[BulkBookingsIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    idempotency_key: IdempotencyKey = None,
) -> BulkBookingsOut:
    """Post up to 1,000 bookings in one request (migrations, bulk imports).

    Each item is decided on its own and answered in `results` (same order). With
    `atomic: true` either all are posted or none is (the first refusal is reported, the
    other items get `BATCH_ITEM_FAILED`). Retry safely with an `Idempotency-Key` (item *i*
    is keyed `<key>#<i>`: posted items replay, refused ones are decided again) or by each
    item's `external_reference`.
    """
    intents = [
        convert.booking_intent(
            item,
            caller,
            f"{idempotency_key}#{index}" if idempotency_key else None,
            operation="PostBooking",
        )
        for index, item in enumerate(data.bookings)
    ]
    answers = await ledger.writers.submit_many(caller.tenant_id, list(intents), atomic=data.atomic)
    results: list[BulkItemOut] = []
    for index, answer in enumerate(answers):
        if isinstance(answer, Rejected):
            results.append(
                BulkItemOut(
                    index=index,
                    status="rejected",
                    error=ErrorBody(
                        code=answer.code,
                        message=answer.message,
                        details=answer.details,
                    ),
                )
            )
        else:
            assert isinstance(answer, Posted)
            results.append(
                BulkItemOut(
                    index=index,
                    status="replayed" if answer.replayed else "posted",
                    booking=convert.booking_out(answer),
                )
            )
    rejected = sum(1 for r in results if r.status == "rejected")
    return BulkBookingsOut(
        atomic=data.atomic, posted=len(results) - rejected, rejected=rejected, results=results
    )


@post(
    "/bookings/opening-balances",
    operation_id="PostOpeningBalances",
    opt={"scope": "journal:write"},
    status_code=200,  # the reference documents 200 here (201 for a new booking)
    tags=["Journal"],
    request_max_body_size=limits.LIST_BODY_BYTES_MAX,
)
async def post_opening_balances(
    data: JSONBody[OpeningBalancesIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    idempotency_key: IdempotencyKey = None,
) -> Response[OpeningBalancesOut]:
    """Post opening balances against account 9000, all in one intent (one set per date)."""
    intent = convert.opening_balances_intent(data, caller, idempotency_key)
    posted = await ledger.writers.submit_one(intent)
    assert isinstance(posted, Posted)
    total = cents_to_decimal(posted.total_cents)
    body = OpeningBalancesOut(
        intent_id=posted.intent_id,
        event_count=posted.event_count,
        booking_date=posted.booking_date,
        total_debit=total,
        total_credit=total,
        contra_account="9000",
    )
    return _answer(body, posted, status=200)


@post(
    "/journal/reverse",
    operation_id="ReverseBooking",
    opt={"scope": "journal:write"},
    status_code=200,
    tags=["Journal"],
)
async def reverse_booking(
    data: JSONBody[ReverseIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    idempotency_key: IdempotencyKey = None,
) -> Response[ReverseOut]:
    """Reverse (Storno) an intent: a new intent with every pair mirrored.

    `posting_mode=current_period` (default) books it today; `original_period` on the
    original date, which must still be open.
    """
    posted = await ledger.writers.submit_one(convert.reverse_intent(data, caller, idempotency_key))
    assert isinstance(posted, Posted)
    assert posted.reverses_intent_id is not None
    body = ReverseOut(
        reversal_intent_id=posted.intent_id,
        original_intent_id=posted.reverses_intent_id,
        event_count=posted.event_count,
        booking_date=posted.booking_date,
        period=posted.period,
    )
    return _answer(body, posted, status=200)


@get("/journal", operation_id="GetJournal", opt={"scope": "journal:read"}, tags=["Journal"])
async def get_journal(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    account: Annotated[str | None, QueryParameter(name="account", pattern=r"^[0-9]{1,8}$")] = None,
    start_date: Annotated[date | None, QueryParameter(name="startDate")] = None,
    end_date: Annotated[date | None, QueryParameter(name="endDate")] = None,
    search: Annotated[
        str | None, QueryParameter(name="search", max_length=200, pattern=NO_NUL_PATTERN)
    ] = None,
    external_reference: Annotated[
        str | None,
        QueryParameter(name="externalReference", max_length=500, pattern=NO_NUL_PATTERN),
    ] = None,
    after: Annotated[
        int,
        QueryParameter(
            name="after", ge=0, le=limits.POSITION_MAX, description="Keyset: journal_number"
        ),
    ] = 0,
    limit: Annotated[int, QueryParameter(name="limit", ge=1, le=limits.JOURNAL_PAGE_MAX)] = (
        limits.JOURNAL_PAGE_DEFAULT
    ),
    offset: Annotated[int, QueryParameter(name="offset", ge=0, le=100_000)] = 0,
    as_of: AsOfQuery = None,
) -> JournalOut:
    """Posting lines across intents in journal-number order (the Grundbuch).

    Page with `after` (the last `journal_number` seen; fast at any depth) or `offset`.
    With `as_of`, only lines recorded by then (lines booked later, even back-dated, are not).
    """
    require_date_range(start_date, end_date)
    require_zoned(as_of)
    async with ledger.pool.acquire() as conn:
        up_to = (
            None
            if as_of is None
            else await queries.journal_number_known_at(conn, caller.tenant_id, as_of)
        )
        rows = await queries.journal(
            conn,
            caller.tenant_id,
            account=account,
            start=start_date,
            end=end_date,
            search=search,
            external_reference=external_reference,
            after_journal_number=after,
            limit=limit,
            offset=offset,
            up_to=up_to,
        )
    entries = [convert.journal_entry(row) for row in rows]
    return JournalOut(
        entries=entries,
        limit=limit,
        offset=offset,
        next_after_journal_number=entries[-1].journal_number if len(entries) == limit else None,
        as_of=as_of,
    )


@get(
    "/journal/{intent_id:str}",
    operation_id="GetJournalIntent",
    opt={"scope": "journal:read"},
    tags=["Journal"],
)
async def get_intent(
    intent_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> IntentOut:
    """The full audit view of one intent: lines with hashes, provenance and links."""
    parsed = convert.parse_uuid(intent_id)
    if parsed is None:
        raise ApiError("INVALID_INPUT", "intent_id must be a UUID.", intent_id=intent_id)
    async with ledger.pool.acquire() as conn:
        intent = await queries.intent(conn, caller.tenant_id, parsed)
        if intent is None:
            raise ApiError("NOT_FOUND", "No intent with this id exists.", intent_id=intent_id)
        lines = await queries.intent_lines(conn, caller.tenant_id, parsed)
    total = cents_to_decimal(intent["total_cents"])
    fx = convert.fx_of(intent["fx"])
    return IntentOut(
        intent_id=parsed,
        entries=[convert.intent_entry(line, intent) for line in lines],
        summary=IntentSummaryOut(
            kind=intent["kind"],
            status="reversed" if intent["reversed_by_intent_id"] else "posted",
            booking_date=intent["booking_date"],
            period=intent["period"],
            description=intent["description"],
            total=total,
            total_debit=total,
            total_credit=total,
            event_count=intent["event_count"],
            currency=intent["currency"],
            first_journal_number=intent["first_journal_number"],
            last_journal_number=intent["last_journal_number"],
            created_at=intent["created_at"],
            created_by=intent["created_by"],
        ),
        linked_intents=LinkedIntentsOut(
            reverses_intent_id=intent["reverses_intent_id"],
            reversed_by_intent_id=intent["reversed_by_intent_id"],
            documents=[intent["document_id"]] if intent["document_id"] else [],
            bank_transactions=[],
            settles=[],
            settled_by=[],
        ),
        metadata=IntentMetadataOut(
            external_reference=intent["external_reference"],
            custom_metadata=convert.metadata_of(intent),
            fx=convert.fx_out(fx),
            reason=intent["reason"],
            idempotency_key=intent["idempotency_key"],
            position=intent["position"],
        ),
    )


ROUTES = [
    post_booking,
    post_bookings_batch,
    post_opening_balances,
    reverse_booking,
    get_journal,
    get_intent,
]
