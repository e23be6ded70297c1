"""The DATEV export of the whole load data set: `ledger export datev` over every journal line
of the bench tenant (one batch per fiscal year, split into files of 99,999 bookings), timed,
with the exporting process's peak memory read from /proc while it runs.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from benchmarks.server import REPO, ledger_env, ledger_executable

TENANT: Final = "Bench GmbH"
FIRST_DAY: Final = "2024-01-01"
LAST_DAY: Final = "2026-12-31"
POLL_S: Final = 0.1


@dataclass(frozen=True)
class ExportRun:
    seconds: float
    peak_rss_mb: float
    bookings: int
    files: int
    bytes_written: int


def run(database_url: str, workspace: Path) -> ExportRun:
    folder = workspace / "datev"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    command = [str(ledger_executable())]
    env = ledger_env(database_url)
    subprocess.run(
        [*command, "tenants", "datev", "--tenant", TENANT, "--berater", "29098", "--mandant", "1"],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            *command,
            "export",
            "datev",
            "--tenant",
            TENANT,
            "--from",
            FIRST_DAY,
            "--to",
            LAST_DAY,
            "--out",
            str(folder / "EXTF_Bench.csv"),
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak_kb = 0
    while process.poll() is None:
        peak_kb = max(peak_kb, _high_water_kb(process.pid))
        time.sleep(POLL_S)
    seconds = time.perf_counter() - started
    output = process.stdout.read() if process.stdout else ""
    if process.returncode != 0:
        raise RuntimeError(f"ledger export datev failed: {output}")
    files = sorted(folder.glob("*.csv"))
    bookings = sum(path.read_bytes().count(b"\r\n") - 2 for path in files)  # header and headings
    return ExportRun(
        seconds=seconds,
        peak_rss_mb=peak_kb / 1024,
        bookings=bookings,
        files=len(files),
        bytes_written=sum(path.stat().st_size for path in files),
    )


def _high_water_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
