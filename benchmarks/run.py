"""`make bench`: measure the ledger service against its targets on this machine.

What is measured, and why:

1. `POST /v1/bookings` (two input lines, one with a tax code), 32 keep-alive connections,
   synchronous commit on, against `POST /bench/noop` with the same bodies on the same server:
   the booking path must keep >= 0.6 of the HTTP + decoding baseline, with p99 <= 50 ms. Then
   every booking on bank account 1800 (hot) against bookings spread over 13 cash and bank
   accounts: a hot account must not serialise the writer (hot >= 0.9 x spread).
2. `POST /v1/bookings/batch`, 1,000 three-line bookings per request: stored posting lines per
   second (summed `event_count`), target >= 20,000 lines/s, the bulk-import path.
3. `ledger projections rebuild` over 1,000,000 journal lines (loaded through the batch
   endpoint): ledger events/s, target >= 50,000, where a ledger event is what the reference
   calls one (§1.5, `event_count`): a stored posting line. Intent events/s are shown beside.
4. With those lines: `GET /v1/accounts/{n}/entries?limit=100` from random start dates, p99 <=
   10 ms at one connection; and the VmRSS of the serving process <= 300 MB.

Pairs that are compared run interleaved (A B B A) on the same server in the same run. Each
window of the load generator has a warm-up that is not counted. The CPU used by the server,
PostgreSQL, the client and everything else is read at the start and end of every window, so
the table shows where the time went; a window that other processes or the hypervisor (steal)
disturbed by more than 20 % of a core is repeated up to three times and the quietest kept.

This module is the command line and the order of events: a workspace, the database, a tenant,
the server, the scenarios (`benchmarks.scenarios`), the report. `--quick` is a smoke run with
small sizes; results go to benchmarks/RESULTS.md only after a full run of all scenarios (or
with `--results PATH`). `--strict` exits 1 when a target fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Final

from benchmarks import data, report, scenarios
from benchmarks.bench import FULL, QUICK, Bench, Sizes, postgres_settings
from benchmarks.machine import describe_machine, wait_for_quiet
from benchmarks.report import Results
from benchmarks.server import HOST, REPO, EmbeddedDatabase, LedgerServer, Workspace, create_tenant

SCENARIOS: Final = (
    "single",
    "hot",
    "batch",
    "rebuild",
    "reads",
    "matching",
    "suggestions",
    "statement",
    "datev",
)
RESULTS_PATH: Final = Path(__file__).resolve().parent / "RESULTS.md"
QUIET_BUSY_PERCENT_MAX: Final = 15.0  # machine busy % (all cores) we call quiet


def _settle(results: Results, phase: str, sizes: Sizes) -> None:
    """Give other work on the machine a bounded moment to finish; note it if it did not."""
    busy_percent = wait_for_quiet(
        busy_percent_max=QUIET_BUSY_PERCENT_MAX, seconds_max=sizes.quiet_wait_s
    )
    if busy_percent > QUIET_BUSY_PERCENT_MAX:
        results.notes.append(
            f"before {phase!r} the machine was still {busy_percent:.0f} % busy (all cores) "
            f"after waiting up to {sizes.quiet_wait_s:g} s for it to quiet down"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 s windows, 50k lines")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="run only this scenario (repeatable); rebuild, reads and datev load the data first",
    )
    parser.add_argument("--duration", type=float, help="measured seconds per window")
    parser.add_argument("--warmup", type=float, help="warm-up seconds per window")
    parser.add_argument("--lines", type=int, help="journal lines for rebuild and reads")
    parser.add_argument("--results", type=Path, help="write the Markdown results here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    return parser.parse_args(argv)


def sizes_of(args: argparse.Namespace) -> Sizes:
    sizes = QUICK if args.quick else FULL
    if args.duration is not None:
        sizes = replace(sizes, duration_s=args.duration, read_duration_s=args.duration)
    if args.warmup is not None:
        sizes = replace(sizes, warmup_s=args.warmup)
    if args.lines is not None:
        sizes = replace(sizes, lines_total=args.lines)
    return sizes


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so the server and the database are stopped either way."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(args: argparse.Namespace) -> Results:
    sizes = sizes_of(args)
    selected = [name for name in SCENARIOS if name in (args.scenario or SCENARIOS)]
    results = Results(
        mode=("quick" if args.quick else "full") + ("" if args.scenario is None else " (partial)"),
        sizes={key: float(value) for key, value in asdict(sizes).items()},
    )
    data.check_accounts_exist()
    with terminate_as_interrupt(), contextlib.ExitStack() as cleanup:
        workspace = Workspace()
        cleanup.callback(workspace.close)
        database = EmbeddedDatabase(workspace.path)
        cleanup.callback(database.stop)
        print(f"starting PostgreSQL in {database.data_dir}", flush=True)
        url = database.start()
        version, results.postgres_settings = asyncio.run(postgres_settings(url))
        results.machine = describe_machine(
            postgres_version=version, data_dir=database.data_dir, repo=REPO
        )
        server = LedgerServer(database_url=url, log_path=workspace.path / "server.log")
        bench = Bench(workspace.path, database, server)
        bench.token = create_tenant(url, company_name="Bench GmbH", owner_email="bench@example.com")
        cleanup.callback(server.stop)
        server.start()
        print(f"ledger serve pid {server.pid} on {HOST}:{server.port}", flush=True)
        bench.note_memory(results, "after start")
        for name in selected:
            if name in ("rebuild", "reads", "datev") and not any(
                note.startswith("journal lines") for note in results.notes
            ):
                print("load", flush=True)
                scenarios.load_lines(bench, sizes, results)
            _settle(results, name, sizes)
            print(name, flush=True)
            scenarios.STEPS[name](bench, sizes, results)
            if name in ("single", "hot", "batch"):
                bench.note_memory(results, f"after {name}")
        results.notes += bench.notes
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args)
    print()
    print(report.render_console(results))
    target = args.results
    if target is None and not args.quick and args.scenario is None:
        target = RESULTS_PATH
    if target is not None:
        target.write_text(report.render_markdown(results), encoding="utf-8")
        print(f"\nwrote {target}")
    failed = [check.number for check in results.checks if not check.passed]
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
