"""First start of `ledger serve` on an empty database: the demo tenant and its key, once.

Calls the same function `ledger serve` runs before it starts listening, on a database of its
own, and reads what it printed: the key it shows must work, and a second start must neither
create a second tenant nor show a key again.
"""

from __future__ import annotations

import re

import pytest

from api.auth import hash_api_key
from api.bootstrap import Ledger
from api.server import DEMO_COMPANY, ensure_demo_tenant
from projections import queries


async def test_first_start_creates_the_demo_tenant_and_prints_its_key_once(
    own_ledger: Ledger, capsys: pytest.CaptureFixture[str]
):
    await ensure_demo_tenant(own_ledger, "http://127.0.0.1:8000")
    first = capsys.readouterr().out
    await ensure_demo_tenant(own_ledger, "http://127.0.0.1:8000")
    second = capsys.readouterr().out

    keys = re.findall(r"ll_[0-9a-f]{64}", first)
    assert len(keys) == 1
    assert "curl -s http://127.0.0.1:8000/v1/tenant" in first
    assert not re.findall(r"ll_[0-9a-f]{64}", second)
    assert "ledger keys create" in second
    async with own_ledger.pool.acquire() as conn:
        tenants = await queries.list_tenants(conn)
        key = await queries.api_key_by_hash(conn, hash_api_key(keys[0]))
    assert [(t["company_name"], t["account_framework"]) for t in tenants] == [
        (DEMO_COMPANY, "skr04")
    ]
    assert key is not None
    assert key["role"] == "owner"
    assert "admin" in key["scopes"]
