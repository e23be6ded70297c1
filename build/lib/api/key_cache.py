"""Authenticated API keys, cached per process and dropped the moment a key is revoked.

Looking a key up costs a pooled connection and a round trip per request. A key's answer
rarely changes, so it is kept for `KEY_CACHE_TTL_S`; revocations (and later deactivations)
are announced by the writer's transaction with `NOTIFY ledger_auth, '<tenant id>'`
(projections/inline.py), and every process listening drops that tenant's keys when the
revocation commits. While the listening connection is down the cache is bypassed, so a
revocation is never missed. Expiry is checked on every request from the cached value.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Final
from uuid import UUID

import asyncpg

from projections.inline import AUTH_CHANNEL as INLINE_AUTH_CHANNEL

log = logging.getLogger(__name__)

AUTH_CHANNEL: Final = INLINE_AUTH_CHANNEL  # NOTIFY channel; payload: tenant id
KEY_CACHE_TTL_S: Final = 60.0  # a safety net only: invalidation is by NOTIFY
KEY_CACHE_ENTRIES_MAX: Final = 10_000
RECONNECT_PAUSE_S: Final = 1.0


class KeyCache:
    def __init__(self, dsn: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._dsn = dsn
        self._clock = clock
        self._entries: dict[str, tuple[float, object]] = {}
        self._connection: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    @property
    def active(self) -> bool:
        return self._listening.is_set()

    def get(self, key_hash: str) -> object | None:
        if not self.active:
            return None
        entry = self._entries.get(key_hash)
        if entry is None or self._clock() - entry[0] > KEY_CACHE_TTL_S:
            return None
        return entry[1]

    def put(self, key_hash: str, caller: object) -> None:
        if not self.active:
            return
        if len(self._entries) >= KEY_CACHE_ENTRIES_MAX:
            self._entries.clear()
        self._entries[key_hash] = (self._clock(), caller)

    def drop_tenant(self, tenant_id: UUID | str) -> None:
        tenant = str(tenant_id)
        for key_hash, (_, caller) in list(self._entries.items()):
            if str(getattr(caller, "tenant_id", "")) == tenant:
                del self._entries[key_hash]

    async def start(self) -> None:
        """Listen in the background; returns once listening (or after the first failure)."""
        self._task = asyncio.create_task(self._listen_forever(), name="key-cache-listener")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._listening.wait(), timeout=5)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._disconnect()

    async def _listen_forever(self) -> None:
        while True:
            try:
                lost = asyncio.Event()
                self._connection = await asyncpg.connect(self._dsn)
                self._connection.add_termination_listener(lambda _conn, lost=lost: lost.set())
                await self._connection.add_listener(AUTH_CHANNEL, self._on_notify)
                self._entries.clear()  # whatever happened while deaf is forgotten
                self._listening.set()
                await lost.wait()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("key cache listener: %r", error)
            self._listening.clear()
            self._entries.clear()
            await self._disconnect()
            await asyncio.sleep(RECONNECT_PAUSE_S)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        self.drop_tenant(payload)

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await connection.close(timeout=2)
