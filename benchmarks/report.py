"""The results: measurements, target checks, and their two renderings (console and RESULTS.md).

A `Measurement` is one load-generator window (or several interleaved rounds merged), reduced
to throughput, latency percentiles, errors and where the CPU went. A `Check` compares one
number with its target; a check whose measurement had errors fails whatever the number says,
because an error answer is cheap and would flatter the throughput.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import msgspec

from benchmarks.loadgen import LoadResult
from benchmarks.machine import CpuUsage, Machine

CPU_GROUPS = ("server", "postgres", "client", "harness", "other", "steal", "idle")
MARKDOWN_COLUMNS = (
    "Scenario",
    "Conns",
    "Requests",
    "req/s",
    "lines/s",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "max ms",
    "Errors",
    "server CPU ms/req",
    "postgres CPU ms/req",
    *(f"CPU {group} %" for group in CPU_GROUPS),
)


class Measurement(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    connections: int
    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # non-2xx answers plus broken connections
    error_sample: str | None
    lines_per_s: float | None
    cpu_core_percent: dict[str, float]
    machine_busy_percent: float
    # CPU time per request, which other load on the machine changes much less than req/s:
    # 1000 / server_cpu_ms_per_request is what one fully available core could serve.
    server_cpu_ms_per_request: float
    postgres_cpu_ms_per_request: float


class Check(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    what: str
    measured: str
    target: str
    passed: bool


class RebuildResult(msgspec.Struct, frozen=True, kw_only=True):
    events: int
    journal_lines: int
    seconds: float
    events_per_s: float
    lines_per_s: float
    cpu_core_percent: dict[str, float]
    # Lines per CPU second of the replaying process and PostgreSQL together: the rate the
    # rebuild reaches when nothing else wants the cores.
    lines_per_cpu_s: float


class Results(msgspec.Struct, kw_only=True):
    mode: str
    sizes: dict[str, float]
    machine: Machine | None = None
    postgres_settings: dict[str, str] = msgspec.field(default_factory=dict)
    checks: list[Check] = msgspec.field(default_factory=list)
    measurements: list[Measurement] = msgspec.field(default_factory=list)
    rebuild: RebuildResult | None = None
    memory: list[tuple[str, int, int]] = msgspec.field(default_factory=list)  # VmRSS, VmHWM KiB
    notes: list[str] = msgspec.field(default_factory=list)


def merge(results: Sequence[LoadResult]) -> LoadResult:
    """Several windows of the same workload (interleaved rounds) as one."""
    statuses: dict[int, int] = {}
    sums: dict[str, int] = {}
    for result in results:
        for status, count in result.status_counts.items():
            statuses[status] = statuses.get(status, 0) + count
        for field, value in result.sums.items():
            sums[field] = sums.get(field, 0) + value
    return LoadResult(
        completed=sum(result.completed for result in results),
        window_s=sum(result.window_s for result in results),
        latencies_us=[latency for result in results for latency in result.latencies_us],
        status_counts=statuses,
        sums=sums,
        connection_errors=sum(result.connection_errors for result in results),
        error_sample=next((r.error_sample for r in results if r.error_sample), None),
    )


def measure(
    name: str, connections: int, result: LoadResult, cpu: CpuUsage, *, lines: int | None = None
) -> Measurement:
    latencies = sorted(result.latencies_us)
    non_2xx = sum(count for status, count in result.status_counts.items() if status >= 300)
    requests = max(result.completed, 1)
    return Measurement(
        name=name,
        connections=connections,
        requests=result.completed,
        seconds=result.window_s,
        requests_per_s=result.completed / result.window_s,
        p50_ms=percentile_ms(latencies, 0.50),
        p90_ms=percentile_ms(latencies, 0.90),
        p99_ms=percentile_ms(latencies, 0.99),
        max_ms=latencies[-1] / 1000 if latencies else math.nan,
        errors=non_2xx + result.connection_errors,
        error_sample=result.error_sample,
        lines_per_s=None if lines is None else lines / result.window_s,
        cpu_core_percent=cpu.core_percent(),
        machine_busy_percent=cpu.machine_percent(),
        server_cpu_ms_per_request=1000 * cpu.groups_s.get("server", 0.0) / requests,
        postgres_cpu_ms_per_request=1000 * cpu.groups_s.get("postgres", 0.0) / requests,
    )


def percentile_ms(sorted_us: Sequence[int], quantile: float) -> float:
    """Nearest-rank percentile of sorted microsecond latencies, in milliseconds."""
    if not sorted_us:
        return math.nan
    rank = max(1, math.ceil(quantile * len(sorted_us)))
    return sorted_us[rank - 1] / 1000


def render_console(results: Results) -> str:
    lines = [f"Ledger benchmark ({results.mode})", ""]
    width = max((len(check.what) for check in results.checks), default=10)
    lines.append(f"{'#':<3} {'Target':<{width}}  {'Measured':<34} {'Target':<14} Result")
    for check in results.checks:
        verdict = "PASS" if check.passed else "FAIL"
        lines.append(
            f"{check.number:<3} {check.what:<{width}}  {check.measured:<34} {check.target:<14} "
            f"{verdict}"
        )
    lines += ["", _measurement_header()]
    lines += [_measurement_row(m) for m in results.measurements]
    if results.rebuild is not None:
        lines += ["", _rebuild_line(results.rebuild)]
    if results.memory:
        lines += ["", "Server memory: " + _memory_line(results.memory)]
    for m in results.measurements:
        if m.error_sample:
            lines.append(f"first error in {m.name}: {m.error_sample[:200]}")
    lines += [f"note: {note}" for note in results.notes]
    return "\n".join(lines)


def render_markdown(results: Results) -> str:
    machine = results.machine
    assert machine is not None
    out = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`python -m benchmarks.run`, {results.mode} run) on "
        f"{machine.date_utc}. Generated: rerun instead of editing. Method: "
        "`benchmarks/__init__.py` and the module docstrings.",
        "",
        "## Machine",
        "",
        f"- CPU: {machine.cpu_model}, {machine.logical_cores} logical cores",
        f"- RAM: {machine.ram_gib} GiB; kernel {machine.kernel}",
        f"- Python {machine.python}; {machine.postgres}",
        "- Packages: " + ", ".join(f"{name} {v}" for name, v in machine.packages.items()),
        f"- Database files: {machine.data_filesystem}",
        f"- Commit: {machine.commit}",
        f"- Load average before the run: {machine.load_average_at_start}",
        "- PostgreSQL settings: "
        + ", ".join(f"{name}={value}" for name, value in results.postgres_settings.items()),
        "- Sizes: " + ", ".join(f"{name}={_number(v)}" for name, v in results.sizes.items()),
        "",
        "## Targets",
        "",
        "| # | What | Measured | Target | Result |",
        "|---|---|---|---|---|",
    ]
    out += [
        f"| {c.number} | {c.what} | {c.measured} | {c.target} | "
        f"{'PASS' if c.passed else '**FAIL**'} |"
        for c in results.checks
    ]
    out += [
        "",
        "## Measurements",
        "",
        "CPU is in % of one core over the measured window (2 cores = 200 %); *other* is CPU "
        "used by processes outside the benchmark, *steal* time the hypervisor gave to other "
        "guests, *idle* time nobody used. A component near 100 % is saturated. Latency: from "
        "writing the request to the last byte of the answer, closed loop (each connection "
        "waits for its answer). *CPU ms/req* is CPU time per request of the server process "
        "and of all PostgreSQL processes; 1000 / server ms/req is the request rate one "
        "fully available core could sustain, whatever else ran on the machine.",
        "",
        _markdown_row(MARKDOWN_COLUMNS),
        _markdown_row(["---"] + ["--:"] * (len(MARKDOWN_COLUMNS) - 1)),
    ]
    for m in results.measurements:
        cpu = m.cpu_core_percent
        cells = [
            m.name,
            str(m.connections),
            f"{m.requests:,}",
            f"{m.requests_per_s:,.0f}",
            _lines(m),
            f"{m.p50_ms:.2f}",
            f"{m.p90_ms:.2f}",
            f"{m.p99_ms:.2f}",
            f"{m.max_ms:.1f}",
            str(m.errors),
            f"{m.server_cpu_ms_per_request:.3f}",
            f"{m.postgres_cpu_ms_per_request:.3f}",
        ]
        out.append(_markdown_row(cells + [f"{cpu.get(group, 0.0):.0f}" for group in CPU_GROUPS]))
    if results.rebuild is not None:
        out += ["", "## Projection rebuild", "", _rebuild_line(results.rebuild)]
    if results.memory:
        out += ["", "## Server memory (VmRSS / VmHWM of the `ledger serve` process)", ""]
        out += [
            f"- {phase}: {rss / 1024:.0f} MB / {peak / 1024:.0f} MB"
            for phase, rss, peak in results.memory
        ]
    errors = [m for m in results.measurements if m.error_sample]
    if errors:
        out += ["", "## First error answers", ""]
        out += [f"- {m.name}: `{m.error_sample[:300]}`" for m in errors if m.error_sample]
    if results.notes:
        out += ["", "## Notes", ""]
        out += [f"- {note}" for note in results.notes]
    return "\n".join(out) + "\n"


def _number(value: float) -> str:
    return f"{int(value):,}" if value.is_integer() else f"{value:g}"


def _markdown_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _measurement_header() -> str:
    cpu = " ".join(f"{group[:5]:>5}" for group in CPU_GROUPS)
    return (
        f"{'Scenario':<28} {'conns':>5} {'req/s':>8} {'lines/s':>8} {'p50ms':>7} {'p99ms':>7} "
        f"{'maxms':>7} {'errs':>5} {'srvms':>6} {'pgms':>6}  CPU% {cpu}"
    )


def _measurement_row(m: Measurement) -> str:
    cpu = " ".join(f"{m.cpu_core_percent.get(group, 0.0):>5.0f}" for group in CPU_GROUPS)
    return (
        f"{m.name:<28} {m.connections:>5} {m.requests_per_s:>8,.0f} {_lines(m):>8} "
        f"{m.p50_ms:>7.2f} {m.p99_ms:>7.2f} {m.max_ms:>7.1f} {m.errors:>5} "
        f"{m.server_cpu_ms_per_request:>6.2f} {m.postgres_cpu_ms_per_request:>6.2f}       {cpu}"
    )


def _lines(m: Measurement) -> str:
    return "" if m.lines_per_s is None else f"{m.lines_per_s:,.0f}"


def _rebuild_line(rebuild: RebuildResult) -> str:
    cpu = ", ".join(f"{group} {share:.0f} %" for group, share in rebuild.cpu_core_percent.items())
    return (
        f"Rebuild: {rebuild.events:,} events ({rebuild.journal_lines:,} journal lines) in "
        f"{rebuild.seconds:.1f} s = {rebuild.events_per_s:,.0f} events/s, "
        f"{rebuild.lines_per_s:,.0f} lines/s; {rebuild.lines_per_cpu_s:,.0f} lines per CPU "
        f"second (replaying process + PostgreSQL); CPU (% of a core): {cpu}"
    )


def _memory_line(memory: Sequence[tuple[str, int, int]]) -> str:
    return "; ".join(
        f"{phase} {rss / 1024:.0f} MB (peak {peak / 1024:.0f})" for phase, rss, peak in memory
    )
