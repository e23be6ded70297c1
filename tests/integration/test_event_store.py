"""The invariants of the event store (ARCHITECTURE.md, "The event store"), on real PostgreSQL.

Each test names the invariant it proves. They write through the real writer and read the
tables back with SQL, so they check what is stored, not what the API says.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from api.bootstrap import Ledger
from ledger import errors
from ledger.writer import StoreUnavailable, Writers
from projections.inline import InlineReadModel
from tests.integration.conftest import journal_numbers, new_tenant, post, simple_booking


@pytest.mark.parametrize(
    "statement",
    [
        "update events set topic = 'x' where position = 1",
        "delete from events where position = 1",
        "truncate events",
    ],
)
async def test_event_table_rejects_update_delete_and_truncate(own_ledger: Ledger, statement):
    """Invariant 1, append-only: the trigger refuses every change, even to the owner role."""
    await new_tenant(own_ledger)
    async with own_ledger.pool.acquire() as conn:
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute(statement)
        assert await conn.fetchval("select count(*) from events") > 0


class FailingReadModel(InlineReadModel):
    """Fails inside the append transaction, after the events were inserted: like a lost
    connection when `fail` is set, like a bug for bookings of `poison_cents`."""

    fail = False
    poison_cents = -1

    async def apply(self, conn, stored):
        await super().apply(conn, stored)
        if self.fail:
            raise asyncpg.exceptions.ConnectionDoesNotExistError("simulated lost connection")
        amounts = {line.amount_cents for s in stored for line in getattr(s.event, "lines", ())}
        if self.poison_cents in amounts:
            raise asyncpg.exceptions.DataError("simulated bad row")


async def test_intent_that_fails_mid_transaction_leaves_nothing_and_no_gap(own_ledger: Ledger):
    """Invariant 2, all or nothing: a failure after the insert rolls the whole intent back."""
    tenant_id = await new_tenant(own_ledger)
    read_model = FailingReadModel()
    writers = Writers(pool=own_ledger.pool, read_model=read_model)
    try:
        await post(own_ledger, simple_booking(tenant_id, uuid.uuid4(), 100))
        async with own_ledger.pool.acquire() as conn:
            events_before = await conn.fetchval("select count(*) from events")
        read_model.fail = True
        with pytest.raises(StoreUnavailable):
            await writers.submit_one(simple_booking(tenant_id, uuid.uuid4(), 200))
        async with own_ledger.pool.acquire() as conn:
            assert await conn.fetchval("select count(*) from events") == events_before
        read_model.fail = False
        posted = await writers.submit_one(simple_booking(tenant_id, uuid.uuid4(), 300))
        assert posted.first_journal_number == 2
    finally:
        await writers.close()


async def test_failing_submission_fails_alone_and_its_batch_mates_are_posted(own_ledger: Ledger):
    """A non-transient failure (a bug, bad data) answers only the submission that caused it."""
    tenant_id = await new_tenant(own_ledger)
    read_model = FailingReadModel()
    read_model.poison_cents = 666
    writers = Writers(pool=own_ledger.pool, read_model=read_model)
    try:
        amounts = [100, 200, 666, 300, 400]
        results = await asyncio.gather(
            *(writers.submit_one(simple_booking(tenant_id, uuid.uuid4(), a)) for a in amounts),
            return_exceptions=True,
        )
        assert isinstance(results[2], asyncpg.exceptions.DataError)
        posted = [r for r in results if not isinstance(r, BaseException)]
        assert sorted(r.first_journal_number for r in posted) == [1, 2, 3, 4]
    finally:
        await writers.close()


async def test_concurrent_bookings_get_gapless_journal_numbers(ledger: Ledger):
    """Invariant 3 within a process: 300 concurrent bookings -> lines 1..300 (one each)."""
    tenant_id = await new_tenant(ledger)
    intents = [simple_booking(tenant_id, uuid.uuid4(), 100 + i) for i in range(300)]
    results = await asyncio.gather(*(post(ledger, intent) for intent in intents))
    assert sorted(r.first_journal_number for r in results) == list(range(1, 301))
    async with ledger.pool.acquire() as conn:
        assert await journal_numbers(conn, tenant_id) == list(range(1, 301))


async def test_refused_intent_in_a_batch_does_not_affect_the_others(ledger: Ledger):
    """Group commit: one bad intent gets its own error, its batch-mates are posted."""
    tenant_id = await new_tenant(ledger)
    good = [simple_booking(tenant_id, uuid.uuid4(), 100 + i) for i in range(10)]
    bad = simple_booking(tenant_id, uuid.uuid4(), 100, debit="99999999")
    answers = await ledger.writers.submit_many(tenant_id, [*good[:5], bad, *good[5:]], atomic=False)
    assert isinstance(answers[5], errors.AccountNotFound)
    assert [a.first_journal_number for a in answers if not isinstance(a, errors.Rejected)] == list(
        range(1, 11)
    )


async def test_atomic_submission_posts_all_or_nothing(ledger: Ledger):
    tenant_id = await new_tenant(ledger)
    items = [simple_booking(tenant_id, uuid.uuid4(), 100 + i) for i in range(5)]
    items[3] = simple_booking(tenant_id, uuid.uuid4(), 100, credit="99999999")
    answers = await ledger.writers.submit_many(tenant_id, items, atomic=True)
    assert all(isinstance(a, errors.Rejected) for a in answers)
    assert isinstance(answers[3], errors.AccountNotFound)
    posted = await post(ledger, simple_booking(tenant_id, uuid.uuid4(), 1))
    assert posted.first_journal_number == 1


async def test_reader_following_positions_never_skips_a_committed_event(own_ledger: Ledger):
    """Invariant 5: while several tenants write, every page a reader gets continues exactly
    after the last position it saw (positions are gapless and visible in commit order)."""
    tenants = [await new_tenant(own_ledger, f"T{i}") for i in range(4)]
    done = asyncio.Event()

    async def write(tenant_id):
        for _ in range(20):
            await asyncio.gather(
                *(post(own_ledger, simple_booking(tenant_id, uuid.uuid4(), 100)) for _ in range(5))
            )

    async def read() -> int:
        seen = 0
        async with own_ledger.pool.acquire() as conn:
            while True:
                finished = done.is_set()
                rows = await conn.fetch(
                    "select position from events where position > $1 order by position", seen
                )
                positions = [row["position"] for row in rows]
                assert positions == list(range(seen + 1, seen + 1 + len(positions)))
                seen += len(positions)
                if finished and not positions:
                    return seen
                await asyncio.sleep(0)

    reader = asyncio.create_task(read())
    await asyncio.gather(*(write(t) for t in tenants))
    done.set()
    seen = await reader
    async with own_ledger.pool.acquire() as conn:
        assert seen == await conn.fetchval("select max(position) from events")


async def test_concurrent_retries_with_one_idempotency_key_book_once(ledger: Ledger):
    """Invariant 6: twenty simultaneous retries of one request create one intent."""
    tenant_id = await new_tenant(ledger)
    retries = [
        simple_booking(
            tenant_id, uuid.uuid4(), 4200, idempotency_key="retry-1", request_hash="same-body"
        )
        for _ in range(20)
    ]
    results = await asyncio.gather(*(post(ledger, intent) for intent in retries))
    assert len({r.intent_id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    async with ledger.pool.acquire() as conn:
        assert await journal_numbers(conn, tenant_id) == [1]
