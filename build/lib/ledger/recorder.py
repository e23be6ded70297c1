"""The eventsourcing library's recorders on our `events` table, for the entity lifecycles.

Why: period lock requests, payment runs, invoices and the like are the library's aggregates
(ARCHITECTURE.md, "Where the `eventsourcing` library fits"). Their events belong in the same
store as the ledger's, with the same guarantees: positions global, gapless and in commit order
(ADR 0002), rows append-only, one tenant per row. So these recorders write through the store's
own helpers (`ledger.store.lock_positions`, `ledger.store.insert_rows`) rather than the stock
PostgreSQL recorder's tables, and `tests/integration/test_recorder_conformance.py` runs the
library's conformance cases against them.

The library calls recorders synchronously; our driver is asyncpg. Each recorder therefore owns
a private event loop in a daemon thread, with a small pool of its own; every method submits a
coroutine to that loop and waits for it with a bound. `close()` closes the pool, stops the loop
and joins the thread.

How our storage maps onto the library's:
- A notification id is the event's global position. A recorder is bound to one tenant: it
  writes that tenant id on every row and reads only that tenant's rows, so a tenant's ids are
  increasing but not contiguous once other tenants (or the ledger's writer) write too.
- Originator ids must be UUIDs (the column is `uuid`); the library's text-id mode is not
  supported.
- A repeated (originator_id, originator_version) is the library's `IntegrityError`, and so is a
  tracking record that is not above the application's last one.
- A tenant's notifications include the ledger's own events of that tenant (topics such as
  `booking_posted.v1`, which the library cannot resolve): library readers pass `topics`.
- Snapshots need an aggregate recorder of their own: a snapshot has its event's
  (originator_id, originator_version), which `events` holds once.
- Subscriptions poll (see `_PollingSubscription`); they reuse `ListenNotifySubscription`
  internals, which is why pyproject pins eventsourcing below 9.6.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import weakref
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from typing import Any, Final, TypeVar
from uuid import UUID

import asyncpg
from eventsourcing.persistence import (
    ApplicationRecorder,
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    ListenNotifySubscription,
    Notification,
    OperationalError,
    PersistenceError,
    ProcessRecorder,
    ProgrammingError,
    StoredEvent,
    Subscription,
    Tracking,
    TrackingRecorder,
)

from ledger.postgres import create_pool
from ledger.store import insert_rows, lock_positions

RECORDER_POOL_SIZE_MAX: Final = 4  # connections per recorder: inserts serialize on a lock anyway
CALL_TIMEOUT_S: Final = 90.0  # a synchronous call gives up after this (above the pool's 60 s)
ACQUIRE_TIMEOUT_S: Final = 30.0  # waiting for a pooled connection
CLOSE_TIMEOUT_S: Final = 10.0  # closing the pool and joining the loop thread
SUBSCRIPTION_POLL_INTERVAL_S: Final = 0.25  # a subscription looks for other writers' events
TRACKING_LOCK_CLASS: Final = 0x1ED6E7  # two-key advisory lock (class, hash of the app name)
assert CALL_TIMEOUT_S > ACQUIRE_TIMEOUT_S, "a call must outlive its wait for a connection"

_Result = TypeVar("_Result")


class _BackgroundLoop:
    """An asyncio loop in a daemon thread, with an asyncpg pool on it; the sync-to-async seam."""

    def __init__(self, dsn: str, *, pool_size_max: int, name: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()
        self._closed = False
        self._closed_lock = threading.Lock()  # no call is submitted once close() has begun
        try:
            self.pool: asyncpg.Pool = self.run(create_pool(dsn, max_size=pool_size_max))
        except BaseException:
            self._stop_loop()
            raise

    def run(self, coroutine: Coroutine[Any, Any, _Result]) -> _Result:
        """Run `coroutine` on the loop and wait for it; asyncpg errors become the library's."""
        with self._closed_lock:
            if self._closed:
                coroutine.close()
                raise InterfaceError("the recorder is closed")
            future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout=CALL_TIMEOUT_S)
        except concurrent.futures.CancelledError as error:
            raise InterfaceError("the recorder was closed during the call") from error
        except TimeoutError as error:  # ours (CALL_TIMEOUT_S) or the pool's (acquire, command)
            future.cancel()
            raise OperationalError(f"the database did not answer in time: {error!r}") from error
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
            raise _translated(error) from error

    def close(self) -> None:
        """Cancel calls in flight (their transactions roll back), close the pool, stop."""
        with self._closed_lock:
            if self._closed:
                return
            self._closed = True
        future = asyncio.run_coroutine_threadsafe(self._shut_down(), self._loop)
        try:
            future.result(timeout=CLOSE_TIMEOUT_S)
        except Exception:  # the pool did not close in time: drop its connections
            self._loop.call_soon_threadsafe(self.pool.terminate)  # on its loop: not thread-safe
        finally:
            self._stop_loop()

    async def _shut_down(self) -> None:
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        await self.pool.close()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=CLOSE_TIMEOUT_S)
        if not self._thread.is_alive():
            self._loop.close()


def _translated(error: BaseException) -> PersistenceError:
    """The library's exception (PEP 249 names) for an asyncpg or socket error."""
    message = str(error)
    if isinstance(error, asyncpg.IntegrityConstraintViolationError):
        return IntegrityError(message)
    if isinstance(error, asyncpg.DataError):
        return DataError(message)
    if isinstance(error, asyncpg.SyntaxOrAccessError):
        return ProgrammingError(message)
    if isinstance(error, asyncpg.InterfaceError):
        return InterfaceError(message)
    if isinstance(error, (asyncpg.PostgresConnectionError, OSError)):
        return OperationalError(message)
    return DatabaseError(message)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _as_uuid(originator_id: UUID | str) -> UUID:
    if isinstance(originator_id, UUID):
        return originator_id
    try:
        return UUID(originator_id)
    except ValueError as error:
        raise DataError(f"originator ids are UUIDs here, not {originator_id!r}") from error


class _Recorder:
    """Owns the background loop; shared by the application and the tracking recorder."""

    def __init__(self, dsn: str, *, pool_size_max: int = RECORDER_POOL_SIZE_MAX) -> None:
        self._background = _BackgroundLoop(
            dsn, pool_size_max=pool_size_max, name=f"{type(self).__name__}-loop"
        )

    def close(self) -> None:
        """Close the pool and stop the loop thread; the recorder is unusable afterwards."""
        self._background.close()

    async def _insert_tracking(self, conn: asyncpg.Connection, tracking: Tracking) -> None:
        """Record `tracking` in the caller's transaction; refuse an id not above the last one.

        The library expects a tracking record at or below the application's highest one to be
        an `IntegrityError` (it would mean processing a notification twice, or out of order).
        The two-key advisory lock makes the check and the insert atomic per application.
        """
        await conn.execute(
            "select pg_advisory_xact_lock($1, hashtext($2))",
            TRACKING_LOCK_CLASS,
            tracking.application_name,
        )
        status = await conn.execute(
            "insert into tracking (application_name, notification_id) select $1, $2"
            " where not exists (select 1 from tracking where application_name = $1"
            " and notification_id >= $2)",
            tracking.application_name,
            tracking.notification_id,
        )
        if status != "INSERT 0 1":
            raise IntegrityError(
                f"tracking {tracking.application_name!r} {tracking.notification_id} is not"
                " above the last one recorded"
            )

    async def _transact_tracking(self, tracking: Tracking) -> None:
        pool = self._background.pool
        async with pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn, conn.transaction():
            await self._insert_tracking(conn, tracking)

    async def _max_tracking_id(self, application_name: str) -> int | None:
        async with self._background.pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn:
            return await conn.fetchval(
                "select max(notification_id) from tracking where application_name = $1",
                application_name,
            )


class LedgerTrackingRecorder(_Recorder, TrackingRecorder):
    """The library's `TrackingRecorder` on the `tracking` table (migration 0003)."""

    def insert_tracking(self, tracking: Tracking) -> None:
        self._background.run(self._transact_tracking(tracking))

    def max_tracking_id(self, application_name: str) -> int | None:
        return self._background.run(self._max_tracking_id(application_name))


class LedgerApplicationRecorder(_Recorder, ApplicationRecorder):
    """The library's `ApplicationRecorder` on `events`, for the streams of one tenant."""

    def __init__(
        self,
        dsn: str,
        tenant_id: UUID,
        *,
        clock: Callable[[], datetime] | None = None,
        pool_size_max: int = RECORDER_POOL_SIZE_MAX,
    ) -> None:
        self.tenant_id = tenant_id
        self._clock = clock or _utc_now
        self._subscriptions: weakref.WeakSet[_PollingSubscription] = weakref.WeakSet()
        self._subscriptions_lock = threading.Lock()  # subscribe and insert run on any thread
        super().__init__(dsn, pool_size_max=pool_size_max)

    def close(self) -> None:
        """Stop live subscriptions (their pull threads are not daemons), then close."""
        for subscription in self._live_subscriptions():
            subscription.stop()
        super().close()

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert atomically at the next global positions; returns them (None for no events).

        `tracking` (passed by `Application.save`, None outside process applications) is only
        supported by `LedgerProcessRecorder`.
        """
        tracking: Tracking | None = kwargs.get("tracking")
        if tracking is not None and not isinstance(self, TrackingRecorder):
            raise ProgrammingError("tracking needs a LedgerProcessRecorder")
        if not stored_events and tracking is None:
            return None
        positions = self._background.run(self._insert(stored_events, tracking))
        for subscription in self._live_subscriptions():
            subscription.wake()
        return positions or None

    async def _insert(
        self, stored_events: Sequence[StoredEvent], tracking: Tracking | None
    ) -> list[int]:
        count = len(stored_events)
        originator_ids = [_as_uuid(e.originator_id) for e in stored_events]
        pool = self._background.pool
        async with pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn, conn.transaction():
            if tracking is not None:
                await self._insert_tracking(conn, tracking)
            if not count:
                return []
            last_position = await lock_positions(conn)
            positions = list(range(last_position + 1, last_position + 1 + count))
            await insert_rows(
                conn,
                positions=positions,
                tenant_ids=[self.tenant_id] * count,
                originator_ids=originator_ids,
                originator_versions=[e.originator_version for e in stored_events],
                topics=[e.topic for e in stored_events],
                states=[e.state for e in stored_events],
                recorded_ats=[self._clock()] * count,
            )
        return positions

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        rows = self._background.run(
            self._fetch(
                "select originator_id, originator_version, topic, state from events"
                " where tenant_id = $1 and originator_id = $2"
                " and ($3::bigint is null or originator_version > $3)"
                " and ($4::bigint is null or originator_version <= $4)"
                f" order by originator_version {'desc' if desc else 'asc'} limit $5",
                self.tenant_id,
                _as_uuid(originator_id),
                gt,
                lte,
                limit,
            )
        )
        return [
            StoredEvent(
                originator_id=row["originator_id"],
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=row["state"],
            )
            for row in rows
        ]

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        after = 0 if start is None else (start - 1 if inclusive_of_start else start)
        rows = self._background.run(
            self._fetch(
                "select position, originator_id, originator_version, topic, state from events"
                " where tenant_id = $1 and position > $2"
                " and ($3::bigint is null or position <= $3)"
                " and (cardinality($4::text[]) = 0 or topic = any($4::text[]))"
                " order by position limit $5",
                self.tenant_id,
                after,
                stop,
                list(topics),
                limit,
            )
        )
        return [
            Notification(
                id=row["position"],
                originator_id=row["originator_id"],
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=row["state"],
            )
            for row in rows
        ]

    def max_notification_id(self) -> int | None:
        return self._background.run(self._max_position())

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        """Notifications after `gt`, then new ones as they are recorded (see the class below)."""
        subscription = _PollingSubscription(recorder=self, gt=gt, topics=topics)
        with self._subscriptions_lock:
            self._subscriptions.add(subscription)
        return subscription

    def _live_subscriptions(self) -> list[_PollingSubscription]:
        with self._subscriptions_lock:
            return list(self._subscriptions)

    async def _fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        async with self._background.pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn:
            return await conn.fetch(query, *args)

    async def _max_position(self) -> int | None:
        async with self._background.pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn:
            return await conn.fetchval(
                "select max(position) from events where tenant_id = $1", self.tenant_id
            )


class LedgerProcessRecorder(LedgerTrackingRecorder, LedgerApplicationRecorder, ProcessRecorder):
    """Events and the upstream position they came from, in one transaction (exactly once)."""


class _PollingSubscription(ListenNotifySubscription[LedgerApplicationRecorder]):
    """The library's subscription, woken by polling instead of LISTEN/NOTIFY.

    Why polling: the ledger's writer does not NOTIFY, and a poll every
    SUBSCRIPTION_POLL_INTERVAL_S is bounded and simple. Inserts through the same recorder wake
    the subscription at once (`wake`), so in-process readers see new events without delay.
    The base class pulls pages of 500 after the last id and hands them over a bounded queue.
    """

    def wake(self) -> None:
        self._has_been_notified.set()

    def _loop_on_pull(self) -> None:
        try:
            self._pull()  # what is already recorded
            while not self._has_been_stopped:
                self._has_been_notified.wait(timeout=SUBSCRIPTION_POLL_INTERVAL_S)
                self._pull()
        except BaseException as error:  # handed to the iterating thread, as the base does
            if self._has_been_stopped:
                return  # a call cut short by stopping (or by closing the recorder) is no error
            if self._thread_error is None:
                self._thread_error = error
            self.stop()
