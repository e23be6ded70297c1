"""Engagements and their tasks. A task is one recurrence period of the engagement's work;
tasks are not stored but follow from the engagement (docs/api.md, "Engagements"):

| recurrence | one task per | due |
|---|---|---|
| monthly | calendar month, from the start month | the 10th of the next month (UStVA, § 18 UStG) |
| quarterly | calendar quarter | the 10th of the month after the quarter |
| annual | calendar year | 31 July of the next year (§ 149 AO) |
| none | the engagement | 30 days after the start |

Tasks run from the start to the period after today's (the next one is visible ahead), or to
the period in which the engagement was completed or cancelled. Completing one is an event
of the engagement's stream; its id is `<engagement id>:<period>`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final
from uuid import UUID

import msgspec
from dateutil.relativedelta import relativedelta

from ledger import errors
from ledger.events import (
    EngagementCreated,
    EngagementStatus,
    EngagementStatusChanged,
    EngagementTaskCompleted,
    Recurrence,
)
from ledger.intents import (
    ChangeEngagementStatus,
    CompleteEngagementTask,
    CreateEngagement,
    stamp_of,
)
from ledger.outcomes import Accepted, Decision
from ledger.practice.firms import Firm

ONE_OFF_DAYS: Final = 30


class Task(msgspec.Struct, frozen=True, kw_only=True):
    task_id: str
    period: str
    name: str
    due_date: date


class KnownEngagement(msgspec.Struct, frozen=True, kw_only=True):
    client_entity_id: UUID
    name: str
    recurrence: Recurrence
    start_date: date
    status: EngagementStatus
    version: int
    ended_on: date | None = None
    completed_tasks: frozenset[str] = frozenset()


def tasks_of(
    engagement_id: UUID, name: str, recurrence: Recurrence, start: date, until: date
) -> list[Task]:
    """The engagement's tasks from `start` through the period after the one holding `until`."""
    if recurrence == "none":
        return [_task(engagement_id, name, "once", start + timedelta(days=ONE_OFF_DAYS))]
    step = {"monthly": 1, "quarterly": 3, "annual": 12}[recurrence]
    first = _period_start(start, recurrence)
    last = _period_start(until, recurrence) + relativedelta(months=step)
    tasks = []
    current = first
    while current <= last:
        label, due = _label_and_due(current, recurrence)
        tasks.append(_task(engagement_id, f"{name} {label}", label, due))
        current += relativedelta(months=step)
    return tasks


def _period_start(day: date, recurrence: Recurrence) -> date:
    if recurrence == "monthly":
        return day.replace(day=1)
    if recurrence == "quarterly":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def _label_and_due(start: date, recurrence: Recurrence) -> tuple[str, date]:
    if recurrence == "monthly":
        return f"{start:%Y-%m}", start + relativedelta(months=1, day=10)
    if recurrence == "quarterly":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}", start + relativedelta(
            months=3, day=10
        )
    return f"{start.year}", date(start.year + 1, 7, 31)


def _task(engagement_id: UUID, name: str, period: str, due: date) -> Task:
    return Task(task_id=f"{engagement_id}:{period}", period=period, name=name, due_date=due)


def tasks_now(engagement_id: UUID, engagement: KnownEngagement, today: date) -> list[Task]:
    until = engagement.ended_on if engagement.status != "active" and engagement.ended_on else today
    return tasks_of(
        engagement_id, engagement.name, engagement.recurrence, engagement.start_date, until
    )


def engagement_of_task(task_id: str) -> UUID:
    head, sep, _ = task_id.partition(":")
    try:
        if not sep:
            raise ValueError(task_id)
        return UUID(head)
    except ValueError:
        raise errors.TaskNotFound("No task with this id exists.", task_id=task_id) from None


def create(firm: Firm, intent: CreateEngagement, now: datetime) -> Decision:
    firm.require_active()
    firm.client(intent.client_entity_id)
    event = EngagementCreated(
        **stamp_of(intent, now),
        engagement_id=intent.engagement_id,
        client_entity_id=intent.client_entity_id,
        name=intent.name,
        engagement_type=intent.engagement_type,
        recurrence=intent.recurrence,
        start_date=intent.start_date,
        notes=intent.notes,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.engagement_id)))


def known(engagements: dict[UUID, KnownEngagement], engagement_id: UUID) -> KnownEngagement:
    engagement = engagements.get(engagement_id)
    if engagement is None:
        raise errors.EngagementNotFound("No engagement with this id exists.", id=str(engagement_id))
    return engagement


def complete_task(
    firm: Firm,
    engagements: dict[UUID, KnownEngagement],
    intent: CompleteEngagementTask,
    now: datetime,
    today: date,
) -> Decision:
    firm.require_active()
    engagement = known(engagements, intent.engagement_id)
    if intent.task_id not in {
        t.task_id for t in tasks_now(intent.engagement_id, engagement, today)
    }:
        raise errors.TaskNotFound("No task with this id exists.", task_id=intent.task_id)
    if engagement.status != "active":
        raise errors.InvalidStateTransition(
            f"The engagement is {engagement.status}: its tasks are closed.",
            status=engagement.status,
        )
    if intent.task_id in engagement.completed_tasks:
        raise errors.InvalidStateTransition(
            "The task is already completed.", task_id=intent.task_id
        )
    version = engagement.version + 1
    engagements[intent.engagement_id] = msgspec.structs.replace(
        engagement,
        version=version,
        completed_tasks=engagement.completed_tasks | {intent.task_id},
    )
    event = EngagementTaskCompleted(
        **stamp_of(intent, now),
        engagement_id=intent.engagement_id,
        task_id=intent.task_id,
        version=version,
    )
    return Decision(events=(event,), result=Accepted(subject=intent.task_id))


def change_status(
    firm: Firm,
    engagements: dict[UUID, KnownEngagement],
    intent: ChangeEngagementStatus,
    now: datetime,
) -> Decision:
    firm.require_active()
    engagement = known(engagements, intent.engagement_id)
    if engagement.status == intent.status:
        raise errors.NoChanges(f"The engagement is already {intent.status}.")
    version = engagement.version + 1
    engagements[intent.engagement_id] = msgspec.structs.replace(
        engagement,
        status=intent.status,
        version=version,
        ended_on=None if intent.status == "active" else now.date(),  # as the read table has it
    )
    event = EngagementStatusChanged(
        **stamp_of(intent, now),
        engagement_id=intent.engagement_id,
        status=intent.status,
        version=version,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.engagement_id)))
