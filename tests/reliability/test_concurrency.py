"""Two server processes on one database, many clients: one tenant shared by everyone and
several tenants of their own, and every request sent twice at once (to both servers) with
the same Idempotency-Key. Afterwards: each key booked exactly once, no gaps and no
duplicates in any tenant's journal numbers, every chain verifies, and every balance equals
the fold of the journal."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import httpx
import pytest

from ledger.postgres import EmbeddedPostgres
from tests.reliability import load_client
from tests.serving import Server

TENANTS = 4
CLIENT_THREADS = 8
BOOKINGS_PER_THREAD = 40


def cli(data_dir: Path, *args: str) -> str:
    env = {**os.environ, "LEDGER_DATA_DIR": str(data_dir)}
    env.pop("LEDGER_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    first = Server(tmp_path / "data", tmp_path / "server-1.log")
    first.start()
    second = Server(tmp_path / "data", tmp_path / "server-2.log")  # the same PostgreSQL
    second.start()
    yield first, second
    second.stop()
    first.stop()
    database = EmbeddedPostgres(first.data_dir)
    database.start()
    database.stop()


def both_at_once(urls: tuple[str, str], key: str, name: str) -> list[tuple[int, bool]]:
    """Each booking sent to both servers at the same moment with one Idempotency-Key:
    (status, answered as a replay) of every answer."""
    statuses = []
    clients = [
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) for url in urls
    ]
    with ThreadPoolExecutor(2) as pair:
        for number in range(1, BOOKINGS_PER_THREAD + 1):
            body, headers = load_client.booking(number), {"Idempotency-Key": f"{name}-{number}"}
            sent = [
                pair.submit(client.post, "/v1/bookings", json=body, headers=headers, timeout=30)
                for client in clients
            ]
            for future in sent:
                response = future.result()
                replayed = response.headers.get("Idempotent-Replayed") == "true"
                statuses.append((response.status_code, replayed))
    for client in clients:
        client.close()
    return statuses


@pytest.mark.slow
def test_two_processes_book_every_key_once_without_gaps(servers, tmp_path: Path):
    first, second = servers
    keys = [first.key()]
    for n in range(TENANTS - 1):
        created = cli(
            first.data_dir,
            "tenants",
            "create",
            "--name",
            f"Mandant {n}",
            "--owner-email",
            f"o{n}@x.test",
        )
        keys.append(re.search(r"api key (ll_[0-9a-f]{64})", created)[1])
    # Half the threads share the first tenant (one hot writer per process); the rest spread.
    plan = [
        (keys[0] if t % 2 == 0 else keys[1 + t % (TENANTS - 1)], f"t{t}")
        for t in range(CLIENT_THREADS)
    ]

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        results = list(pool.map(lambda p: both_at_once((first.url, second.url), *p), plan))

    answers = [answer for result in results for answer in result]
    assert {status for status, _ in answers} == {201}
    fresh = sum(1 for _, replayed in answers if not replayed)
    assert fresh == CLIENT_THREADS * BOOKINGS_PER_THREAD  # the other answer of each pair replays
    print(
        f"\nconcurrency test: {len(answers)} requests to 2 processes, {fresh} booked, "
        f"{len(answers) - fresh} answered as replays"
    )
    first.stop()
    second.stop()
    assert "BROKEN" not in cli(first.data_dir, "verify")
    database = EmbeddedPostgres(first.data_dir)
    url = database.start()
    try:
        asyncio.run(check(url))
    finally:
        database.stop()


async def check(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        duplicates = await conn.fetch(
            "select idempotency_key from intents where idempotency_key is not null"
            " group by tenant_id, idempotency_key having count(*) > 1"
        )
        assert duplicates == []
        for row in await conn.fetch(
            "select tenant_id, count(*) as n, count(distinct journal_number) as distinct_numbers,"
            " max(journal_number) as top from journal_lines group by tenant_id"
        ):
            assert row["n"] == row["distinct_numbers"] == row["top"], dict(row)
        differing = await conn.fetch(
            "with folded as (select tenant_id, account, sum(debit) as debit, sum(credit) as credit"
            " from (select tenant_id, account_debit as account, amount_cents as debit, 0 as credit"
            " from journal_lines union all select tenant_id, account_credit, 0, amount_cents"
            " from journal_lines) lines group by tenant_id, account),"
            " projected as (select tenant_id, account_number as account,"
            " sum(debit_cents) as debit, sum(credit_cents) as credit from account_balances"
            " group by tenant_id, account_number)"
            " select * from folded full join projected using (tenant_id, account)"
            " where folded.debit is distinct from projected.debit"
            " or folded.credit is distinct from projected.credit"
        )
        assert differing == []
    finally:
        await conn.close()
