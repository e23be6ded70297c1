"""Users of the tenant (scope admin): list; the owner and admins invite users, change their
role and deactivate them — a deactivated user's keys stop working at once. Every change is an
event."""

from __future__ import annotations

import uuid

import asyncpg
from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger, create_user
from api.errors import ApiError
from api.sessions import issue_token
from ledger.intents import ChangeUserRole, DeactivateUser
from schemas.users import UserIn, UserOut, UserPatchIn, UsersOut

TAGS = ["Access"]
ADMIN = {"scope": "admin"}
MANAGERS = frozenset({"owner", "admin"})


@get("/users", operation_id="GetUsers", opt=ADMIN, tags=TAGS)
async def list_users(caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]) -> UsersOut:
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            "select * from users where tenant_id = $1 order by created_at, id", caller.tenant_id
        )
    return UsersOut(users=[user_out(row) for row in rows])


@post("/users", operation_id="PostUser", opt=ADMIN, status_code=201, tags=TAGS)
async def invite_user(
    data: JSONBody[UserIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> UserOut:
    """Invite a user with the role admin or member (the owner exists from the tenant's start):
    a mail with a one-time link to set the password; an e-mail already used in the tenant:
    409 `DUPLICATE_EMAIL`."""
    _require_manager(caller)
    user_id = await create_user(
        ledger,
        caller.tenant_id,
        email=data.email,
        name=data.name,
        role=data.role,
        actor=caller.actor,
        channel="api",
    )
    await issue_token(ledger, caller.tenant_id, user_id, data.email, "invite")
    return await _read(ledger, caller, user_id)


@patch("/users/{user_id:str}", operation_id="PatchUser", opt=ADMIN, tags=TAGS)
async def change_role(
    user_id: FromPath[str],
    data: JSONBody[UserPatchIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> UserOut:
    _require_manager(caller)
    parsed = convert.require_uuid(user_id, "user")
    await _read(ledger, caller, parsed)
    await ledger.writers.submit_one(
        ChangeUserRole(**caller.stamp(), user_id=parsed, role=data.role)
    )
    _forget_keys(ledger, caller)
    return await _read(ledger, caller, parsed)


@delete("/users/{user_id:str}", operation_id="DeleteUser", opt=ADMIN, status_code=200, tags=TAGS)
async def deactivate_user(
    user_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> UserOut:
    """Deactivate the user: their keys stop working with the next request; the user stays in
    the history (who posted what)."""
    _require_manager(caller)
    parsed = convert.require_uuid(user_id, "user")
    await _read(ledger, caller, parsed)
    await ledger.writers.submit_one(DeactivateUser(**caller.stamp(), user_id=parsed))
    _forget_keys(ledger, caller)
    return await _read(ledger, caller, parsed)


def _require_manager(caller: Caller) -> None:
    if caller.role not in MANAGERS:
        raise ApiError("FORBIDDEN", "Only the owner or an admin manages users.", role=caller.role)


def _forget_keys(ledger: Ledger, caller: Caller) -> None:
    if ledger.key_cache is not None:  # this process at once; the others by NOTIFY
        ledger.key_cache.drop_tenant(caller.tenant_id)


async def _read(ledger: Ledger, caller: Caller, user_id: uuid.UUID) -> UserOut:
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select * from users where tenant_id = $1 and id = $2", caller.tenant_id, user_id
        )
    if row is None:
        raise ApiError("USER_NOT_FOUND", "No user with this id exists.", user_id=str(user_id))
    return user_out(row)


def user_out(row: asyncpg.Record) -> UserOut:
    return UserOut(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=row["role"],
        is_active=row["is_active"],
        created_at=row["created_at"],
    )


ROUTES = [list_users, invite_user, change_role, deactivate_user]
