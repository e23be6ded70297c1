"""The composition root: database, pool, migrations, writers. Used by the server and the CLI."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from api.auth import SCOPES, hash_api_key, key_prefix, new_api_key
from api.key_cache import KeyCache
from api.settings import Settings
from ledger.errors import InvalidInput
from ledger.events import Actor, Channel
from ledger.intents import CreateTenant, CreateUser, IssueApiKey, RevokeApiKey
from ledger.postgres import EmbeddedPostgres, create_pool, migrate
from ledger.writer import Writers, utc_now
from projections import queries
from projections.inline import InlineReadModel

log = logging.getLogger(__name__)


@dataclass
class Ledger:
    """Everything a request or a command needs, built once per process."""

    pool: asyncpg.Pool
    writers: Writers
    database_url: str
    embedded: EmbeddedPostgres | None = None
    key_cache: KeyCache | None = None  # serving processes only
    clock: Callable[[], datetime] = utc_now
    extras: dict[str, object] = field(default_factory=dict)

    async def close(self) -> None:
        if self.key_cache is not None:
            await self.key_cache.close()
        await self.writers.close()
        await self.pool.close()
        if self.embedded is not None:
            self.embedded.stop()


def database_url(settings: Settings) -> tuple[str, EmbeddedPostgres | None]:
    if settings.database_url:
        return settings.database_url, None
    embedded = EmbeddedPostgres(settings.data_dir)
    return embedded.start(), embedded


async def open_ledger(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    apply_migrations: bool = True,
    serving: bool = False,
) -> Ledger:
    """Connect (starting the embedded server if needed) and migrate.

    `serving`: this process answers HTTP, so it keeps an API-key cache (api/key_cache.py).
    """
    url, embedded = database_url(settings)
    try:
        pool = await create_pool(url, max_size=settings.pool_size)
        if apply_migrations:
            async with pool.acquire() as conn:
                applied = await migrate(conn)
            for name in applied:
                log.info("applied migration %s", name)
    except BaseException:
        if embedded is not None:
            embedded.stop()
        raise
    writers = Writers(pool=pool, read_model=InlineReadModel(), clock=clock)
    key_cache = None
    if serving:
        key_cache = KeyCache(url)
        await key_cache.start()
    return Ledger(
        pool=pool,
        writers=writers,
        database_url=url,
        embedded=embedded,
        clock=clock,
        key_cache=key_cache,
    )


def cli_actor() -> Actor:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(actor_type="system", label=f"cli:{who}")


@dataclass(frozen=True)
class IssuedKey:
    key_id: UUID
    secret: str
    prefix: str


async def create_tenant(
    ledger: Ledger,
    *,
    company_name: str,
    owner_email: str,
    owner_name: str,
    account_framework: str = "skr04",
    fiscal_year_start: int = 1,
    vat_registered: bool = True,
    tax_id: str | None = None,
    vat_id: str | None = None,
    legal_form: str | None = None,
    actor: Actor | None = None,
    channel: Channel = "cli",
) -> tuple[UUID, UUID, IssuedKey]:
    """A tenant with its chart and tax codes, an owner, and an owner's key with every scope."""
    actor = actor or cli_actor()
    tenant_id = uuid4()
    await ledger.writers.submit_one(
        CreateTenant(
            tenant_id=tenant_id,
            actor=actor,
            channel=channel,
            company_name=company_name,
            tax_id=tax_id,
            vat_id=vat_id,
            legal_form=legal_form,
            fiscal_year_start=fiscal_year_start,
            vat_registered=vat_registered,
            account_framework=account_framework,  # type: ignore[arg-type]
        )
    )
    user_id = await create_user(
        ledger,
        tenant_id,
        email=owner_email,
        name=owner_name,
        role="owner",
        actor=actor,
        channel=channel,
    )
    key = await issue_key(
        ledger,
        tenant_id,
        user_id,
        label=f"{owner_name} (owner)",
        scopes=SCOPES,
        actor=actor,
        channel=channel,
    )
    return tenant_id, user_id, key


async def create_user(
    ledger: Ledger,
    tenant_id: UUID,
    *,
    email: str,
    name: str,
    role: str,
    actor: Actor | None = None,
    channel: Channel = "cli",
) -> UUID:
    user_id = uuid4()
    await ledger.writers.submit_one(
        CreateUser(
            tenant_id=tenant_id,
            actor=actor or cli_actor(),
            channel=channel,
            user_id=user_id,
            email=email,
            name=name,
            role=role,  # type: ignore[arg-type]
        )
    )
    return user_id


async def issue_key(
    ledger: Ledger,
    tenant_id: UUID,
    user_id: UUID,
    *,
    label: str,
    scopes: tuple[str, ...],
    expires_at: datetime | None = None,
    actor: Actor | None = None,
    channel: Channel = "cli",
) -> IssuedKey:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:  # e.g. auswertungen:write: reports are read-only, so that scope does not exist
        raise InvalidInput(f"Unknown scopes: {', '.join(unknown)}.", scopes=unknown)
    secret = new_api_key()
    key_id = uuid4()
    await ledger.writers.submit_one(
        IssueApiKey(
            tenant_id=tenant_id,
            actor=actor or cli_actor(),
            channel=channel,
            key_id=key_id,
            user_id=user_id,
            label=label,
            key_prefix=key_prefix(secret),
            key_hash=hash_api_key(secret),
            scopes=tuple(scopes),
            expires_at=expires_at,
        )
    )
    return IssuedKey(key_id=key_id, secret=secret, prefix=key_prefix(secret))


async def revoke_key(
    ledger: Ledger,
    tenant_id: UUID,
    key_id: UUID,
    *,
    actor: Actor | None = None,
    channel: Channel = "cli",
) -> None:
    await ledger.writers.submit_one(
        RevokeApiKey(
            tenant_id=tenant_id,
            actor=actor or cli_actor(),
            channel=channel,
            key_id=key_id,
        )
    )
    if ledger.key_cache is not None:  # this process at once; the others by NOTIFY
        ledger.key_cache.drop_tenant(tenant_id)


async def has_tenants(ledger: Ledger) -> bool:
    async with ledger.pool.acquire() as conn:
        return bool(await queries.list_tenants(conn))
