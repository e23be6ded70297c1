"""Responses: JSON with exact decimal numbers."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response
from litestar.serialization import default_serializer


class LedgerResponse(Response):
    """JSON with Decimals written as JSON numbers in exact decimal notation (119.00).

    The reference shows amounts as numbers; writing the Decimal's digits keeps every cent for
    clients that parse numbers exactly, and is still a plain number for everyone else.
    """

    _encoder = msgspec.json.Encoder(enc_hook=default_serializer, decimal_format="number")

    def render(self, content: Any, media_type: str, enc_hook: Any = default_serializer) -> bytes:
        if media_type.startswith("application/json") and not isinstance(content, bytes | str):
            return self._encoder.encode(content)
        return super().render(content, media_type, enc_hook)
