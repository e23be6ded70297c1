"""OpenAPI: what Litestar cannot infer about our wire format — exact decimals and errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

from schemas.errors import ErrorEnvelope


class DecimalSchemaPlugin(OpenAPISchemaPlugin):
    """Amounts: JSON numbers in exact decimal notation out; numbers or numeric strings in."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is Decimal

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return Schema(
            type=[OpenAPIType.NUMBER, OpenAPIType.STRING],
            description="Exact decimal (e.g. 119.00). Sent as a number or a numeric string; "
            "answered as a number with its digits.",
        )


def _error(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=ErrorEnvelope, description=description, generate_examples=False
    )


ERROR_RESPONSES: Final = {
    400: _error("Invalid input or a broken booking rule; `error.code` names it."),
    401: _error("No valid API key (UNAUTHORIZED)."),
    403: _error("The key lacks the scope (FORBIDDEN)."),
    404: _error("Not found in this tenant (NOT_FOUND or a more specific code)."),
    409: _error("Conflict: duplicate, already reversed, idempotency key reused, …"),
    413: _error("The body is larger than this route takes (PAYLOAD_TOO_LARGE, `max_bytes`)."),
    429: _error(
        "Too many requests (RATE_LIMITED per key or session; TOO_MANY_ATTEMPTS on the public "
        "routes); retry after `Retry-After` seconds."
    ),
    503: _error("Busy or database unavailable; retry after `Retry-After` seconds."),
}
