"""The row changes a fold yields: what the live path and the rebuild apply to the read tables
(projections/apply.py)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec


class Insert(msgspec.Struct, frozen=True):
    table: str
    row: tuple[Any, ...]


class Update(msgspec.Struct, frozen=True):
    """Set `values` on the row of `table` whose key columns equal `key`."""

    table: str
    key: tuple[Any, ...]
    values: dict[str, Any]


class Upsert(msgspec.Struct, frozen=True):
    """Insert `row`, or replace every column of the row with the same key."""

    table: str
    row: tuple[Any, ...]


class BalanceDelta(msgspec.Struct, frozen=True):
    tenant_id: UUID
    account_number: str
    booking_date: date
    period: str
    debit_cents: int
    credit_cents: int
    line_count: int


Change = Insert | Update | Upsert | BalanceDelta
