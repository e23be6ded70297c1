"""Counted attempts on the public routes (login failures, reset requests, contact messages),
kept in PostgreSQL so every server process sees the same counts (docs/api.md, "Abuse
protection").

An attempt is a row `(key, at)`; a key names what is counted, e.g. `login:email:<address>`.
A route refuses with 429 and `Retry-After` while a key has reached its allowance within the
window — the same answer whether or not an account stands behind the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from litestar.connection import ASGIConnection

from api.bootstrap import Ledger
from api.errors import ApiError

KEEP_FOR: Final = timedelta(days=1)  # attempts older than this are deleted as new ones come


@dataclass(frozen=True)
class Allowance:
    """`limit` attempts per key within `window`."""

    kind: str  # the key's prefix, e.g. "login:email"
    limit: int
    window: timedelta

    def key(self, value: str) -> str:
        return f"{self.kind}:{value.strip().lower()}"


async def refuse_when_over(
    ledger: Ledger, counted: list[tuple[Allowance, str]], message: str
) -> None:
    """429 if any key has used up its allowance; `Retry-After` says when it has room again."""
    now = ledger.clock()
    async with ledger.pool.acquire() as conn:
        for allowance, value in counted:
            # The attempt whose expiry frees a place: the limit-th newest within the window.
            blocking = await conn.fetchval(
                "select at from attempts where key = $1 and at > $2"
                " order by at desc offset $3 - 1 limit 1",
                allowance.key(value),
                now - allowance.window,
                allowance.limit,
            )
            if blocking is not None:
                wait = blocking + allowance.window - now
                raise ApiError(
                    "TOO_MANY_ATTEMPTS", message, retry_after=max(1, int(wait.total_seconds()) + 1)
                )


async def note(ledger: Ledger, counted: list[tuple[Allowance, str]]) -> None:
    now = ledger.clock()
    async with ledger.pool.acquire() as conn:
        await conn.executemany(
            "insert into attempts (key, at) values ($1, $2)",
            [(allowance.key(value), now) for allowance, value in counted],
        )
        await conn.execute("delete from attempts where at < $1", now - KEEP_FOR)


def client_address(connection: ASGIConnection) -> str:
    """The peer's address. Behind a proxy, run uvicorn with --proxy-headers and
    --forwarded-allow-ips so this is the client's, not the proxy's."""
    return connection.client.host if connection.client else "unknown"
