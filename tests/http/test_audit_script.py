"""The auditor's script in docs/verify_chain.py verifies the chain from API output alone.

The script is documentation that runs: this test feeds it the journal pages our API returns
(parsed as the script parses them, numbers as Decimal) and checks it agrees with the server,
then alters one field the way a forger would and checks the script names the line.
"""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path

from tests.conftest import Tenant, booking

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_chain.py"


def load_script():
    spec = importlib.util.spec_from_file_location("verify_chain", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def journal_as_the_script_reads_it(tenant: Tenant) -> list[dict]:
    response = await tenant.get("/v1/journal", params={"limit": 1000})
    return json.loads(response.content, parse_float=Decimal)["entries"]


async def test_script_verifies_the_chain_and_names_a_forged_line(tenant: Tenant):
    script = load_script()
    fx = {
        "currency": "USD",
        "amount": "130.90",
        "rate": "1.1",
        "rate_date": "2026-03-14",
        "rate_source": "ECB",
    }
    bodies = [
        booking(("6815", "debit", "119.00", "VSt19"), ("1800", "credit", "119.00")),
        booking(
            ("4400", "credit", "100.00"),
            ("1200", "debit", "100.00"),
            description='Ü€ "x"',
            custom_metadata={"n": 1, "f": 0.5, "b": True, "s": "ä", "z": None},
            external_reference="RE-1",
        ),
        booking(("6815", "debit", "119.00"), ("1800", "credit", "119.00"), fx=fx),
        booking(("6815", "debit", "7.00"), ("1800", "credit", "7.00"), description="Zeile\n"),
    ]
    for body in bodies:
        assert (await tenant.post("/v1/bookings", body)).status_code == 201
    entries = await journal_as_the_script_reads_it(tenant)
    assert script.first_broken_line(str(tenant.tenant_id), entries) is None

    entries[2]["amount"] = Decimal("18.00")
    assert script.first_broken_line(str(tenant.tenant_id), entries) == (
        "line 3: audit_hash does not match its content"
    )
