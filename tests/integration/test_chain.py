"""Gapless numbers and the hash chain across processes; tampering is found and named.

Several OS processes, each with its own pool and writer, post to one tenant at once; the
journal must read 1..N with no gap and the chain must verify. Then a row is altered behind
the trigger's back (as a superuser with the trigger disabled) and `ledger verify` names the
line, and the closing hash of a locked period holding it no longer matches.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from api.bootstrap import Ledger
from ledger.intents import ApprovePeriodLock, RequestPeriodLock
from ledger.verify import verify_closings, verify_tenant
from tests.conftest import forge_second_line_amount
from tests.integration.conftest import (
    TEST_ACTOR,
    journal_numbers,
    new_tenant,
    post,
    simple_booking,
)
from tests.integration.writer_process import post_bookings

PROCESSES = 4
BOOKINGS_PER_PROCESS = 60


@pytest.mark.slow
async def test_several_processes_posting_to_one_tenant_keep_numbers_gapless(
    own_ledger: Ledger,
):
    tenant_id = await new_tenant(own_ledger)
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(PROCESSES, mp_context=get_context("spawn")) as pool:
        runs = [
            loop.run_in_executor(
                pool,
                post_bookings,
                own_ledger.database_url,
                str(tenant_id),
                BOOKINGS_PER_PROCESS,
                8,
            )
            for _ in range(PROCESSES)
        ]
        numbers = [n for run in await asyncio.gather(*runs) for n in run]
    total = PROCESSES * BOOKINGS_PER_PROCESS
    assert sorted(numbers) == list(range(1, total + 1))
    async with own_ledger.pool.acquire() as conn:
        assert await journal_numbers(conn, tenant_id) == list(range(1, total + 1))
        report = await verify_tenant(conn, tenant_id)
    assert report.ok
    assert report.lines_checked == total
    # This process's writer saw none of that: its next batch must reload and continue.
    posted = await post(own_ledger, simple_booking(tenant_id, uuid.uuid4(), 1))
    assert posted.first_journal_number == total + 1


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEDGER_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


async def test_verify_names_the_line_whose_amount_was_altered(own_ledger: Ledger):
    tenant_id = await new_tenant(own_ledger)
    for amount in (100, 200, 300):
        await post(own_ledger, simple_booking(tenant_id, uuid.uuid4(), amount))
    clean = run_cli(own_ledger.database_url, "verify")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "ok" in clean.stdout

    await forge_second_line_amount(own_ledger.pool, tenant_id)

    tampered = run_cli(own_ledger.database_url, "verify", "--tenant", str(tenant_id))
    assert tampered.returncode == 1
    assert "BROKEN  at journal_number 2" in tampered.stdout
    assert "audit_hash does not match" in tampered.stdout


async def test_a_changed_line_of_a_locked_period_changes_its_closing_hash(own_ledger: Ledger):
    tenant_id = await new_tenant(own_ledger)
    for amount in (100, 200, 300):
        await post(own_ledger, simple_booking(tenant_id, uuid.uuid4(), amount))  # 2026-03
    request_id = uuid.uuid4()
    for intent in (RequestPeriodLock, ApprovePeriodLock):
        await own_ledger.writers.submit_one(
            intent(
                tenant_id=tenant_id,
                actor=TEST_ACTOR,
                channel="api",
                period="2026-03",
                request_id=request_id,
            )
        )
    async with own_ledger.pool.acquire() as conn:
        [clean] = await verify_closings(conn, tenant_id)
    assert (clean.ok, clean.lines_recorded, clean.lines_found) == (True, 3, 3)

    await forge_second_line_amount(own_ledger.pool, tenant_id)

    async with own_ledger.pool.acquire() as conn:
        [changed] = await verify_closings(conn, tenant_id)
    assert not changed.ok
    assert changed.recorded == clean.recorded
    tampered = run_cli(own_ledger.database_url, "verify", "--tenant", str(tenant_id))
    assert tampered.returncode == 1
    assert "CHANGED closing of 2026-03" in tampered.stdout


async def test_verify_finds_lines_deleted_from_the_end(own_ledger: Ledger):
    tenant_id = await new_tenant(own_ledger)
    for amount in (100, 200):
        await post(own_ledger, simple_booking(tenant_id, uuid.uuid4(), amount))
    async with own_ledger.pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute("alter table events disable trigger events_append_only")
            await conn.execute(
                "delete from events where position = (select max(position) from events)"
            )
            await conn.execute("alter table events enable trigger events_append_only")
        report = await verify_tenant(conn, tenant_id)
    assert report.broken is not None
    assert report.broken.journal_number == 2
    assert "missing" in report.broken.problem
