"""The public contact form (seed 002: `POST /v1/contact`)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from schemas.journal import NO_NUL_PATTERN, Wire
from schemas.users import Email


def _text(min_length: int, max_length: int):
    return Annotated[
        str, Meta(min_length=min_length, max_length=max_length, pattern=NO_NUL_PATTERN)
    ]


class ContactIn(Wire, kw_only=True):
    name: _text(1, 200)
    email: Email
    message: _text(1, 5_000)
    # A field people never see (hidden by the form's CSS) and bots fill in: a message that
    # fills it is answered like any other and dropped.
    honeypot: _text(0, 1_000) | None = msgspec.field(default=None, name="_honeypot")
