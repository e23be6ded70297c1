"""`ledger serve` in a process of its own, for the tests that need the real server: the
fuzzing run, the crash and concurrency tests."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postmaster_pid(data_dir: Path) -> int:
    """The embedded PostgreSQL's main process, as it wrote it into its data directory."""
    return int((data_dir / "postmaster.pid").read_text().splitlines()[0])


def process_is_gone(pid: int) -> bool:
    """No such process, or only its zombie (exited, not yet reaped by its parent)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, ProcessLookupError):
        return True


class Server:
    """On the embedded PostgreSQL in `data_dir`, or on `database_url` when given; the rate
    limit off (the load is the point), its output in `log`."""

    def __init__(self, data_dir: Path, log: Path, database_url: str | None = None) -> None:
        self.data_dir = data_dir
        self.log = log
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "LEDGER_DATA_DIR": str(self.data_dir),
            "LEDGER_PORT": str(self.port),
            "LEDGER_RATE_LIMIT": "0",
            "LEDGER_LOG_LEVEL": "warning",
        }
        env.pop("LEDGER_DATABASE_URL", None)
        if self.database_url is not None:
            env["LEDGER_DATABASE_URL"] = self.database_url
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve"], env=env, stdout=log, stderr=log
            )
        for _ in range(300):
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        pytest.fail("ledger serve did not come up:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)

    def key(self) -> str:
        """The first start's demo key, as `ledger serve` printed it."""
        return re.search(r"export LEDGER_KEY=(ll_[0-9a-f]{64})", self.log.read_text())[1]
