"""Crash safety: the real server (`ledger serve` on its own embedded PostgreSQL) takes
bookings from several client processes and is killed with SIGKILL mid-load — once the
server, once the PostgreSQL server under it. After a restart (and the clients' retries of
every request whose answer they never saw, with the same Idempotency-Key): every booking
that got a 2xx is there exactly once, no intent is partial, journal numbers are gapless,
`ledger verify` passes, and the read tables equal a rebuild from the events."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from ledger.postgres import EmbeddedPostgres
from projections.rebuild import rebuild
from tests.integration.test_projections import dump_read_tables
from tests.reliability import load_client
from tests.serving import Server, postmaster_pid

CLIENTS = 4
LOAD_SECONDS = 1.5


def load_while(server: Server, key: str, tmp: Path, round_: str, crash) -> dict[str, int | None]:
    """Clients post; once every one has had an answer, `crash()` strikes mid-load. Their
    answers, merged."""
    context = multiprocessing.get_context("spawn")
    outs = [tmp / f"{round_}-{n}.json" for n in range(CLIENTS)]
    stop = tmp / f"{round_}.stop"
    workers = [
        context.Process(
            target=load_client.run, args=(server.url, key, f"{round_}{n}", str(out), str(stop))
        )
        for n, out in enumerate(outs)
    ]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 60
    while not all(Path(f"{out}.ready").exists() for out in outs):
        assert time.monotonic() < deadline, "the load clients never got an answer"
        time.sleep(0.05)
    time.sleep(LOAD_SECONDS)
    crash()
    time.sleep(0.5)  # the clients see the failure for a moment
    stop.touch()
    for worker in workers:
        worker.join(timeout=60)
    answers = {}
    for out in outs:
        answers.update(json.loads(out.read_text()))
    return answers


def retry_unknown(server: Server, key: str, answers: dict[str, int | None]) -> None:
    """Every request without an answer, again with its key: booked once, whatever happened."""
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}) as http:
        for idempotency_key, status in answers.items():
            if status is None or status >= 500:
                number = int(idempotency_key.rsplit("-", 1)[1])
                response = http.post(
                    "/v1/bookings",
                    json=load_client.booking(number),
                    headers={"Idempotency-Key": idempotency_key},
                )
                assert response.status_code in (200, 201), response.text
                answers[idempotency_key] = response.status_code


async def check_books(url: str, answers: dict[str, int | None]) -> None:
    conn = await asyncpg.connect(url)
    try:
        booked = {
            row["idempotency_key"]: row["n"]
            for row in await conn.fetch(
                "select idempotency_key, count(*) as n from intents"
                " where idempotency_key is not null group by idempotency_key"
            )
        }
        acknowledged = {k for k, status in answers.items() if status in (200, 201)}
        assert acknowledged <= set(booked), sorted(acknowledged - set(booked))[:5]
        assert all(n == 1 for n in booked.values())
        partial = await conn.fetch(
            "select i.intent_id from intents i left join journal_lines l"
            " on l.intent_id = i.intent_id group by i.intent_id, i.event_count"
            " having count(l.journal_number) <> i.event_count"
        )
        assert partial == []
        for tenant in await conn.fetch(
            "select tenant_id, max(journal_number) as top, count(*) as n from journal_lines"
            " group by tenant_id"
        ):
            assert tenant["top"] == tenant["n"], "journal numbers have a gap"
        before = await dump_read_tables(conn)
    finally:
        await conn.close()
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    try:
        await rebuild(pool)
    finally:
        await pool.close()
    conn = await asyncpg.connect(url)
    try:
        assert await dump_read_tables(conn) == before
    finally:
        await conn.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "data", tmp_path / "server.log")
    running.start()
    yield running
    running.stop()
    database = EmbeddedPostgres(running.data_dir)
    database.start()
    database.stop()


@pytest.mark.slow
def test_nothing_acknowledged_is_lost_when_the_server_or_its_database_is_killed(
    server: Server, tmp_path: Path
):
    key = server.key()

    first = load_while(server, key, tmp_path, "server-kill", server.kill)
    unanswered = sum(1 for status in first.values() if status is None)
    server.start()
    retry_unknown(server, key, first)

    def kill_postgres() -> None:
        os.kill(postmaster_pid(server.data_dir), signal.SIGKILL)
        time.sleep(0.5)
        server.kill()

    second = load_while(server, key, tmp_path, "postgres-kill", kill_postgres)
    failed_at_database_kill = sum(1 for s in second.values() if s is None or s >= 500)
    server.start()
    retry_unknown(server, key, second)
    server.stop()

    answers = {**first, **second}
    print(  # the figures docs/reliability.md quotes (pytest -s shows them)
        f"\ncrash test: {len(first)} + {len(second)} requests, {unanswered} unanswered at the "
        f"server kill, {failed_at_database_kill} unanswered or "
        f"5xx at the PostgreSQL kill, {sum(1 for s in answers.values() if s in (200, 201))} booked"
    )
    assert sum(1 for s in answers.values() if s in (200, 201)) > 20  # there was load
    assert unanswered > 0  # the kill struck mid-load
    verify = subprocess.run(
        [sys.executable, "-m", "api.cli", "verify"],
        env={**os.environ, "LEDGER_DATA_DIR": str(server.data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    database = EmbeddedPostgres(server.data_dir)
    url = database.start()
    try:
        asyncio.run(check_books(url, answers))
    finally:
        database.stop()
