"""The machinery of one benchmark run: sizes, load-generator windows, CPU meters, SQL helpers.

`Bench` starts `benchmarks.loadgen` in its own process for each window and reads the CPU
counters (`benchmarks.machine`) exactly when the window opens and closes, which the load
generator announces on its stdout. Comparisons run interleaved (A B B A). A window that other
work on the machine disturbed is repeated, bounded, and the quietest attempt kept (`window`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import asyncpg
import msgspec

from benchmarks import report
from benchmarks.loadgen import WINDOW_END, WINDOW_START, LoadResult, LoadSpec, http_request
from benchmarks.machine import CpuMeter, CpuUsage, process_cpu_s, tree_cpu_s
from benchmarks.report import Measurement, Results
from benchmarks.server import HOST, REPO, EmbeddedDatabase, LedgerServer

LOADGEN_EXTRA_S: Final = 120  # process start, drain: beyond warm-up + window
INTERFERENCE_PERCENT_MAX: Final = 20.0  # other + steal, % of one core, a window may see
WINDOW_ATTEMPTS_MAX: Final = 3  # a timed window runs at most this often (see Bench.window)
POSTGRES_SETTINGS: Final = (
    "synchronous_commit",
    "fsync",
    "wal_sync_method",
    "shared_buffers",
    "max_connections",
    "max_wal_size",
)


@dataclass(frozen=True)
class Sizes:
    warmup_s: float
    duration_s: float  # measured window of each load-generator run
    rounds: int  # interleaved rounds per comparison: 1 = A B, 2 = A B B A
    connections: int  # single-booking scenarios
    batch_warmup_requests: int
    batch_requests: int
    batch_connections: int
    batch_bodies: int  # distinct batch bodies, cycled while loading
    lines_total: int  # journal lines in the database before the rebuild and the reads
    load_connections: int
    read_duration_s: float
    read_connections_loaded: int  # the second reads run, for throughput under concurrency
    quiet_wait_s: float  # longest wait for other work on the machine before each scenario


FULL: Final = Sizes(
    warmup_s=2,
    duration_s=10,
    rounds=2,
    connections=32,
    batch_warmup_requests=2,
    batch_requests=40,
    batch_connections=2,
    batch_bodies=32,
    lines_total=1_000_000,
    load_connections=4,
    read_duration_s=10,
    read_connections_loaded=8,
    quiet_wait_s=60,
)
QUICK: Final = replace(
    FULL,
    warmup_s=1,
    duration_s=3,
    rounds=1,
    batch_warmup_requests=1,
    batch_requests=4,
    batch_bodies=8,
    lines_total=50_000,
    read_duration_s=3,
    quiet_wait_s=10,
)


class Bench:
    """The processes of one run and the means to put load on them."""

    def __init__(self, workspace: Path, database: EmbeddedDatabase, server: LedgerServer) -> None:
        self.workspace = workspace
        self.database = database
        self.server = server
        self.token = ""
        self.client_pid: int | None = None
        self.notes: list[str] = []  # retried windows, copied into the results at the end
        self.meter = CpuMeter(
            {
                "server": lambda: process_cpu_s(self.server.pid),
                "postgres": lambda: tree_cpu_s(self.database.postmaster_pid),
                "client": lambda: process_cpu_s(self.client_pid),
                "harness": lambda: process_cpu_s(os.getpid()),
            }
        )

    def request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        return http_request(
            method, path, host=HOST, port=self.server.port, token=self.token, body=body
        )

    def load(
        self,
        requests: list[bytes],
        *,
        connections: int,
        warmup_s: float,
        duration_s: float,
        requests_max: int = 0,
        sum_fields: tuple[str, ...] = (),
    ) -> tuple[LoadResult, CpuUsage]:
        """One load-generator process; CPU counters are read when its window opens and closes."""
        spec = LoadSpec(
            host=HOST,
            port=self.server.port,
            requests=requests,
            connections=connections,
            warmup_s=warmup_s,
            duration_s=duration_s,
            requests_max=requests_max,
            sum_fields=sum_fields,
        )
        spec_path = self.workspace / "loadgen-spec.msgpack"
        result_path = self.workspace / "loadgen-result.msgpack"
        spec_path.write_bytes(msgspec.msgpack.encode(spec))
        result_path.unlink(missing_ok=True)
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.loadgen", str(spec_path), str(result_path)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        self.client_pid = process.pid
        start = end = None
        try:
            assert process.stdout is not None
            for line in process.stdout:  # ends when the process exits; it bounds its own time
                if line.strip() == WINDOW_START:
                    start = self.meter.sample()
                elif line.strip() == WINDOW_END:
                    end = self.meter.sample()
            process.wait(warmup_s + duration_s + LOADGEN_EXTRA_S)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            self.client_pid = None
        if process.returncode != 0 or start is None or end is None:
            raise RuntimeError(f"loadgen failed (exit {process.returncode})")
        result = msgspec.msgpack.decode(result_path.read_bytes(), type=LoadResult)
        return result, CpuMeter.usage(start, end)

    def window(
        self,
        name: str,
        requests: list[bytes],
        *,
        connections: int,
        warmup_s: float,
        duration_s: float,
    ) -> tuple[LoadResult, CpuUsage]:
        """A timed window, repeated (bounded) while other work took the machine's cores.

        We measure the service, not its neighbours: when processes outside the benchmark or
        the hypervisor (steal) took more than INTERFERENCE_PERCENT_MAX of a core, the window
        runs again, and the quietest attempt is kept. Retries are listed in the notes.
        """
        attempts: list[tuple[float, LoadResult, CpuUsage]] = []
        for _ in range(WINDOW_ATTEMPTS_MAX):
            result, usage = self.load(
                requests, connections=connections, warmup_s=warmup_s, duration_s=duration_s
            )
            shares = usage.core_percent()
            attempts.append((shares.get("other", 0.0) + shares.get("steal", 0.0), result, usage))
            if attempts[-1][0] <= INTERFERENCE_PERCENT_MAX:
                break
        kept = min(attempts, key=lambda attempt: attempt[0])
        if len(attempts) > 1:
            seen = ", ".join(f"{noise:.0f}" for noise, _, _ in attempts)
            self.notes.append(
                f"{name}: {len(attempts)} attempts, interference (other + steal, % of a core) "
                f"{seen}; kept the quietest ({kept[0]:.0f})"
            )
        return kept[1], kept[2]

    def compare(
        self, first: tuple[str, list[bytes]], second: tuple[str, list[bytes]], sizes: Sizes
    ) -> tuple[Measurement, Measurement]:
        """Two workloads interleaved (A B B A ...) on the same server."""
        runs: dict[str, list[tuple[LoadResult, CpuUsage]]] = {first[0]: [], second[0]: []}
        for round_index in range(sizes.rounds):
            order = (first, second) if round_index % 2 == 0 else (second, first)
            for name, requests in order:
                print(f"  {name} (round {round_index + 1})", flush=True)
                runs[name].append(
                    self.window(
                        f"{name} (round {round_index + 1})",
                        requests,
                        connections=sizes.connections,
                        warmup_s=sizes.warmup_s,
                        duration_s=sizes.duration_s,
                    )
                )
        measured = []
        for name, pairs in runs.items():
            cpu = CpuUsage()
            for _, usage in pairs:
                cpu.add(usage)
            merged = report.merge([result for result, _ in pairs])
            measured.append(report.measure(name, sizes.connections, merged, cpu))
        return measured[0], measured[1]

    def note_memory(self, results: Results, phase: str) -> None:
        rss, peak = self.server.memory_kib()
        results.memory.append((phase, rss, peak))


async def fetch_value(url: str, query: str) -> Any:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(query)
    finally:
        await conn.close()


async def execute(url: str, statement: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def postgres_settings(url: str) -> tuple[str, dict[str, str]]:
    conn = await asyncpg.connect(url)
    try:
        version = await conn.fetchval("select version()")
        rows = await conn.fetch(
            "select name, setting, unit from pg_settings where name = any($1::text[])",
            list(POSTGRES_SETTINGS),
        )
    finally:
        await conn.close()
    settings = {row["name"]: row["setting"] + _unit(row["unit"], row["setting"]) for row in rows}
    return version.split(" on ")[0], settings


def _unit(unit: str | None, setting: str) -> str:
    if unit == "8kB" and setting.isdigit():
        return f" x 8kB (= {int(setting) * 8 // 1024} MB)"
    return f" {unit}" if unit else ""
