"""The per-tenant group-commit writer (ADR 0001).

Handlers submit intents and await a future. One task per tenant drains what has queued,
decides each intent in turn against the tenant's in-memory state, and appends everything
accepted in one transaction together with the inline read models. A refused intent gets its
own error; the rest of the batch is unaffected.

Several processes may write to one tenant: each batch takes the tenant's advisory lock and
compares the stored head with its own; when another process moved it, the state is reloaded
before deciding. Journal numbers and the hash chain therefore continue exactly where the
last committed batch ended, whoever wrote it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from ledger import errors, store
from ledger.decide import decide
from ledger.events import Event
from ledger.intents import AnyIntent
from ledger.limits import INTENTS_PER_BATCH_MAX, QUEUE_INTENTS_MAX
from ledger.outcomes import Decision, Result
from ledger.state import Head, Lookups, TenantState
from ledger.store import StoredEvent

log = logging.getLogger(__name__)

TENANT_TIMEZONE = ZoneInfo("Europe/Berlin")  # "today" for a German business
COMMIT_ATTEMPTS_MAX = 3  # a batch that hits a storage conflict is re-decided on fresh state
RETRY_PAUSE_S = 0.05  # grows per attempt: lets a restarting server or a lock holder finish
# Failures a retry on fresh state can cure: the connection, the server, a conflicting writer.
TRANSIENT_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.TransactionRollbackError,
    asyncpg.exceptions.UniqueViolationError,
)


class ReadModel(Protocol):
    """The read side the writer needs: lookups before deciding, inline projections after."""

    async def prefetch(
        self, conn: asyncpg.Connection, tenant_id: UUID, intents: Sequence[AnyIntent]
    ) -> Lookups: ...

    async def apply(self, conn: asyncpg.Connection, stored: Sequence[StoredEvent]) -> None: ...


class BatchItemFailed(errors.Rejected):
    """An item of an atomic submission was not posted because another item was refused."""

    code = "BATCH_ITEM_FAILED"


@dataclass
class Submission:
    intents: list[AnyIntent]
    atomic: bool
    future: asyncio.Future[list[Result | errors.Rejected]]


@dataclass
class TenantWriter:
    tenant_id: UUID
    pool: asyncpg.Pool
    read_model: ReadModel
    clock: Callable[[], datetime]
    pending: deque[Submission] = field(default_factory=deque)
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    state: TenantState | None = field(default=None, repr=False)  # a whole chart: not for logs
    queued_intents: int = 0
    task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name=f"writer-{self.tenant_id}")

    async def submit(
        self, intents: list[AnyIntent], *, atomic: bool = False
    ) -> list[Result | errors.Rejected]:
        if self.queued_intents + len(intents) > QUEUE_INTENTS_MAX:
            raise errors.Overloaded("The ledger is busy; retry in a moment.")
        future: asyncio.Future[list[Result | errors.Rejected]] = (
            asyncio.get_running_loop().create_future()
        )
        self.queued_intents += len(intents)
        self.pending.append(Submission(intents=intents, atomic=atomic, future=future))
        self.wakeup.set()
        return await future

    async def _run(self) -> None:
        while True:
            if not self.pending:
                self.wakeup.clear()
                await self.wakeup.wait()
                continue
            batch = self._next_batch()
            self.queued_intents -= sum(len(submission.intents) for submission in batch)
            await self._commit_batch(batch)

    def _next_batch(self) -> list[Submission]:
        """What has queued, up to the batch limit; an atomic submission commits alone, so its
        failure undoes nothing of anyone else's."""
        batch = [self.pending.popleft()]
        size = len(batch[0].intents)
        while (
            not batch[0].atomic
            and size < INTENTS_PER_BATCH_MAX
            and self.pending
            and not self.pending[0].atomic
        ):
            batch.append(self.pending.popleft())
            size += len(batch[-1].intents)
        return batch

    async def _commit_batch(self, batch: list[Submission]) -> None:
        last_error: BaseException | None = None
        for attempt in range(COMMIT_ATTEMPTS_MAX):
            try:
                answers = await self._decide_and_append(batch)
            except TRANSIENT_ERRORS as error:
                log.warning("batch for tenant %s failed, retrying: %r", self.tenant_id, error)
                self.state = None  # reload: another process may have written
                last_error = error
                await asyncio.sleep(RETRY_PAUSE_S * (attempt + 1))
                continue
            except Exception as error:
                self.state = None
                if len(batch) > 1:
                    # A bug or bad data in one submission must not fail its batch-mates:
                    # commit each alone, so only the culprit gets the error.
                    for submission in batch:
                        await self._commit_batch([submission])
                    return
                log.exception("submission for tenant %s failed", self.tenant_id)
                _fail(batch, error)
                return
            except BaseException as error:  # cancelled: answer, then stop the task
                self.state = None
                _fail(batch, error)
                raise
            for submission, answer in zip(batch, answers, strict=True):
                if not submission.future.done():
                    submission.future.set_result(answer)
            return
        _fail(batch, StoreUnavailable(str(last_error)))

    async def _decide_and_append(
        self, batch: list[Submission]
    ) -> list[list[Result | errors.Rejected]]:
        async with self.pool.acquire() as conn, conn.transaction():
            stored_head = await store.lock_tenant(conn, self.tenant_id)
            state = await self._current_state(conn, stored_head)
            intents = [intent for submission in batch for intent in submission.intents]
            lookups = await self.read_model.prefetch(conn, self.tenant_id, intents)
            now = self.clock().astimezone(UTC)
            today = now.astimezone(TENANT_TIMEZONE).date()
            events: list[Event] = []
            answers = [
                self._decide_submission(state, lookups, submission, now, today, events)
                for submission in batch
            ]
            if events:
                stored = await store.append(conn, self.tenant_id, events, state.head)
                await self.read_model.apply(conn, stored)
        return answers

    def _decide_submission(
        self,
        state: TenantState,
        lookups: Lookups,
        submission: Submission,
        now: datetime,
        today: date,
        events: list[Event],
    ) -> list[Result | errors.Rejected]:
        answers: list[Result | errors.Rejected] = []
        for index, intent in enumerate(submission.intents):
            try:
                decision: Decision = decide(state, lookups, intent, now, today)
            except errors.Rejected as rejection:
                if submission.atomic:
                    # It commits alone, so every event decided so far is its own: drop them all.
                    events.clear()
                    self.state = None  # its earlier items changed the state: reload
                    rejection.details.setdefault("index", index)
                    return [
                        rejection
                        if i == index
                        else BatchItemFailed(
                            f"Not posted: item {index} of this atomic batch was refused.",
                            index=i,
                            failed_index=index,
                        )
                        for i in range(len(submission.intents))
                    ]
                answers.append(rejection)
                continue
            for event in decision.events:
                state.apply(event)
            events.extend(decision.events)
            answers.append(decision.result)
        return answers

    async def _current_state(self, conn: asyncpg.Connection, stored_head: Head) -> TenantState:
        """Our state if nobody else wrote since our last batch; reloaded otherwise."""
        if self.state is not None and stored_head.position == self.state.head.position:
            return self.state
        self.state = await store.load_state(conn, self.tenant_id, stored_head)
        return self.state


class StoreUnavailable(Exception):
    """The database refused a batch repeatedly (connection lost, server down)."""


def _fail(batch: list[Submission], error: BaseException) -> None:
    for submission in batch:
        if not submission.future.done():
            submission.future.set_exception(error)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Writers:
    """One writer per tenant, created on first use, all in this process."""

    pool: asyncpg.Pool
    read_model: ReadModel
    clock: Callable[[], datetime] = utc_now
    writers: dict[UUID, TenantWriter] = field(default_factory=dict, repr=False)  # one per tenant

    def for_tenant(self, tenant_id: UUID) -> TenantWriter:
        writer = self.writers.get(tenant_id)
        if writer is None:
            writer = TenantWriter(
                tenant_id=tenant_id, pool=self.pool, read_model=self.read_model, clock=self.clock
            )
            writer.start()
            self.writers[tenant_id] = writer
        return writer

    async def submit_one(self, intent: AnyIntent) -> Result:
        """Submit one intent; a refusal is raised as its `Rejected`."""
        [answer] = await self.for_tenant(intent.tenant_id).submit([intent])
        if isinstance(answer, errors.Rejected):
            raise answer
        return answer

    async def submit_many(
        self, tenant_id: UUID, intents: list[AnyIntent], *, atomic: bool
    ) -> list[Result | errors.Rejected]:
        return await self.for_tenant(tenant_id).submit(intents, atomic=atomic)

    async def close(self) -> None:
        for writer in self.writers.values():
            if writer.task is not None:
                writer.task.cancel()
        for writer in self.writers.values():
            if writer.task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await writer.task
        self.writers.clear()
