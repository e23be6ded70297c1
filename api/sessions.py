"""Logging in: sessions (bearer tokens like API keys, with the user's role), one-time tokens
for invitations and resets, throttling of failed attempts, and the mails that carry the
tokens (docs/api.md, "Login and passwords").

An answer never tells whether an address has an account: a wrong password and an unknown
address give the same 401 after the same work (a password is verified either way), and a
reset request gets the same answer for both.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import smtplib
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Final
from urllib.parse import urlparse
from uuid import UUID

import anyio.to_thread
import asyncpg

from api.bootstrap import Ledger
from api.errors import ApiError
from ledger.events import Actor
from ledger.intents import SetUserPassword
from ledger.passwords import DUMMY_HASH, hash_password, policy_problems, verify

SESSION_HOURS: Final = 12
INVITE_DAYS: Final = 7
RESET_HOURS: Final = 2
FAILURES_PER_ACCOUNT: Final = 5  # within the window, then 429
FAILURES_PER_ADDRESS: Final = 20
FAILURE_WINDOW: Final = timedelta(minutes=15)
SESSION_PATTERN_PREFIX: Final = "ls_"


def new_token(prefix: str) -> str:
    return prefix + secrets.token_hex(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def login(
    ledger: Ledger, email: str, password: str, client_address: str, tenant_id: UUID | None
) -> tuple[str, datetime, asyncpg.Record]:
    """A new session for the user with this e-mail and password."""
    keys = [f"email:{email.strip().lower()}", f"ip:{client_address}"]
    await _refuse_when_throttled(ledger, keys)
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
        await _note_failure(ledger, keys)
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


async def request_reset(ledger: Ledger, email: str) -> None:
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


async def send_mail(ledger: Ledger, recipient: str, subject: str, body: str) -> None:
    """Into the outbox; and by SMTP when LEDGER_SMTP_URL (smtp://host:port) is set."""
    mail_id = uuid.uuid4()
    async with ledger.pool.acquire() as conn:
        await conn.execute(
            "insert into mail_outbox (id, recipient, subject, body, created_at)"
            " values ($1, $2, $3, $4, $5)",
            mail_id,
            recipient,
            subject,
            body,
            ledger.clock(),
        )
    url = os.environ.get("LEDGER_SMTP_URL")
    if not url:
        return
    message = EmailMessage()
    message["From"] = os.environ.get("LEDGER_MAIL_FROM", "ledger@localhost")
    message["To"], message["Subject"] = recipient, subject
    message.set_content(body)
    parsed = urlparse(url)

    def deliver() -> None:
        with smtplib.SMTP(parsed.hostname or "localhost", parsed.port or 25, timeout=30) as smtp:
            smtp.send_message(message)

    await anyio.to_thread.run_sync(deliver)
    async with ledger.pool.acquire() as conn:
        await conn.execute(
            "update mail_outbox set sent_at = $2 where id = $1", mail_id, ledger.clock()
        )


def public_url() -> str:
    return os.environ.get("LEDGER_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


async def _refuse_when_throttled(ledger: Ledger, keys: list[str]) -> None:
    since = ledger.clock() - FAILURE_WINDOW
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            "select key, count(*) as failures, min(at) as first from auth_failures"
            " where key = any($1::text[]) and at > $2 group by key",
            keys,
            since,
        )
    for row in rows:
        limit = FAILURES_PER_ACCOUNT if row["key"].startswith("email:") else FAILURES_PER_ADDRESS
        if row["failures"] >= limit:
            retry = row["first"] + FAILURE_WINDOW - ledger.clock()
            raise ApiError(
                "TOO_MANY_ATTEMPTS",
                "Too many failed logins; try again later.",
                retry_after=max(1, int(retry.total_seconds()) + 1),
            )


async def _note_failure(ledger: Ledger, keys: list[str]) -> None:
    now = ledger.clock()
    async with ledger.pool.acquire() as conn:
        await conn.executemany(
            "insert into auth_failures (key, at) values ($1, $2)", [(key, now) for key in keys]
        )
        await conn.execute("delete from auth_failures where at < $1", now - FAILURE_WINDOW * 4)


def session_expiry(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) + timedelta(hours=SESSION_HOURS)
