"""Importing a DATEV Buchungsstapel (migration), for the route and the CLI alike: read the file,
plan a booking per row, then either decide them in memory (dry run: nothing is stored) or
book them all in one atomic batch — all rows or none (docs/api.md, "DATEV import")."""

from __future__ import annotations

import hashlib
from uuid import UUID

from api.bootstrap import Ledger
from api.errors import ApiError
from ledger import store
from ledger.chart import load_chart
from ledger.datev_import import RowProblem, read_buchungsstapel
from ledger.datev_migration import PlannedBooking, plan_import
from ledger.decide import decide
from ledger.errors import Rejected
from ledger.events import Actor, Channel
from ledger.money import cents_to_decimal
from ledger.outcomes import Posted
from ledger.writer import TENANT_TIMEZONE, BatchItemFailed
from projections import queries
from schemas.imports import DatevImportOut, ImportBookingOut, ImportLineOut, ImportProblemOut

PROBLEMS_IN_ERROR_MAX = 200


async def import_datev(
    ledger: Ledger,
    tenant_id: UUID,
    actor: Actor,
    channel: Channel,
    content: bytes,
    *,
    dry_run: bool,
) -> DatevImportOut:
    batch, unread = read_buchungsstapel(content)
    async with ledger.pool.acquire() as conn:
        tenant = await queries.tenant(conn, tenant_id)
        accounts = {
            row["number"]
            for row in await conn.fetch(
                "select number from accounts where tenant_id = $1", tenant_id
            )
        }
    framework = tenant["account_framework"]
    if batch.chart is not None and batch.chart != framework:
        raise ApiError(
            "INVALID_INPUT",
            f"The file is kept in {batch.chart.upper()}, these books in {framework.upper()}: "
            "account numbers would mean other accounts.",
            file_chart=batch.chart,
            chart=framework,
        )
    automatic = frozenset(a.number for a in load_chart(framework) if a.automatic)
    planned, refused = plan_import(
        batch,
        tenant_id=tenant_id,
        actor=actor,
        channel=channel,
        chart=framework,
        automatic=automatic,
        accounts=accounts,
        file_sha256=hashlib.sha256(content).hexdigest(),
    )
    problems = sorted([*unread, *refused], key=lambda p: (p.line, p.column or 0))
    if dry_run:
        problems += await _decided_in_memory(ledger, tenant_id, planned)
        statuses = ["would_book"] * len(planned)
    else:
        if problems:
            raise _invalid(problems)
        statuses = await _book(ledger, tenant_id, planned)
    return DatevImportOut(
        dry_run=dry_run,
        format_version=batch.format_version,
        chart=framework,
        date_from=batch.date_from,
        date_to=batch.date_to,
        total_rows=len(batch.rows) + len({p.line for p in unread}),
        booked=statuses.count("booked"),
        already_imported=statuses.count("already_imported"),
        problems=[_problem_out(p) for p in sorted(problems, key=lambda p: p.line)],
        bookings=[_booking_out(p, status) for p, status in zip(planned, statuses, strict=True)],
    )


async def _decided_in_memory(
    ledger: Ledger, tenant_id: UUID, planned: list[PlannedBooking]
) -> list[RowProblem]:
    """What the writer would refuse, decided on a copy of the books that is then dropped."""
    intents = [p.intent for p in planned]
    async with ledger.pool.acquire() as conn:
        state = await store.load_state(conn, tenant_id)
        lookups = await ledger.writers.read_model.prefetch(conn, tenant_id, intents)
    now = ledger.clock()
    today = now.astimezone(TENANT_TIMEZONE).date()
    problems = []
    for plan in planned:
        try:
            decision = decide(state, lookups, plan.intent, now, today)
        except Rejected as refusal:
            problems.append(RowProblem(line=plan.line, column=None, message=_said(refusal)))
            continue
        for event in decision.events:
            state.apply(event)
    return problems


async def _book(ledger: Ledger, tenant_id: UUID, planned: list[PlannedBooking]) -> list[str]:
    if not planned:
        return []
    answers = await ledger.writers.submit_many(tenant_id, [p.intent for p in planned], atomic=True)
    refused = [
        RowProblem(line=plan.line, column=None, message=_said(answer))
        for plan, answer in zip(planned, answers, strict=True)
        if isinstance(answer, Rejected) and not isinstance(answer, BatchItemFailed)
    ]
    if refused:
        raise _invalid(refused)
    return [
        "already_imported" if isinstance(a, Posted) and a.replayed else "booked" for a in answers
    ]


def _invalid(problems: list[RowProblem]) -> ApiError:
    return ApiError(
        "DATEV_IMPORT_INVALID",
        f"{len(problems)} row(s) cannot be booked, so nothing was booked. Fix them (a dry run "
        "lists them all) and import the file again.",
        problem_count=len(problems),
        problems=[
            {"line": p.line, "column": p.column, "message": p.message}
            for p in problems[:PROBLEMS_IN_ERROR_MAX]
        ],
    )


def _said(refusal: Rejected) -> str:
    return f"{refusal.code}: {refusal.message}"


def _problem_out(problem: RowProblem) -> ImportProblemOut:
    return ImportProblemOut(line=problem.line, column=problem.column, message=problem.message)


def _booking_out(plan: PlannedBooking, status: str) -> ImportBookingOut:
    intent = plan.intent
    return ImportBookingOut(
        line=plan.line,
        intent_id=intent.intent_id,
        booking_date=intent.booking_date,
        description=intent.description,
        external_reference=intent.external_reference,
        lines=[
            ImportLineOut(
                account_number=line.account_number,
                side=line.side,
                amount=cents_to_decimal(line.amount_cents),
                tax_code=line.tax_code,
            )
            for line in intent.lines
        ],
        status=status,  # type: ignore[arg-type]
    )
