"""API fuzzing: schemathesis generates requests from our own OpenAPI for every route (/v1 and
the practice API), authenticated with a key of a partner firm, against `ledger serve` in a
process of its own. Every response must be no 500 and match its documented schema (and so
use the error envelope). The budget is bounded and the seed fixed, so the run is the same
each time; a finding becomes a regression test (tests/http/test_fuzz_findings.py).

A longer run with a fresh seed: LEDGER_FUZZ_EXAMPLES=50 LEDGER_FUZZ_SEED=random make test
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.test_chain import run_cli

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXAMPLES = os.environ.get("LEDGER_FUZZ_EXAMPLES", "5")
SEED = os.environ.get("LEDGER_FUZZ_SEED", "20261122")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(fresh_database_url: str, tmp_path: Path) -> Iterator[str]:
    """`ledger serve` on a database of its own; the rate limit off (the load is the point)."""
    port = free_port()
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": fresh_database_url,
        "LEDGER_PORT": str(port),
        "LEDGER_RATE_LIMIT": "0",
        "LEDGER_LOG_LEVEL": "warning",
    }
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve"], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("ledger serve did not come up: " + (tmp_path / "server.log").read_text())
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_no_generated_request_gets_a_500_or_an_undocumented_answer(
    server: str, fresh_database_url: str, tmp_path: Path
):
    created = run_cli(
        fresh_database_url, "tenants", "create", "--name", "Fuzz GmbH", "--owner-email", "f@x.test"
    )
    key = re.search(r"api key (ll_[0-9a-f]{64})", created.stdout)[1]
    run_cli(fresh_database_url, "tenants", "partner", "--tenant", "Fuzz GmbH")

    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{server}/schema/openapi.json",
            "-H",
            f"Authorization: Bearer {key}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            EXAMPLES,
            *(() if SEED == "random" else ("--seed", SEED)),
            "--workers",
            "1",  # hypothesis' lambda descriptions are not thread-safe on CPython 3.11
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=tmp_path,
    )

    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary + (tmp_path / "server.log").read_text()[-5000:]
    assert re.search(r"Tested: 1[0-9]{2}\b", result.stdout), summary  # every operation ran
