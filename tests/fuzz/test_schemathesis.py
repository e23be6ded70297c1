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
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_chain import run_cli
from tests.serving import Server

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXAMPLES = os.environ.get("LEDGER_FUZZ_EXAMPLES", "5")
SEED = os.environ.get("LEDGER_FUZZ_SEED", "20261122")


@pytest.fixture
def server(fresh_database_url: str, tmp_path: Path) -> Iterator[str]:
    running = Server(tmp_path / "unused", tmp_path / "server.log", fresh_database_url)
    running.start()
    yield running.url
    running.stop()


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
