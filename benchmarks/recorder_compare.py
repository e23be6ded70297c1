"""ADR 0001 measurements: the library's stock PostgreSQL recorder, ours, and our writer path.

Run: `.venv/bin/python -m benchmarks.recorder_compare` (about half a minute).

Why: ARCHITECTURE.md asks us to choose by measurement between (a) our asyncpg recorder
(`ledger.recorder`) that keeps the library's storage semantics and (b) the stock recorder
(`eventsourcing.postgres`, synchronous psycopg, a table lock per insert) called with many
aggregates per save off the event loop; and to compare both with the ledger's own writer.

What runs: a private embedded PostgreSQL in a fresh directory under /tmp (removed at the end),
one database per measurement so none sees another's rows, then
- the library's `Application.save()` on the stock recorder: one new aggregate (one event) per
  save, then 100 new aggregates per save;
- the same saves through `LedgerApplicationRecorder` on our `events` table;
- our writer path (`Writers` + `InlineReadModel` via `open_ledger`) posting two-line bookings
  from 32 concurrent submitters in one tenant, on uvloop like `ledger serve`.
Saves are issued one after another from one thread (the library's synchronous interface).
The four library measurements take turns (ROUNDS rounds), so that other work on a shared
machine weighs on all of them alike. Every measurement stops after MEASURE_S seconds of saving
or its operation cap, whichever comes first.
"""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urlparse
from uuid import UUID, uuid4

import asyncpg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import ApplicationRecorder

from api.bootstrap import Ledger, create_tenant, open_ledger
from api.settings import Settings
from ledger.decide import Posted
from ledger.events import Actor
from ledger.intents import BookingLine, PostBooking
from ledger.postgres import EmbeddedPostgres, database_url_with_name, migrate
from ledger.recorder import LedgerApplicationRecorder

MEASURE_S: Final = 5.0  # each measurement stops after this long (timed saves)...
SAVES_MAX: Final = 20_000  # ...or after this many saves of one aggregate
BATCH_SAVES_MAX: Final = 1_000  # ...or this many saves of AGGREGATES_PER_BATCH
AGGREGATES_PER_BATCH: Final = 100
WARMUP_SAVES: Final = 20  # connections opened, statements prepared, caches filled
ROUNDS: Final = 10  # the library measurements take turns of MEASURE_S / ROUNDS each
SUBMITTERS: Final = 32  # concurrent booking submitters on the writer path
WRITER_POOL_SIZE: Final = 10
BENCH_ACTOR: Final = Actor(actor_type="system", label="benchmark:recorder_compare")


@dataclass(frozen=True)
class Result:
    name: str
    operation: str  # what one operation is: a save, a booking
    operations: int
    events: int
    seconds: float

    @property
    def operations_per_s(self) -> float:
        return self.operations / self.seconds

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds


class PaymentRun(Aggregate):
    """A small entity like those the library will carry; creating one records one event."""

    @event("Created")
    def __init__(self, run_name: str, amount_cents: int, currency: str) -> None:
        self.run_name = run_name
        self.amount_cents = amount_cents
        self.currency = currency


class PaymentRuns(Application[UUID]):
    """The library's Application; `recorder` replaces the one its environment would build."""

    def __init__(
        self,
        env: dict[str, str] | None = None,
        recorder: LedgerApplicationRecorder | None = None,
    ) -> None:
        self._given_recorder = recorder
        super().__init__(env)

    def construct_recorder(self) -> ApplicationRecorder:
        if self._given_recorder is not None:
            return self._given_recorder
        return super().construct_recorder()


def new_runs(count: int) -> list[PaymentRun]:
    return [PaymentRun(f"run {i}", 12_345 + i, "EUR") for i in range(count)]


@dataclass
class SaveCase:
    """One library measurement: an application saving `aggregates_per_save` per call."""

    name: str
    app: PaymentRuns
    aggregates_per_save: int
    saves_max: int
    saves: int = 0
    spent_s: float = 0.0

    def warm_up(self) -> None:
        for _ in range(WARMUP_SAVES):
            self.app.save(*new_runs(self.aggregates_per_save))

    def run_for(self, budget_s: float) -> None:
        """Save fresh aggregates for `budget_s` (timed saves only; aggregates built untimed)."""
        until = self.spent_s + budget_s
        while self.spent_s < until and self.saves < self.saves_max:
            batch = new_runs(self.aggregates_per_save)
            started = time.perf_counter()
            self.app.save(*batch)
            self.spent_s += time.perf_counter() - started
            self.saves += 1

    def result(self) -> Result:
        events = self.saves * self.aggregates_per_save
        return Result(self.name, "save", self.saves, events, self.spent_s)


def measure_interleaved(cases: list[SaveCase]) -> list[Result]:
    """ROUNDS short turns per case, in rotation: other load on the machine hits all alike."""
    for case in cases:
        case.warm_up()
    for _ in range(ROUNDS):
        for case in cases:
            case.run_for(MEASURE_S / ROUNDS)
    return [case.result() for case in cases]


def stock_env(url: str) -> dict[str, str]:
    """The stock factory's settings for the database in `url` (a libpq URL over a socket)."""
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parsed.path.lstrip("/"),
        "POSTGRES_HOST": query.get("host", [parsed.hostname or "127.0.0.1"])[0],
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": parsed.username or "postgres",
        "POSTGRES_PASSWORD": parsed.password or "",
        "POSTGRES_POOL_SIZE": "2",
        "CREATE_TABLE": "y",
    }


def measure_library(stock_url: str, ours_url: str) -> list[Result]:
    stock = PaymentRuns(env=stock_env(stock_url))
    recorder = LedgerApplicationRecorder(ours_url, uuid4())
    ours = PaymentRuns(recorder=recorder)
    batch = AGGREGATES_PER_BATCH
    try:
        return measure_interleaved(
            [
                SaveCase("stock recorder (psycopg), 1 aggregate/save", stock, 1, SAVES_MAX),
                SaveCase(
                    f"stock recorder (psycopg), {batch} aggregates/save",
                    stock,
                    batch,
                    BATCH_SAVES_MAX,
                ),
                SaveCase("LedgerApplicationRecorder, 1 event/insert", ours, 1, SAVES_MAX),
                SaveCase(
                    f"LedgerApplicationRecorder, {batch} events/insert",
                    ours,
                    batch,
                    BATCH_SAVES_MAX,
                ),
            ]
        )
    finally:
        stock.close()
        ours.close()
        recorder.close()


def two_line_booking(tenant_id: UUID, amount_cents: int) -> PostBooking:
    return PostBooking(
        tenant_id=tenant_id,
        actor=BENCH_ACTOR,
        channel="api",
        intent_id=uuid4(),
        booking_date=date(2026, 3, 15),
        description=f"benchmark {amount_cents}",
        lines=(
            BookingLine(account_number="6815", side="debit", amount_cents=amount_cents),
            BookingLine(account_number="1800", side="credit", amount_cents=amount_cents),
        ),
        skip_duplicate_check=True,
    )


async def measure_writer(url: str) -> Result:
    """SUBMITTERS tasks post bookings back to back for MEASURE_S; each booking is one event."""
    settings = Settings(
        database_url=url,
        data_dir=Path("/nonexistent"),
        host="127.0.0.1",
        port=0,
        pool_size=WRITER_POOL_SIZE,
        log_level="warning",
    )
    ledger: Ledger = await open_ledger(settings)
    try:
        tenant_id, _, _ = await create_tenant(
            ledger, company_name="Benchmark GmbH", owner_email="o@x.test", owner_name="Owner"
        )
        for amount in range(1, WARMUP_SAVES + 1):
            await ledger.writers.submit_one(two_line_booking(tenant_id, amount))
        deadline = time.perf_counter() + MEASURE_S
        posted = 0

        async def submitter(offset: int) -> None:
            nonlocal posted
            amount = 1_000 + offset
            while time.perf_counter() < deadline:
                result = await ledger.writers.submit_one(two_line_booking(tenant_id, amount))
                assert isinstance(result, Posted)
                posted += 1
                amount += SUBMITTERS

        started = time.perf_counter()
        await asyncio.gather(*(submitter(i) for i in range(SUBMITTERS)))
        spent = time.perf_counter() - started
    finally:
        await ledger.close()
    return Result(
        f"ledger writer path, {SUBMITTERS} submitters, 2-line bookings",
        "booking",
        posted,
        posted,
        spent,
    )


async def create_databases(server_url: str, names: list[str], migrated: set[str]) -> str:
    """Create the databases (migrating those in `migrated`); returns the server's version."""
    admin = await asyncpg.connect(server_url)
    try:
        for name in names:
            await admin.execute(f"drop database if exists {name} with (force)")
            await admin.execute(f"create database {name}")
        version = await admin.fetchval("show server_version")
    finally:
        await admin.close()
    for name in migrated:
        conn = await asyncpg.connect(database_url_with_name(server_url, name))
        try:
            await migrate(conn)
        finally:
            await conn.close()
    return str(version)


def run_on_loop(coroutine_factory: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """uvloop when installed (what `ledger serve` runs on), else asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine_factory())
    return uvloop.run(coroutine_factory())


def print_table(results: list[Result], postgres_version: str, load_before: float) -> None:
    print(
        f"\nmachine: {os.cpu_count()} CPUs, Python {platform.python_version()},"
        f" PostgreSQL {postgres_version} (embedded, Unix socket), {MEASURE_S:.0f} s per row;"
        # Other work on the machine skews every row: say how busy it was.
        f" load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after\n"
    )
    header = f"{'measurement':<58} {'ops':>7} {'events':>8} {'s':>6} {'ops/s':>9} {'events/s':>9}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:<58} {r.operations:>7} {r.events:>8} {r.seconds:>6.2f}"
            f" {r.operations_per_s:>9.0f} {r.events_per_s:>9.0f}"
        )
    print("\nops are Application.save() calls, or bookings on the writer path (1 event each).")


def main() -> None:
    # A short path: the server's Unix socket lives in it (sun_path is ~107 bytes).
    load_before = os.getloadavg()[0]
    data_dir = Path(tempfile.mkdtemp(prefix="recorder-compare-", dir="/tmp"))
    embedded = EmbeddedPostgres(data_dir)
    try:
        server_url = embedded.start()
        version = run_on_loop(
            lambda: create_databases(
                server_url,
                ["bench_stock", "bench_recorder", "bench_writer"],
                migrated={"bench_recorder", "bench_writer"},
            )
        )
        results = measure_library(
            database_url_with_name(server_url, "bench_stock"),
            database_url_with_name(server_url, "bench_recorder"),
        )
        results.append(
            run_on_loop(lambda: measure_writer(database_url_with_name(server_url, "bench_writer")))
        )
        print_table(results, version, load_before)
    finally:
        embedded.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
