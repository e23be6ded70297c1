"""The read models kept current inside the writer's transaction (ADR 0003: read-your-writes).

`InlineReadModel` is what `ledger.writer` calls: `prefetch` finds what a batch refers to
(projections/lookups.py), `apply` folds the appended events into the read tables and stores
the position, all in the append transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from ledger.events import ApiKeyChanged, ApiKeyRevoked, UserDeactivated, UserRoleChanged
from ledger.intents import AnyIntent
from ledger.state import Lookups
from ledger.store import StoredEvent
from projections.apply import INLINE_PROJECTION, apply_changes
from projections.fold import changes_of
from projections.lookups import prefetch

AUTH_CHANNEL = "ledger_auth"  # api/key_cache.py listens here


class InlineReadModel:
    async def prefetch(
        self, conn: asyncpg.Connection, tenant_id: UUID, intents: Sequence[AnyIntent]
    ) -> Lookups:
        return await prefetch(conn, tenant_id, intents)

    async def apply(self, conn: asyncpg.Connection, stored: Sequence[StoredEvent]) -> None:
        await apply_changes(
            conn,
            (change for s in stored for change in changes_of(s.event, s.position)),
            position=(INLINE_PROJECTION, stored[-1].position),
        )
        revoking = {
            str(s.tenant_id)
            for s in stored
            if isinstance(
                s.event, ApiKeyRevoked | ApiKeyChanged | UserDeactivated | UserRoleChanged
            )
        }
        for tenant_id in sorted(revoking):
            # Delivered on commit: serving processes drop the tenant's cached keys at once.
            await conn.execute("select pg_notify($1, $2)", AUTH_CHANNEL, tenant_id)
