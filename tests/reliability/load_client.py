"""A load client for the crash tests, in a process of its own (light imports only): posts
bookings with an Idempotency-Key each until told to stop, and records what came back."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx


def booking(number: int) -> dict:
    cents = 100 + number
    amount = f"{cents // 100}.{cents % 100:02d}"
    return {
        "booking_date": "2026-03-15",
        "description": f"Last {number}",
        "skip_duplicate_check": True,  # the clients post the same amounts
        "lines": [
            {"account_number": "6815", "debit": amount, "tax_code": "VSt19"},
            {"account_number": "1800", "credit": amount},
        ],
    }


def run(url: str, key: str, name: str, out: str, stop: str) -> None:
    """Post until the file `stop` exists; `out + '.ready'` appears after the first answer;
    `out` holds {idempotency key: status, or None when no answer came}."""
    answers: dict[str, int | None] = {}
    ready = Path(out + ".ready")
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
        number = 0
        while not Path(stop).exists():
            number += 1
            idempotency_key = f"{name}-{number}"
            try:
                response = http.post(
                    "/v1/bookings",
                    json=booking(number),
                    headers={"Idempotency-Key": idempotency_key},
                    timeout=5,
                )
                answers[idempotency_key] = response.status_code
                ready.touch()
            except httpx.TransportError:
                answers[idempotency_key] = None  # no answer: unknown whether it was booked
                time.sleep(0.05)
    Path(out).write_text(json.dumps(answers))
