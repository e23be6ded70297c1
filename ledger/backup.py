"""Backups of the event log (`ledger backup`, `ledger restore`; docs/backup.md is the contract).

An archive is gzip-compressed UTF-8 text, one line per record: `<hash> <json>`, where
`hash` = SHA-256 hex of (the previous line's hash + " " + json), the first line's previous
hash being `ARCHIVE_GENESIS`. Records, in this order: the header; every event of the scope in
position order (its stored JSON embedded verbatim); the document bytes; the password hashes;
each tenant's chain head (journal number and audit hash); the manifest with the counts and
the last line's hash. Any change to a line breaks its hash and every hash after it, so
verifying names the first line that was changed, removed or added.

What a backup leaves out: read tables (a restore rebuilds them from the events), sessions,
one-time tokens, failed-attempt counts, the mail outbox, contact messages and access counts.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Final
from uuid import UUID

import asyncpg
import msgspec

from ledger.store import insert_rows, lock_positions

FORMAT: Final = "ledger-backup/1"
ARCHIVE_GENESIS: Final = hashlib.sha256(FORMAT.encode()).hexdigest()
BATCH_ROWS: Final = 5_000


class Header(msgspec.Struct, frozen=True, kw_only=True, tag="header", tag_field="kind"):
    format: str
    created_at: datetime
    scope: str  # "all" (every tenant) or one tenant's id


class EventRecord(msgspec.Struct, frozen=True, kw_only=True, tag="event", tag_field="kind"):
    position: int
    tenant_id: UUID
    originator_id: UUID
    originator_version: int
    topic: str
    recorded_at: datetime
    state: msgspec.Raw  # the stored event JSON, byte for byte


class BlobRecord(msgspec.Struct, frozen=True, kw_only=True, tag="blob", tag_field="kind"):
    tenant_id: UUID
    sha256: str
    content: str  # base64
    stored_at: datetime


class CredentialRecord(
    msgspec.Struct, frozen=True, kw_only=True, tag="credential", tag_field="kind"
):
    user_id: UUID
    password_hash: str  # argon2id, as stored
    updated_at: datetime


class HeadRecord(msgspec.Struct, frozen=True, kw_only=True, tag="head", tag_field="kind"):
    tenant_id: UUID
    stream_version: int
    journal_number: int
    audit_hash: str


class Manifest(msgspec.Struct, frozen=True, kw_only=True, tag="manifest", tag_field="kind"):
    lines: int  # before this one
    events: int
    blobs: int
    credentials: int
    tenants: int
    last_hash: str  # the hash of the line before this one


Record = Header | EventRecord | BlobRecord | CredentialRecord | HeadRecord | Manifest
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Record)


class BrokenArchive(Exception):
    """The archive is not what `ledger backup` wrote: `line` is the first line that is not."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


def line_hash(previous: str, body: bytes) -> str:
    return hashlib.sha256(previous.encode() + b" " + body).hexdigest()


class ArchiveWriter:
    """Hashes and writes records; `finish` appends the manifest and returns its hash."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._hash = ARCHIVE_GENESIS
        self.lines = 0
        self.counts = {"event": 0, "blob": 0, "credential": 0, "head": 0}

    def write(self, record: Record) -> None:
        body = _encoder.encode(record)
        self._hash = line_hash(self._hash, body)
        self._out.write(self._hash.encode() + b" " + body + b"\n")
        self.lines += 1
        kind = record.__struct_config__.tag
        if kind in self.counts:
            self.counts[kind] += 1  # type: ignore[index]

    def finish(self) -> str:
        manifest = Manifest(
            lines=self.lines,
            events=self.counts["event"],
            blobs=self.counts["blob"],
            credentials=self.counts["credential"],
            tenants=self.counts["head"],
            last_hash=self._hash,
        )
        self.write(manifest)
        return self._hash


def read_archive(path: Path) -> Iterator[tuple[int, Record, str]]:
    """(line number, record, line hash) of a verified archive, streaming; raises
    `BrokenArchive` at the first line whose hash, form or place is wrong, before yielding it."""
    previous = ARCHIVE_GENESIS
    last_position = 0
    seen_manifest = False
    number = 0
    try:
        with gzip.open(path, "rb") as archive:
            for number, raw in enumerate(archive, start=1):
                if seen_manifest:
                    raise BrokenArchive(number, "a line after the manifest")
                stated, _, body = raw.rstrip(b"\n").partition(b" ")
                if line_hash(previous, body) != stated.decode("ascii", "replace"):
                    raise BrokenArchive(
                        number, "its hash does not match: changed, removed or added"
                    )
                try:
                    record = _decoder.decode(body)
                except msgspec.ValidationError as error:
                    raise BrokenArchive(number, f"not a backup record ({error})") from None
                if (number == 1) != isinstance(record, Header):
                    raise BrokenArchive(number, "the header must be the first line, and only it")
                if isinstance(record, Header) and record.format != FORMAT:
                    raise BrokenArchive(number, f"format {record.format}, expected {FORMAT}")
                if isinstance(record, EventRecord):
                    if record.position <= last_position:
                        raise BrokenArchive(number, "events out of order")
                    last_position = record.position
                if isinstance(record, Manifest):
                    seen_manifest = True
                    if record.lines != number - 1 or record.last_hash != previous:
                        raise BrokenArchive(number, "the manifest does not match the lines")
                previous = stated.decode()
                yield number, record, previous
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise BrokenArchive(number + 1, f"unreadable ({error})") from None
    if not seen_manifest:
        raise BrokenArchive(number + 1, "the archive ends before its manifest (truncated?)")


async def dump(
    conn: asyncpg.Connection, out: IO[bytes], tenant_id: UUID | None, now: datetime
) -> tuple[ArchiveWriter, str]:
    """Write the archive of every tenant (`tenant_id` None) or one, in one snapshot."""
    writer = ArchiveWriter(out)
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        writer.write(Header(format=FORMAT, created_at=now, scope=str(tenant_id or "all")))
        async for row in _rows(
            conn,
            "select position, tenant_id, originator_id, originator_version, topic, state,"
            " recorded_at from events where ($1::uuid is null or tenant_id = $1)"
            " order by position",
            tenant_id,
        ):
            writer.write(EventRecord(**{**dict(row), "state": msgspec.Raw(row["state"])}))
        async for row in _rows(
            conn,
            "select tenant_id, sha256, content, stored_at from document_blobs"
            " where ($1::uuid is null or tenant_id = $1) order by tenant_id, sha256",
            tenant_id,
        ):
            content = base64.b64encode(row["content"]).decode("ascii")
            writer.write(
                BlobRecord(
                    tenant_id=row["tenant_id"],
                    sha256=row["sha256"],
                    content=content,
                    stored_at=row["stored_at"],
                )
            )
        async for row in _rows(
            conn,
            "select c.user_id, c.password_hash, c.updated_at from user_credentials c"
            " join users u on u.id = c.user_id where ($1::uuid is null or u.tenant_id = $1)"
            " order by c.user_id",
            tenant_id,
        ):
            writer.write(CredentialRecord(**dict(row)))
        async for row in _rows(
            conn,
            "select tenant_id, stream_version, journal_number, audit_hash from tenant_heads"
            " where ($1::uuid is null or tenant_id = $1) order by tenant_id",
            tenant_id,
        ):
            writer.write(HeadRecord(**dict(row)))
        return writer, writer.finish()


async def _rows(conn: asyncpg.Connection, sql: str, *args: object) -> AsyncIterator[asyncpg.Record]:
    async for row in conn.cursor(sql, *args, prefetch=BATCH_ROWS):
        yield row


class RestoreRefused(Exception):
    """The target database is not empty: a restore never mixes two histories."""


async def load(
    conn: asyncpg.Connection, path: Path, expected_hash: str | None = None
) -> tuple[Manifest, str]:
    """Verify the whole archive, then write its events, bytes, password hashes and heads in
    one transaction into a database without events. Positions are renumbered from 1 in the
    archive's order (a one-tenant archive has gaps); nothing else changes. The read tables
    are the caller's to rebuild."""
    manifest, digest = None, ""
    for _, record, line_digest in read_archive(path):  # all of it, before writing anything
        if isinstance(record, Manifest):
            manifest, digest = record, line_digest
    assert manifest is not None  # read_archive refuses an archive without one
    if expected_hash is not None and expected_hash != digest:
        raise BrokenArchive(
            manifest.lines + 1, f"the archive's hash is {digest}, not the expected {expected_hash}"
        )
    async with conn.transaction():
        await lock_positions(conn)
        if await conn.fetchval("select exists (select 1 from events)"):
            raise RestoreRefused("The database already holds events: restore into an empty one.")
        batch: list[EventRecord] = []
        last_position: dict[UUID, int] = {}
        position = 0
        for _, record, _ in read_archive(path):
            match record:
                case EventRecord():
                    position += 1
                    last_position[record.tenant_id] = position
                    batch.append(msgspec.structs.replace(record, position=position))
                    if len(batch) == BATCH_ROWS:
                        await _insert_events(conn, batch)
                        batch = []
                case BlobRecord():
                    await conn.execute(
                        "insert into document_blobs (tenant_id, sha256, content, stored_at)"
                        " values ($1, $2, $3, $4)",
                        record.tenant_id,
                        record.sha256,
                        base64.b64decode(record.content),
                        record.stored_at,
                    )
                case CredentialRecord():
                    await conn.execute(
                        "insert into user_credentials (user_id, password_hash, updated_at)"
                        " values ($1, $2, $3)",
                        record.user_id,
                        record.password_hash,
                        record.updated_at,
                    )
                case HeadRecord():
                    await conn.execute(
                        "insert into tenant_heads (tenant_id, position, stream_version,"
                        " journal_number, audit_hash) values ($1, $2, $3, $4, $5)",
                        record.tenant_id,
                        last_position.get(record.tenant_id, 0),
                        record.stream_version,
                        record.journal_number,
                        record.audit_hash,
                    )
        if batch:
            await _insert_events(conn, batch)
    return manifest, digest


async def _insert_events(conn: asyncpg.Connection, batch: list[EventRecord]) -> None:
    await insert_rows(
        conn,
        positions=[r.position for r in batch],
        tenant_ids=[r.tenant_id for r in batch],
        originator_ids=[r.originator_id for r in batch],
        originator_versions=[r.originator_version for r in batch],
        topics=[r.topic for r in batch],
        states=[bytes(r.state) for r in batch],
        recorded_ats=[r.recorded_at for r in batch],
    )
