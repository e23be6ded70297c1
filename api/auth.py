"""Bearer API keys and scopes: who is calling, for which tenant, allowed to do what.

A key is `ll_` + 64 hex characters. Only its SHA-256 is stored (the key carries 256 random
bits, so a fast hash is enough; passwords, which do not, get argon2id). Every `/v1` route
declares the scope it needs in `opt["scope"]`; the router-level guard `authorize` checks it.
401 without a valid key, 403 without the scope (reference §1.3).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Final
from uuid import UUID

import asyncpg
import msgspec
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from api.errors import ApiError
from api.key_cache import KeyCache
from api.rate_limit import TokenBuckets
from ledger.events import Actor
from projections import queries

KEY_PATTERN: Final = re.compile(r"^l[ls]_[0-9a-f]{64}$")  # ll_: an API key; ls_: a session
KEY_PREFIX_CHARS: Final = 11  # "ll_" + 8 hex: shown in lists and provenance
MODULES: Final = (
    "journal",
    "bank",
    "debitoren",
    "kreditoren",
    "perioden",
    "auswertungen",
    "config",
    "practice",  # ours: the practice API of a partner firm (docs/api.md, "Practice")
)
SCOPES: Final = (
    *(
        f"{module}:{action}"
        for module in MODULES
        for action in ("read", "write")
        if (module, action) != ("auswertungen", "write")  # reports are read-only
    ),
    "admin",
)


class Caller(msgspec.Struct, frozen=True, kw_only=True):
    tenant_id: UUID
    user_id: UUID
    role: str
    key_id: UUID
    label: str
    key_prefix: str
    scopes: frozenset[str]
    session: bool = False  # a login session (not an API key)
    expires_at: datetime | None = None
    acting_for: UUID | None = None  # the partner firm, when working in a client's books

    @property
    def actor(self) -> Actor:
        # In a client's books the firm is named: the user and key are the firm's, not the client's.
        firm = f" (partner firm {self.acting_for})" if self.acting_for else ""
        return Actor(
            actor_type="user" if self.session else "api_key",
            label=self.label + firm,
            user_id=self.user_id,
            key_prefix=None if self.session else self.key_prefix,
        )

    def stamp(self) -> dict:
        """Who asks, as every intent from the API carries it."""
        return {"tenant_id": self.tenant_id, "actor": self.actor, "channel": "api"}

    def may(self, scope: str) -> bool:
        return scope_granted(self.scopes, scope)


def new_api_key() -> str:
    return "ll_" + secrets.token_hex(32)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str:
    return key[:KEY_PREFIX_CHARS]


def scope_granted(granted: frozenset[str] | set[str], required: str) -> bool:
    """`admin` covers everything; `module:write` includes `module:read` (docs/api.md)."""
    if "admin" in granted or required in granted:
        return True
    module, _, action = required.partition(":")
    return action == "read" and f"{module}:write" in granted


def required_scopes(handler: BaseRouteHandler) -> tuple[str, ...]:
    """Any one of these suffices. A /v1 route without a declared scope is a bug."""
    scope = handler.opt.get("scope")
    assert scope, f"route {handler} declares no scope"
    return (scope,) if isinstance(scope, str) else tuple(scope)


async def authorize(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    if handler.opt.get("public"):
        return
    if connection.scope["method"] == "OPTIONS" and "scope" not in handler.opt:
        return  # Litestar's own OPTIONS answer (204 + Allow, no data); preflights send no key
    scopes = required_scopes(handler)
    token = _bearer_token(connection.headers.get("authorization"))
    caller = await _caller_for(connection, token)
    _refuse_when_over_limit(connection, caller)
    entity = connection.headers.get(ENTITY_HEADER)
    if entity and connection.scope["path"].startswith("/v1/"):
        caller = await _acting_for(connection, caller, entity)
    self_service = caller.session and handler.opt.get("self_service")
    if not self_service and not any(caller.may(scope) for scope in scopes):
        raise ApiError(
            "FORBIDDEN",
            f"This API key lacks the scope {' or '.join(scopes)}.",
            required_scopes=list(scopes),
        )
    connection.state.caller = caller


ENTITY_HEADER: Final = "x-entity-id"


async def _acting_for(connection: ASGIConnection, caller: Caller, entity: str) -> Caller:
    """A partner firm's key or session working in a client entity's books (`X-Entity-Id`):
    the same scopes but access control (users, keys, master data stay the client's own)."""
    try:
        entity_id = UUID(entity)
    except ValueError:
        raise ApiError("INVALID_INPUT", "X-Entity-Id must be an entity id (a UUID).") from None
    if entity_id == caller.tenant_id:
        return caller
    linked = await connection.app.state.ledger.pool.fetchval(
        "select 1 from practice_clients c join practice_firms f on f.tenant_id = c.firm_id"
        " where c.firm_id = $1 and c.client_id = $2 and f.is_active",
        caller.tenant_id,
        entity_id,
    )
    if not linked:
        raise ApiError(
            "CLIENT_NOT_FOUND",
            "X-Entity-Id names no client entity of your partner firm.",
            entity_id=entity,
        )
    return msgspec.structs.replace(
        caller,
        tenant_id=entity_id,
        scopes=capped_by_role(list(caller.scopes), "member"),
        acting_for=caller.tenant_id,
    )


def _refuse_when_over_limit(connection: ASGIConnection, caller: Caller) -> None:
    buckets: TokenBuckets | None = connection.app.state.rate_limits
    if buckets is None:
        return
    wait = buckets.take(caller.key_id)
    if wait:
        raise ApiError(
            "RATE_LIMITED",
            f"Too many requests with this {'session' if caller.session else 'API key'}: "
            f"at most {buckets.per_minute} a minute ({buckets.burst} at once). For many "
            "bookings use POST /v1/bookings/batch.",
            retry_after=buckets.retry_after(wait),
        )


def _bearer_token(header: str | None) -> str:
    if not header:
        raise ApiError("UNAUTHORIZED", "Send an API key as 'Authorization: Bearer ll_…'.")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not KEY_PATTERN.match(token):
        raise ApiError("UNAUTHORIZED", "The Authorization header is not a valid Bearer API key.")
    return token


async def _caller_for(connection: ASGIConnection, token: str) -> Caller:
    ledger = connection.app.state.ledger
    key_hash = hash_api_key(token)
    cache: KeyCache | None = ledger.key_cache
    caller = cache.get(key_hash) if cache is not None else None
    if not isinstance(caller, Caller):
        lookup = _session_lookup if token.startswith("ls_") else _lookup
        caller = await lookup(ledger.pool, key_hash)
        if cache is not None:
            cache.put(key_hash, caller)
    if caller.expires_at is not None and caller.expires_at <= datetime.now(UTC):
        raise ApiError("UNAUTHORIZED", "The API key has expired.")
    if not caller.session:
        await _note_use(ledger.pool, caller.key_id)
    return caller


USAGE_RESOLUTION_S: Final = 60.0  # last_used_at is kept to the minute: one write per key and minute
_noted: dict[UUID, float] = {}


async def _note_use(pool: asyncpg.Pool, key_id: UUID) -> None:
    """Keep `last_used_at` (telemetry, not an event), at most once a minute per key."""
    now = time.monotonic()
    if now - _noted.get(key_id, -USAGE_RESOLUTION_S) < USAGE_RESOLUTION_S:
        return
    _noted[key_id] = now
    await pool.execute(
        "insert into api_key_usage (key_id, last_used_at) values ($1, now())"
        " on conflict (key_id) do update set last_used_at = excluded.last_used_at",
        key_id,
    )


async def _lookup(pool: asyncpg.Pool, key_hash: str) -> Caller:
    async with pool.acquire() as conn:
        row = await queries.api_key_by_hash(conn, key_hash)
    if row is None or row["revoked_at"] is not None or not row["user_active"]:
        raise ApiError("UNAUTHORIZED", "The API key is unknown or has been revoked.")
    return Caller(
        tenant_id=row["tenant_id"],
        user_id=row["user_id"],
        role=row["role"],
        key_id=row["id"],
        label=row["label"],
        key_prefix=row["key_prefix"],
        scopes=capped_by_role(row["scopes"], row["role"]),
        expires_at=row["expires_at"],
    )


def capped_by_role(key_scopes: list[str], role: str) -> frozenset[str]:
    """What a key may do: its scopes, but never more than its user's role allows — so a
    member's key never acts as admin, also when an admin who made it was demoted."""
    granted = frozenset(key_scopes)
    allowed = ROLE_SCOPES[role]
    if "admin" in allowed:
        return granted
    return frozenset(s for s in SCOPES if scope_granted(granted, s) and scope_granted(allowed, s))


# What a session may do follows the user's role: owners and admins everything, members every
# module but access control, viewers (invited by a firm to a client entity) read only
# (docs/api.md, "Login and passwords").
MEMBER_SCOPES: Final = frozenset(s for s in SCOPES if s != "admin")
VIEWER_SCOPES: Final = frozenset(s for s in SCOPES if s.endswith(":read"))
ROLE_SCOPES: Final = {
    "owner": frozenset({"admin"}),
    "admin": frozenset({"admin"}),
    "member": MEMBER_SCOPES,
    "viewer": VIEWER_SCOPES,
}


async def _session_lookup(pool: asyncpg.Pool, token_hash: str) -> Caller:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "select s.id, s.tenant_id, s.user_id, s.expires_at, u.role, u.email, u.is_active"
            " from sessions s join users u on u.id = s.user_id"
            " where s.token_hash = $1 and s.revoked_at is null",
            token_hash,
        )
    if row is None or not row["is_active"]:
        raise ApiError("UNAUTHORIZED", "The session is unknown or has ended; log in again.")
    return Caller(
        tenant_id=row["tenant_id"],
        user_id=row["user_id"],
        role=row["role"],
        key_id=row["id"],
        label=f"session {row['email']}",
        key_prefix="ls_session",
        scopes=ROLE_SCOPES[row["role"]],
        expires_at=row["expires_at"],
        session=True,
    )


def caller_of(connection: ASGIConnection) -> Caller:
    return connection.state.caller
