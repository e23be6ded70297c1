"""API keys (scope admin, or a user's own login session): list, create (the secret shown
once), read, change (name, scopes, expiry) and revoke. A key never gets a scope its creator
lacks (a member's never `admin`); members see and manage only their own keys, owners and
admins all of the tenant's."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import msgspec
from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api import convert
from api.auth import SCOPES, Caller, scope_granted
from api.bootstrap import Ledger, issue_key, revoke_key
from api.errors import ApiError
from ledger.intents import ChangeApiKey
from schemas.api_keys import ApiKeyCreatedOut, ApiKeyIn, ApiKeyOut, ApiKeyPatchIn, ApiKeysOut

TAGS = ["Access"]
# Every user manages their own keys from their login session (members too); with an API key
# it takes the admin scope. Owners and admins see and manage every key of the tenant.
ADMIN = {"scope": "admin", "self_service": True}
MANAGES_ALL = frozenset({"owner", "admin"})
_KEY_COLUMNS = (
    "select k.*, u.email, g.last_used_at from api_keys k join users u on u.id = k.user_id"
    " left join api_key_usage g on g.key_id = k.id where k.tenant_id = $1"
)


@get("/api-keys", operation_id="GetApiKeys", opt=ADMIN, tags=TAGS)
async def list_keys(caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]) -> ApiKeysOut:
    """The caller's keys — all of the tenant's for an owner or admin — newest first."""
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            f"{_KEY_COLUMNS} and ($2::uuid is null or k.user_id = $2)"
            " order by k.created_at desc, k.id",
            caller.tenant_id,
            None if caller.role in MANAGES_ALL else caller.user_id,
        )
    return ApiKeysOut(api_keys=[key_out(row) for row in rows])


@post("/api-keys", operation_id="PostApiKey", opt=ADMIN, status_code=201, tags=TAGS)
async def create_key(
    data: JSONBody[ApiKeyIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ApiKeyCreatedOut:
    """A new key of the caller's user; `secret` is shown this once."""
    scopes = _checked_scopes(caller, data.scopes)
    _check_expiry(data.expires_at)
    issued = await issue_key(
        ledger,
        caller.tenant_id,
        caller.user_id,
        label=data.name,
        scopes=scopes,
        expires_at=data.expires_at,
        actor=caller.actor,
        channel="api",
    )
    key = await _read(ledger, caller, issued.key_id)
    return ApiKeyCreatedOut(**msgspec.structs.asdict(key), secret=issued.secret)


@get("/api-keys/{key_id:str}", operation_id="GetApiKey", opt=ADMIN, tags=TAGS)
async def get_key(
    key_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ApiKeyOut:
    return await _read(ledger, caller, convert.require_uuid(key_id, "API key"))


@patch("/api-keys/{key_id:str}", operation_id="PatchApiKey", opt=ADMIN, tags=TAGS)
async def change_key(
    key_id: FromPath[str],
    data: JSONBody[ApiKeyPatchIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> ApiKeyOut:
    """Change the name, scopes (never beyond the caller's) or expiry of a key that is not
    revoked; the key keeps its secret."""
    parsed = convert.require_uuid(key_id, "API key")
    key = await _read(ledger, caller, parsed)
    if key.revoked_at is not None:
        raise ApiError("API_KEY_NOT_FOUND", "The API key was revoked.", key_id=str(parsed))
    name = key.name if isinstance(data.name, msgspec.UnsetType) else data.name
    scopes = (
        tuple(key.scopes)
        if isinstance(data.scopes, msgspec.UnsetType)
        else _checked_scopes(caller, data.scopes)
    )
    expires = key.expires_at if isinstance(data.expires_at, msgspec.UnsetType) else data.expires_at
    if expires != key.expires_at:
        _check_expiry(expires)
    if (name, sorted(scopes), expires) == (key.name, sorted(key.scopes), key.expires_at):
        raise ApiError("NO_CHANGES", "The key already says so.", key_id=str(parsed))
    await ledger.writers.submit_one(
        ChangeApiKey(**caller.stamp(), key_id=parsed, label=name, scopes=scopes, expires_at=expires)
    )
    if ledger.key_cache is not None:  # this process at once; the others by NOTIFY
        ledger.key_cache.drop_tenant(caller.tenant_id)
    return await _read(ledger, caller, parsed)


@delete(
    "/api-keys/{key_id:str}", operation_id="DeleteApiKey", opt=ADMIN, status_code=200, tags=TAGS
)
async def revoke(
    key_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ApiKeyOut:
    """Revoke the key: it stops working at once (every server process); revoking it again
    answers the same."""
    parsed = convert.require_uuid(key_id, "API key")
    await _read(ledger, caller, parsed)
    await revoke_key(ledger, caller.tenant_id, parsed, actor=caller.actor, channel="api")
    return await _read(ledger, caller, parsed)


def _checked_scopes(caller: Caller, requested: list[str]) -> tuple[str, ...]:
    unknown = sorted(set(requested) - set(SCOPES))
    if unknown:
        raise ApiError("INVALID_INPUT", f"Unknown scopes: {', '.join(unknown)}.", scopes=unknown)
    beyond = sorted(s for s in set(requested) if not scope_granted(caller.scopes, s))
    if beyond:
        raise ApiError(
            "FORBIDDEN",
            "A key cannot get scopes its creator lacks: " + ", ".join(beyond) + ".",
            scopes=beyond,
        )
    return tuple(sorted(set(requested)))


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is None:
        return
    if expires_at.tzinfo is None:
        raise ApiError("INVALID_INPUT", "expires_at needs a time zone, e.g. …Z.")
    if expires_at <= datetime.now(UTC):
        raise ApiError("INVALID_INPUT", "expires_at lies in the past.")


async def _read(ledger: Ledger, caller: Caller, key_id: uuid.UUID) -> ApiKeyOut:
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow(f"{_KEY_COLUMNS} and k.id = $2", caller.tenant_id, key_id)
    if row is None or (caller.role not in MANAGES_ALL and row["user_id"] != caller.user_id):
        raise ApiError("API_KEY_NOT_FOUND", "No API key with this id exists.", key_id=str(key_id))
    return key_out(row)


def key_out(row: asyncpg.Record) -> ApiKeyOut:
    return ApiKeyOut(
        id=row["id"],
        name=row["label"],
        key_prefix=row["key_prefix"],
        scopes=list(row["scopes"]),
        user_id=row["user_id"],
        user_email=row["email"],
        expires_at=row["expires_at"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
    )


ROUTES = [list_keys, create_key, get_key, change_key, revoke]
