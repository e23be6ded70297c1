"""Suggestions end to end: `GET /v1/bank-transactions/suggestions` over HTTP for a bank account
with 1,000 open transactions while the tenant has 5,000 open invoices — the database reads,
the ranking and the JSON answer together.

The data goes in through the API (customers, booked invoices, a JSON import) into its own bank
account on a ledger account of its own, so the bank bookings of the load data are not
candidates. A second run on the same database finds the account and measures again.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta
from typing import Final

import httpx
import msgspec

from benchmarks.bench import Bench
from benchmarks.server import HOST
from ledger.money import net_cents_from_gross

IBAN: Final = "DE75512108001245126199"
LEDGER_ACCOUNT: Final = "1860"
CUSTOMERS: Final = 200
INVOICES: Final = 5_000
TRANSACTIONS: Final = 1_000
RUNS: Final = 3


def measure(bench: Bench, connections: int) -> tuple[float, int]:
    """(median seconds of the suggestions call, number of suggestions)."""
    base = f"http://{HOST}:{bench.server.port}/v1"
    headers = {"Authorization": f"Bearer {bench.token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        accounts = client.get("/bank-accounts").json()["bank_accounts"]
        known = [a["id"] for a in accounts if a["iban"] == IBAN]
        account_id = known[0] if known else _seed(bench, client, connections)
        timings, found = [], 0
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(
                "/bank-transactions/suggestions", params={"bank_account_id": account_id}
            )
            timings.append(time.perf_counter() - started)
            response.raise_for_status()
            found = len(response.json()["suggestions"])
    return statistics.median(timings), found


def _seed(bench: Bench, client: httpx.Client, connections: int) -> str:
    rng = random.Random(11)
    created = client.post(
        "/accounts", json={"number": LEDGER_ACCOUNT, "name": "Bank Benchmark", "type": "asset"}
    )
    if created.status_code not in (201, 409):
        created.raise_for_status()
    customers = []
    for number in range(CUSTOMERS):
        response = client.post("/customers", json={"name": f"Kunde {number:03d} GmbH"})
        response.raise_for_status()
        customers.append(response.json())
    invoices = [_invoice(rng, customers, number) for number in range(INVOICES)]
    result, _ = bench.load(
        [bench.request("POST", "/v1/outgoing-invoices", body) for body, _ in invoices],
        connections=connections,
        warmup_s=0,
        duration_s=600,
        requests_max=INVOICES,
    )
    refused = sum(n for status, n in result.status_counts.items() if status >= 300)
    if refused or result.connection_errors:
        raise RuntimeError(f"seeding invoices failed: {result.status_counts} {result.error_sample}")
    account = client.post(
        "/bank-accounts",
        json={"name": "Benchmark", "iban": IBAN, "account_number": LEDGER_ACCOUNT},
    )
    account.raise_for_status()
    account_id = account.json()["id"]
    paid = [invoices[number * INVOICES // TRANSACTIONS][1] for number in range(TRANSACTIONS)]
    rows = [_payment(rng, invoice) for invoice in paid]
    imported = client.post(
        "/bank-transactions", json={"bank_account_id": account_id, "transactions": rows}
    )
    imported.raise_for_status()
    return account_id


def _invoice(rng: random.Random, customers: list[dict], number: int) -> tuple[bytes, dict]:
    gross = rng.randint(1_000, 500_000)
    net = net_cents_from_gross(gross, 1900)
    customer = customers[number % len(customers)]
    day = date(2026, 1, 1) + timedelta(days=number % 150)
    facts = {
        "number": f"AR-{number:05d}",
        "gross": gross,
        "day": day,
        "customer": customer["name"],
    }
    body = {
        "customer_id": customer["id"],
        "invoice_number": facts["number"],
        "invoice_date": day.isoformat(),
        "total_net": _euros(net),
        "total_tax": _euros(gross - net),
        "total_gross": _euros(gross),
        "type": "invoice",
        "book": True,
        "lines": [
            {
                "position": 1,
                "description": "Leistung",
                "quantity": "1",
                "unit_price": _euros(net),
                "tax_rate": "0.19",
                "tax_amount": _euros(gross - net),
                "line_total": _euros(gross),
                "account_number": "4400",
            }
        ],
    }
    return msgspec.json.encode(body), facts


def _payment(rng: random.Random, invoice: dict) -> dict:
    """Most pay an invoice exactly and name it; some name only the customer; some are noise."""
    kind = rng.random()
    amount = invoice["gross"] if kind < 0.85 else rng.randint(1_000, 500_000)
    reference = f"Rechnung {invoice['number']}" if kind < 0.7 else f"Zahlung {invoice['customer']}"
    return {
        "tx_date": (invoice["day"] + timedelta(days=rng.randint(3, 30))).isoformat(),
        "amount": _euros(amount),
        "reference": reference,
        "counterparty_name": invoice["customer"],
    }


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
