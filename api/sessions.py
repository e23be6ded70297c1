"""Logging in: sessions (bearer tokens like API keys, with the user's role), one-time tokens
for invitations and resets, throttling of failed attempts, and the mails that carry the
tokens (docs/api.md, "Login and passwords").

An answer never tells whether an address has an account: a wrong password and an unknown
address give the same 401 after the same work (a password is verified either way), and a
reset request gets the same answer for both.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Final
from uuid import UUID

import anyio.to_thread
import asyncpg

from api import throttle
from api.bootstrap import Ledger
from api.errors import ApiError
from api.mailer import public_url, send_mail
from api.throttle import Allowance
from ledger.events import Actor
from ledger.intents import SetUserPassword
from ledger.passwords import DUMMY_HASH, hash_password, policy_problems, verify

SESSION_HOURS: Final = 12
INVITE_DAYS: Final = 7
RESET_HOURS: Final = 2
# Failed logins per account and per network address, then 429 (docs/api.md); reset requests
# likewise, so the reset form cannot flood a mailbox.
LOGIN_FAILURES_PER_ACCOUNT: Final = Allowance("login:email", 5, timedelta(minutes=15))
LOGIN_FAILURES_PER_ADDRESS: Final = Allowance("login:ip", 20, timedelta(minutes=15))
RESETS_PER_ACCOUNT: Final = Allowance("reset:email", 3, timedelta(hours=1))
RESETS_PER_ADDRESS: Final = Allowance("reset:ip", 10, timedelta(hours=1))
SESSION_PATTERN_PREFIX: Final = "ls_"


def new_token(prefix: str) -> str:
    return prefix + secrets.token_hex(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def login(
    ledger: Ledger, email: str, password: str, client_address: str, tenant_id: UUID | None
) -> tuple[str, datetime, asyncpg.Record]:
    """A new session for the user with this e-mail and password."""
    counted = [(LOGIN_FAILURES_PER_ACCOUNT, email), (LOGIN_FAILURES_PER_ADDRESS, client_address)]
    await throttle.refuse_when_over(ledger, counted, "Too many failed logins; try again later.")
    async with ledger.pool.acquire() as conn:
        candidates = await conn.fetch(
            "select u.*, c.password_hash from users u"
            " left join user_credentials c on c.user_id = u.id"
            " where lower(u.email) = lower($1) and u.is_active"
            " and ($2::uuid is null or u.tenant_id = $2)",
            email.strip(),
            tenant_id,
        )
    matching = []
    for user in candidates or [None]:
        stored = user["password_hash"] if user is not None else None
        ok = await anyio.to_thread.run_sync(verify, stored or DUMMY_HASH, password)
        if ok and stored is not None:
            matching.append(user)
    if len(matching) != 1:  # none, or the same address and password in several tenants
        await throttle.note(ledger, counted)
        raise ApiError(
            "UNAUTHORIZED",
            "E-mail address or password is wrong"
            + (" (name the tenant: tenant_id)." if len(matching) > 1 else "."),
        )
    user = matching[0]
    token = new_token(SESSION_PATTERN_PREFIX)
    now = ledger.clock()
    expires = now + timedelta(hours=SESSION_HOURS)
    async with ledger.pool.acquire() as conn:
        await conn.execute(
            "insert into sessions (id, token_hash, tenant_id, user_id, created_at, expires_at)"
            " values ($1, $2, $3, $4, $5, $6)",
            uuid.uuid4(),
            token_hash(token),
            user["tenant_id"],
            user["id"],
            now,
            expires,
        )
    return token, expires, user


async def logout(ledger: Ledger, token: str) -> None:
    async with ledger.pool.acquire() as conn:
        tenant_id = await conn.fetchval(
            "update sessions set revoked_at = $2 where token_hash = $1 and revoked_at is null"
            " returning tenant_id",
            token_hash(token),
            ledger.clock(),
        )
    if tenant_id is not None and ledger.key_cache is not None:
        ledger.key_cache.drop_tenant(tenant_id)


async def issue_token(
    ledger: Ledger, tenant_id: UUID, user_id: UUID, email: str, purpose: str
) -> None:
    """A one-time token for an invitation or a reset, sent by mail."""
    token = new_token("lt_")
    now = ledger.clock()
    life = timedelta(days=INVITE_DAYS) if purpose == "invite" else timedelta(hours=RESET_HOURS)
    async with ledger.pool.acquire() as conn:
        await conn.execute(
            "insert into auth_tokens (token_hash, tenant_id, user_id, purpose, created_at,"
            " expires_at) values ($1, $2, $3, $4, $5, $6)",
            token_hash(token),
            tenant_id,
            user_id,
            purpose,
            now,
            now + life,
        )
    link = f"{public_url()}/setup-password?token={token}"
    if purpose == "invite":
        subject = "Einladung zur Buchhaltung"
        body = f"Sie wurden eingeladen. Legen Sie Ihr Passwort fest (7 Tage gültig):\n{link}\n"
    else:
        subject = "Passwort zurücksetzen"
        body = f"Setzen Sie Ihr Passwort neu (2 Stunden gültig):\n{link}\n"
    await send_mail(ledger, email, subject, body)


async def request_reset(ledger: Ledger, email: str, client_address: str) -> None:
    """Count the request whether or not the address has an account, then mail the reset link
    to each account it has (one per tenant) — delivered in the background, so the answer
    takes as long either way."""
    counted = [(RESETS_PER_ACCOUNT, email), (RESETS_PER_ADDRESS, client_address)]
    await throttle.refuse_when_over(ledger, counted, "Too many reset requests; try again later.")
    await throttle.note(ledger, counted)
    async with ledger.pool.acquire() as conn:
        users = await conn.fetch(
            "select id, tenant_id, email from users where lower(email) = lower($1) and is_active",
            email.strip(),
        )
    for user in users:
        await issue_token(ledger, user["tenant_id"], user["id"], user["email"], "reset")


async def set_password(ledger: Ledger, token: str, password: str) -> None:
    now = ledger.clock()
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select t.*, u.email from auth_tokens t join users u on u.id = t.user_id"
            " where t.token_hash = $1 and t.used_at is null and t.expires_at > $2"
            " and u.is_active",
            token_hash(token),
            now,
        )
    if row is None:
        raise ApiError("INVALID_TOKEN", "The link is unknown, used or expired: ask for a new one.")
    problems = policy_problems(password, row["email"])
    if problems:
        raise ApiError(
            "PASSWORD_POLICY", "The password needs " + ", ".join(problems) + ".", problems=problems
        )
    password_hash = await anyio.to_thread.run_sync(hash_password, password)
    async with ledger.pool.acquire() as conn, conn.transaction():
        used = await conn.fetchval(
            "update auth_tokens set used_at = $2 where token_hash = $1 and used_at is null"
            " returning 1",
            token_hash(token),
            now,
        )
        if used is None:  # used by a request running at the same time
            raise ApiError("INVALID_TOKEN", "The link was just used.")
        await conn.execute(
            "insert into user_credentials (user_id, password_hash, updated_at)"
            " values ($1, $2, $3) on conflict (user_id) do update"
            " set password_hash = excluded.password_hash, updated_at = excluded.updated_at",
            row["user_id"],
            password_hash,
            now,
        )
        await conn.execute(
            "update sessions set revoked_at = $2 where user_id = $1 and revoked_at is null",
            row["user_id"],
            now,
        )
    await ledger.writers.submit_one(
        SetUserPassword(
            tenant_id=row["tenant_id"],
            actor=Actor(actor_type="user", label=row["email"], user_id=row["user_id"]),
            channel="api",
            user_id=row["user_id"],
            purpose=row["purpose"],
        )
    )
    if ledger.key_cache is not None:
        ledger.key_cache.drop_tenant(row["tenant_id"])


def session_expiry(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) + timedelta(hours=SESSION_HOURS)
