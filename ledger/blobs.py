"""The bytes of documents: content-addressed per tenant, written once, never changed (ADR 0005)."""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def store_blob(
    conn: asyncpg.Connection, tenant_id: UUID, sha256: str, content: bytes
) -> None:
    """Keep `content` under its hash; the same bytes again change nothing."""
    await conn.execute(
        "insert into document_blobs (tenant_id, sha256, content) values ($1, $2, $3)"
        " on conflict (tenant_id, sha256) do nothing",
        tenant_id,
        sha256,
        content,
    )


async def read_blob(conn: asyncpg.Connection, tenant_id: UUID, sha256: str) -> bytes | None:
    return await conn.fetchval(
        "select content from document_blobs where tenant_id = $1 and sha256 = $2",
        tenant_id,
        sha256,
    )
