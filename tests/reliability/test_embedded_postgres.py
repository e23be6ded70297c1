"""The embedded PostgreSQL stops with the last process that uses it, also when an earlier
user was killed with SIGKILL and so never let go of it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from ledger.postgres import EmbeddedPostgres
from tests.serving import postmaster_pid, process_is_gone

USE_AND_WAIT = """
import sys, time
from pathlib import Path
from ledger.postgres import EmbeddedPostgres
print(EmbeddedPostgres(Path(sys.argv[1])).start(), flush=True)
time.sleep(600)
"""


def test_a_user_killed_with_sigkill_does_not_keep_the_server_running(tmp_path: Path):
    data_dir = tmp_path / "data"
    user = subprocess.Popen(
        [sys.executable, "-c", USE_AND_WAIT, str(data_dir)], stdout=subprocess.PIPE, text=True
    )
    assert user.stdout is not None
    assert user.stdout.readline().startswith("postgresql://")
    user.kill()
    user.wait(timeout=30)
    postmaster = postmaster_pid(data_dir)

    database = EmbeddedPostgres(data_dir)
    database.start()
    database.stop()

    deadline = time.monotonic() + 30
    while not process_is_gone(postmaster) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process_is_gone(postmaster)
