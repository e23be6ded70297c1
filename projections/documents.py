"""Read queries for documents."""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def document(
    conn: asyncpg.Connection, tenant_id: UUID, document_id: UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "select * from documents where tenant_id = $1 and id = $2", tenant_id, document_id
    )
