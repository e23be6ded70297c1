#!/usr/bin/env python3
"""Recompute a tenant's hash chain from the API, with nothing but the standard library.

    LEDGER_KEY=ll_... python3 docs/verify_chain.py http://127.0.0.1:8000

It pages through GET /v1/journal (keyset `after`), rebuilds each line's canonical fields as
docs/audit-hash.md defines them, and checks journal numbers, prev_hash and audit_hash.
Exit status 0 when the chain verifies, 1 with the first broken line otherwise.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import urllib.request
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal

GENESIS_HASH = "0" * 64


def canonical_fields(tenant_id: str, entry: dict) -> dict:
    """The fields the hash covers, from a GET /v1/journal entry (docs/audit-hash.md)."""
    created = datetime.fromisoformat(entry["created_at"].replace("Z", "+00:00"))
    return {
        "tenant_id": tenant_id,
        "journal_number": entry["journal_number"],
        "intent_id": entry["intent_id"],
        "booking_date": entry["booking_date"],
        "period": entry["period"],
        "account_debit": entry["account_debit"],
        "account_credit": entry["account_credit"],
        "amount_cents": int(Decimal(str(entry["amount"])) * 100),
        "currency": "EUR",
        "description": entry["description"],
        "tax_code": entry["tax_code"],
        "fx_currency": entry["fx_currency"],
        "fx_amount": None if entry["fx_amount"] is None else str(entry["fx_amount"]),
        "document_id": entry["document_id"],
        "reverses_intent_id": entry["reverses_intent_id"],
        "external_reference": entry["external_reference"],
        "custom_metadata": _metadata(entry["custom_metadata"]),
        "created_at": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "created_by": entry["created_by"],
        "channel": entry["provenance_summary"]["channel"],
    }


def _metadata(metadata: dict | None) -> dict | None:
    """Numbers were read as Decimal (to keep amounts' digits); metadata numbers are floats."""
    if metadata is None:
        return None
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in metadata.items()}


def audit_hash(prev_hash: str, fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def first_broken_line(tenant_id: str, entries: Iterable[dict]) -> str | None:
    """None if the chain verifies, else a sentence naming the first broken line."""
    expected_number, prev_hash = 1, GENESIS_HASH
    for entry in entries:
        number = entry["journal_number"]
        if number != expected_number:
            return f"line {expected_number} is missing (found {number})"
        if entry["prev_hash"] != prev_hash:
            return f"line {number}: prev_hash does not continue the chain"
        if audit_hash(prev_hash, canonical_fields(tenant_id, entry)) != entry["audit_hash"]:
            return f"line {number}: audit_hash does not match its content"
        expected_number, prev_hash = number + 1, entry["audit_hash"]
    return None


def _get(base_url: str, path: str, key: str) -> dict:
    request = urllib.request.Request(base_url + path, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        # Decimal keeps each number's digits exactly as the server wrote them (100.00).
        return json.loads(response.read(), parse_float=Decimal)


def journal_entries(base_url: str, key: str) -> Iterator[dict]:
    after = 0
    while True:
        page = _get(base_url, f"/v1/journal?limit=1000&after={after}", key)
        yield from page["entries"]
        if page["next_after_journal_number"] is None:
            return
        after = page["next_after_journal_number"]


def main() -> int:
    base_url, key = sys.argv[1].rstrip("/"), os.environ["LEDGER_KEY"]
    tenant_id = _get(base_url, "/v1/tenant", key)["id"]
    problem = first_broken_line(tenant_id, journal_entries(base_url, key))
    print(problem or "chain verifies")
    return 1 if problem else 0


if __name__ == "__main__":
    sys.exit(main())
