"""Login, logout and passwords (reference §1.2, §1.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta

from schemas.journal import Out, Wire

NO_CONTROL_PATTERN = r"^[^\x00-\x1f\x7f]*$"
Email = Annotated[str, Meta(min_length=3, max_length=254, pattern=NO_CONTROL_PATTERN)]
Password = Annotated[str, Meta(min_length=1, max_length=1024)]


class LoginIn(Wire, kw_only=True):
    email: Email
    password: Password
    tenant_id: UUID | None = None  # when the address has accounts in several tenants


class SessionUserOut(Out, kw_only=True):
    id: UUID
    email: str
    role: Literal["owner", "admin", "member", "viewer"]
    tenant_id: UUID


class SessionOut(Out, kw_only=True):
    token: str  # send as `Authorization: Bearer <token>`, like an API key
    expires_at: datetime
    user: SessionUserOut


class ForgotIn(Wire, kw_only=True):
    email: Email


class SetupPasswordIn(Wire, kw_only=True):
    token: Annotated[str, Meta(min_length=1, max_length=200)]
    password: Password


class OkOut(Out, kw_only=True):
    ok: bool
    message: str | None = None
