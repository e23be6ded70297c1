"""`ledger serve` as a process with its own embedded PostgreSQL: it answers, and SIGTERM (what
a service manager sends) stops the API and the embedded server in order, exit status 143."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

STARTUP_S_MAX = 90


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_running_in(data_dir: Path) -> bool:
    """A postgres process serving `data_dir` (read from /proc: no pgrep needed)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue  # the process ended meanwhile
        if argv and argv[0].endswith(b"postgres") and str(data_dir).encode() in argv:
            return True
    return False


@pytest.mark.slow
def test_sigterm_stops_the_api_and_the_embedded_postgresql(tmp_path: Path):
    port = _free_port()
    data_dir = tmp_path / "data"
    env = {
        **{k: v for k, v in os.environ.items() if k != "LEDGER_DATABASE_URL"},
        "LEDGER_DATA_DIR": str(data_dir),
        "LEDGER_PORT": str(port),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }
    (tmp_path / "run").mkdir(mode=0o700)
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_S_MAX
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("ledger serve did not answer /health in time")
        assert _postgres_running_in(data_dir.resolve())

        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()

    assert server.returncode == 128 + signal.SIGTERM, output
    assert "embedded PostgreSQL stopped" in output
    deadline = time.monotonic() + 10
    while _postgres_running_in(data_dir.resolve()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _postgres_running_in(data_dir.resolve())
