"""API keys (the Sodium seed's API-key group, reference §1.2): name, scopes, expiry; the
secret is shown once, only its SHA-256 is kept."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from schemas.journal import NO_NUL_PATTERN, Out, Wire

Name = Annotated[str, Meta(min_length=1, max_length=100, pattern=NO_NUL_PATTERN)]
Scopes = Annotated[list[Annotated[str, Meta(max_length=40)]], Meta(min_length=1, max_length=20)]


class ApiKeyIn(Wire, kw_only=True):
    name: Name
    scopes: Scopes
    expires_at: datetime | None = None


class ApiKeyPatchIn(Wire, kw_only=True):
    """Partial: absent fields stay; `expires_at: null` makes the key not expire."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    scopes: Scopes | msgspec.UnsetType = msgspec.UNSET
    expires_at: datetime | msgspec.UnsetType | None = msgspec.UNSET


class ApiKeyOut(Out, kw_only=True):
    id: UUID
    name: str
    key_prefix: str
    scopes: list[str]
    user_id: UUID
    user_email: str
    expires_at: datetime | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None  # to the minute


class ApiKeyCreatedOut(ApiKeyOut, kw_only=True):
    secret: str  # shown this once


class ApiKeysOut(Out, kw_only=True):
    api_keys: list[ApiKeyOut]
