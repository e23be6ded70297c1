"""Backup and restore through the command line: `ledger backup` writes a verifiable archive;
`ledger restore` into an empty database rebuilds every read table exactly and verifies every
chain; a tampered, truncated or unexpected archive is refused at its first broken line, and
leaves the target database empty."""

from __future__ import annotations

import gzip
import hashlib
import re
import uuid
from datetime import date
from pathlib import Path

import asyncpg
import pytest

from api.bootstrap import Ledger
from ledger.blobs import store_blob
from ledger.intents import (
    ApprovePeriodLock,
    RequestPeriodLock,
    ReverseBooking,
    UploadDocument,
)
from tests.integration.conftest import TEST_ACTOR, new_tenant, post, simple_booking
from tests.integration.test_chain import run_cli
from tests.integration.test_projections import dump_read_tables

PDF = b"%PDF-1.7 Beleg fuer die Sicherung"


@pytest.fixture
async def books(own_ledger: Ledger) -> dict:
    """Two tenants with bookings, a reversal, a locked month, a stored document and a
    password."""
    first = await new_tenant(own_ledger, "Sicherung GmbH")
    second = await new_tenant(own_ledger, "Andere AG")
    stamp = {"tenant_id": first, "actor": TEST_ACTOR, "channel": "api"}
    posted = [
        await post(own_ledger, simple_booking(first, uuid.uuid4(), cents, day=date(2026, 1, 5)))
        for cents in (11_900, 2_500)
    ]
    await post(own_ledger, simple_booking(second, uuid.uuid4(), 700))
    await own_ledger.writers.submit_one(
        ReverseBooking(
            **stamp,
            intent_id=uuid.uuid4(),
            original_intent_id=posted[1].intent_id,
            reason="Fehlbuchung",
        )
    )
    request = uuid.uuid4()
    await own_ledger.writers.submit_one(
        RequestPeriodLock(**stamp, period="2026-01", request_id=request)
    )
    await own_ledger.writers.submit_one(
        ApprovePeriodLock(**stamp, period="2026-01", request_id=request)
    )
    digest = hashlib.sha256(PDF).hexdigest()
    async with own_ledger.pool.acquire() as conn:
        await store_blob(conn, first, digest, PDF)
        owner = await conn.fetchval("select id from users where tenant_id = $1", first)
        await conn.execute(
            "insert into user_credentials (user_id, password_hash, updated_at)"
            " values ($1, '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', now())",
            owner,
        )
    await own_ledger.writers.submit_one(
        UploadDocument(
            **stamp,
            document_id=uuid.uuid4(),
            sha256=digest,
            mime_type="application/pdf",
            original_name="beleg.pdf",
            size_bytes=len(PDF),
        )
    )
    return {"first": first, "second": second}


def ok(url: str, *args: str) -> str:
    result = run_cli(url, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def snapshot(url: str) -> dict:
    conn = await asyncpg.connect(url)
    try:
        tables = await dump_read_tables(conn)
        for extra in ("events", "tenant_heads", "document_blobs", "user_credentials"):
            rows = await conn.fetch(f"select * from {extra} order by 1, 2")
            tables[extra] = [tuple(row.values()) for row in rows]
        return tables
    finally:
        await conn.close()


async def event_count(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("select count(*) from events")
    finally:
        await conn.close()


async def test_a_restore_reproduces_the_store_and_every_read_table(
    own_ledger: Ledger, books: dict, second_database_url: str, tmp_path: Path
):
    archive = tmp_path / "ledger.backup.gz"
    said = ok(own_ledger.database_url, "backup", "--out", str(archive))
    digest = re.search(r"archive hash ([0-9a-f]{64})", said)[1]

    restored = ok(second_database_url, "restore", str(archive), "--expect-hash", digest)

    assert "every hash chain and closing verified" in restored
    assert await snapshot(second_database_url) == await snapshot(own_ledger.database_url)
    assert "ok" in ok(second_database_url, "verify")


async def test_a_one_tenant_backup_restores_that_tenant_alone(
    own_ledger: Ledger, books: dict, second_database_url: str, tmp_path: Path
):
    archive = tmp_path / "one.backup.gz"
    ok(own_ledger.database_url, "backup", "--out", str(archive), "--tenant", "Sicherung GmbH")

    ok(second_database_url, "restore", str(archive))

    listed = ok(second_database_url, "tenants", "list")
    assert "Sicherung GmbH" in listed
    assert "Andere AG" not in listed
    conn = await asyncpg.connect(second_database_url)
    try:
        positions = [
            r["position"] for r in await conn.fetch("select position from events order by 1")
        ]
    finally:
        await conn.close()
    assert positions == list(range(1, len(positions) + 1))  # renumbered without gaps


def rewrite(archive: Path, change) -> None:
    lines = gzip.decompress(archive.read_bytes()).split(b"\n")
    archive.write_bytes(gzip.compress(b"\n".join(change(lines))))


def altered_amount(lines: list[bytes]) -> list[bytes]:
    index = next(i for i, line in enumerate(lines) if b'"amount_cents":11900' in line)
    lines[index] = lines[index].replace(b'"amount_cents":11900', b'"amount_cents":19900')
    return lines


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (altered_amount, "hash does not match"),
        (lambda lines: lines[:3] + lines[4:], "hash does not match"),
        (lambda lines: [*lines[:-3], b""], "ends before its manifest"),
    ],
    ids=["an amount changed", "a line removed", "cut short"],
)
async def test_a_damaged_archive_is_refused_at_its_first_broken_line_and_restores_nothing(
    own_ledger: Ledger,
    books: dict,
    second_database_url: str,
    tmp_path: Path,
    change,
    problem: str,
):
    archive = tmp_path / "ledger.backup.gz"
    ok(own_ledger.database_url, "backup", "--out", str(archive))
    original = gzip.decompress(archive.read_bytes()).split(b"\n")
    rewrite(archive, change)
    damaged = gzip.decompress(archive.read_bytes()).split(b"\n")
    first_difference = next(
        (n for n, (a, b) in enumerate(zip(original, damaged, strict=False), 1) if a != b),
        len(damaged),
    )

    refused = run_cli(second_database_url, "restore", str(archive))

    assert refused.returncode == 1
    assert f"broken at line {first_difference}:" in refused.stderr, refused.stderr
    assert problem in refused.stderr
    assert await event_count(second_database_url) == 0


async def test_a_restore_refuses_a_database_that_holds_events(
    own_ledger: Ledger, books: dict, tmp_path: Path
):
    archive = tmp_path / "ledger.backup.gz"
    ok(own_ledger.database_url, "backup", "--out", str(archive))

    refused = run_cli(own_ledger.database_url, "restore", str(archive))

    assert refused.returncode == 1
    assert "already holds events" in refused.stderr


async def test_an_unexpected_archive_hash_is_refused(
    own_ledger: Ledger, books: dict, second_database_url: str, tmp_path: Path
):
    archive = tmp_path / "ledger.backup.gz"
    ok(own_ledger.database_url, "backup", "--out", str(archive))

    refused = run_cli(second_database_url, "restore", str(archive), "--expect-hash", "0" * 64)

    assert refused.returncode == 1
    assert "not the expected" in refused.stderr
    assert await event_count(second_database_url) == 0
