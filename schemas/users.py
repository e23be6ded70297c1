"""Users of a tenant (reference §1.2/§3.8): invite, change the role, deactivate."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta

from schemas.journal import NO_NUL_PATTERN, Out, Wire

# Local part @ domain . tld, without spaces or control characters (NUL cannot be stored).
EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"
Email = Annotated[str, Meta(max_length=254, pattern=EMAIL_PATTERN)]


class UserIn(Wire, kw_only=True):
    email: Email
    name: Annotated[str, Meta(min_length=1, max_length=200, pattern=NO_NUL_PATTERN)]
    role: Literal["admin", "member"] = "member"


class UserPatchIn(Wire, kw_only=True):
    role: Literal["admin", "member"]


class UserOut(Out, kw_only=True):
    id: UUID
    email: str
    name: str
    role: Literal["owner", "admin", "member", "viewer"]
    is_active: bool
    created_at: datetime


class UsersOut(Out, kw_only=True):
    users: list[UserOut]
