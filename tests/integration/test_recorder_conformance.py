"""The eventsourcing library's own conformance cases, run against `ledger.recorder`.

Goal: prove that our `events` table (global gapless positions under the position lock,
append-only, tenant per row) keeps the semantics the library's aggregates and process
applications rely on, so later issues can store period lock requests, payment runs and
invoices there (ARCHITECTURE.md, "Where the `eventsourcing` library fits").

Method: subclass the library's abstract `TestCase`s (`eventsourcing.tests.persistence`), as
its stock backends do, with `create_recorder()` building our recorder on a database of its own
per test (a copy of the migrated template), because the cases expect notification ids to start
at 1. The cases are synchronous unittest code; the session's PostgreSQL comes from the async
fixtures in `tests/conftest.py`, so an autouse fixture creates and drops the database in a
helper thread with its own event loop (asyncio.run on pytest-asyncio's thread would replace its
session loop) and hands the URL to the test instance.

The library module is imported as a module, not its classes by name: pytest collects every
`unittest.TestCase` found in a test module, and the abstract bases would fail to instantiate.
"""

from __future__ import annotations

import asyncio
import threading
import unittest
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import asyncpg
import eventsourcing.tests.persistence as conformance
import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent

from ledger.recorder import (
    LedgerApplicationRecorder,
    LedgerProcessRecorder,
    LedgerTrackingRecorder,
    _Recorder,
)
from projections.rebuild import rebuild
from tests.conftest import copy_of_template

_Result = TypeVar("_Result")


def _in_own_loop(coroutine: Coroutine[Any, Any, _Result]) -> _Result:
    """Run `coroutine` to completion on a fresh loop in a helper thread."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result(timeout=60)


async def _drop_database(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f"drop database if exists {name} with (force)")
    finally:
        await admin.close()


@pytest.fixture(autouse=True)
def _database_of_its_own(
    request: pytest.FixtureRequest, server_url: str, template_url: str
) -> Iterator[None]:
    """A migrated database per test, its URL set on the TestCase instance, dropped after."""
    name = f"recorder_{uuid.uuid4().hex[:12]}"
    request.instance.database_url = _in_own_loop(copy_of_template(server_url, name))
    yield
    _in_own_loop(_drop_database(server_url, name))


class _OnOwnDatabase:
    """Builds recorders on the test's database and closes them after the test.

    Not a TestCase itself, so pytest does not collect it.
    """

    database_url: str
    tenant_id: uuid.UUID

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        self.tenant_id = uuid.uuid4()
        self._recorders: list[_Recorder] = []

    def tearDown(self) -> None:
        for recorder in self._recorders:
            recorder.close()
        super().tearDown()  # type: ignore[misc]

    def _keep(self, recorder: _Recorder) -> Any:
        self._recorders.append(recorder)
        return recorder


class TestLedgerApplicationRecorder(
    _OnOwnDatabase, conformance.ApplicationRecorderTestCase[LedgerApplicationRecorder]
):
    """Insert/select, IntegrityError on a repeated version, notifications by position,
    concurrent writers with readers, and subscriptions."""

    def create_recorder(self) -> LedgerApplicationRecorder:
        return self._keep(LedgerApplicationRecorder(self.database_url, self.tenant_id))

    def test_insert_subscribe(self) -> None:
        # Optional in the library (not every backend can subscribe); the stock PostgreSQL
        # backend runs it, and so do we.
        self.optional_test_insert_subscribe()


class TestLedgerTrackingRecorder(_OnOwnDatabase, conformance.TrackingRecorderTestCase):
    """Tracking records: IntegrityError on a repeat or on a lower id after a higher one."""

    def create_recorder(self) -> LedgerTrackingRecorder:
        return self._keep(LedgerTrackingRecorder(self.database_url))


class TestLedgerProcessRecorder(_OnOwnDatabase, conformance.ProcessRecorderTestCase):
    """Events and the upstream position they came from commit together, or not at all."""

    def create_recorder(self) -> LedgerProcessRecorder:
        return self._keep(LedgerProcessRecorder(self.database_url, self.tenant_id))


class TestLedgerNonInterleavingNotificationIds(
    _OnOwnDatabase, conformance.NonInterleavingNotificationIDsBaseCase
):
    """Two concurrent batches of 1,000 get two unbroken runs of positions (commit order)."""

    def create_recorder(self) -> LedgerApplicationRecorder:
        return self._keep(LedgerApplicationRecorder(self.database_url, self.tenant_id))


class TestLibraryAggregatesOnOurStore(_OnOwnDatabase, unittest.TestCase):
    """Goal: the library's Application saves and loads an aggregate through our recorder, and
    another tenant's recorder neither sees its events nor its notifications.
    Method: an Application whose recorder is ours; a second recorder for another tenant."""

    def test_application_round_trip_and_tenant_isolation(self) -> None:
        recorder = self._keep(LedgerApplicationRecorder(self.database_url, self.tenant_id))
        other = self._keep(LedgerApplicationRecorder(self.database_url, uuid.uuid4()))
        app = _PaymentRuns(recorder)
        run = _PaymentRun(run_name="March")
        run.approve(approver="cfo")
        app.save(run)

        loaded = app.repository.get(run.id)
        assert (loaded.run_name, loaded.approved_by, loaded.version) == ("March", "cfo", 2)
        assert [n.id for n in recorder.select_notifications(None, 10)] == [1, 2]
        assert other.select_events(run.id) == []
        assert other.select_notifications(None, 10) == []
        assert other.max_notification_id() is None

    def test_projection_rebuild_skips_library_aggregates_events(self) -> None:
        recorder = self._keep(LedgerApplicationRecorder(self.database_url, self.tenant_id))
        _PaymentRuns(recorder).save(_PaymentRun(run_name="April"))

        async def rebuild_all() -> int:
            pool = await asyncpg.create_pool(self.database_url, min_size=2, max_size=3)
            try:
                return (await rebuild(pool)).events
            finally:
                await pool.close()

        assert _in_own_loop(rebuild_all()) == 0  # the library's events are not ledger events


class TestRecorderOnSharedStore(_OnOwnDatabase, unittest.TestCase):
    """Goal: what the library's cases cannot see because each of them has the table to itself.
    Positions are global, so a tenant's notification ids have gaps where other tenants wrote;
    a subscription still finds events written by another recorder (by polling, since only its
    own recorder can wake it); and `close()` ends live subscriptions instead of leaving their
    (non-daemon) pull threads behind.
    Method: two tenants' recorders writing in turn, and a third recorder subscribing."""

    def test_notification_ids_are_global_positions_seen_by_polling_subscriptions(self) -> None:
        writer = self._keep(LedgerApplicationRecorder(self.database_url, self.tenant_id))
        reader = self._keep(LedgerApplicationRecorder(self.database_url, self.tenant_id))
        other_tenant = self._keep(LedgerApplicationRecorder(self.database_url, uuid.uuid4()))
        stream = uuid.uuid4()

        assert writer.insert_events([_stored(stream, 1), _stored(stream, 2)]) == [1, 2]
        assert other_tenant.insert_events([_stored(uuid.uuid4(), 1)]) == [3]
        with reader.subscribe(gt=0) as subscription:
            guard = threading.Timer(SUBSCRIPTION_WAIT_S, subscription.stop)  # fail, not hang
            guard.start()
            try:
                assert [next(subscription).id for _ in range(2)] == [1, 2]
                assert writer.insert_events([_stored(stream, 3)]) == [4]
                assert next(subscription).id == 4
            finally:
                guard.cancel()
        assert [n.id for n in reader.select_notifications(None, 10)] == [1, 2, 4]
        assert reader.max_notification_id() == 4
        assert [e.originator_version for e in reader.select_events(stream, gt=1)] == [2, 3]

    def test_close_ends_live_subscriptions(self) -> None:
        recorder = LedgerApplicationRecorder(self.database_url, self.tenant_id)
        subscription = recorder.subscribe(gt=None)
        recorder.close()
        with subscription:
            assert list(subscription) == []


SUBSCRIPTION_WAIT_S = 10.0  # far above the poll interval; a broken poll fails the test


def _stored(originator_id: uuid.UUID, version: int) -> StoredEvent:
    return StoredEvent(
        originator_id=originator_id, originator_version=version, topic="topic", state=b"{}"
    )


class _PaymentRun(Aggregate):
    """A stand-in for the entity lifecycles the library will carry (a payment run)."""

    @event("Created")
    def __init__(self, run_name: str) -> None:
        self.run_name = run_name
        self.approved_by: str | None = None

    @event("Approved")
    def approve(self, approver: str) -> None:
        self.approved_by = approver


class _PaymentRuns(Application[uuid.UUID]):
    """An Application on a given recorder (the library builds its own from the environment)."""

    def __init__(self, recorder: LedgerApplicationRecorder) -> None:
        self._given_recorder = recorder
        super().__init__()

    def construct_recorder(self) -> LedgerApplicationRecorder:
        return self._given_recorder
