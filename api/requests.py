"""The request class of the app: Litestar's, with a JSON decode that refuses runaway nesting.

Litestar decodes a JSON body into plain values before it converts them to the route's type,
and that first decode recurses once per level: a body of 100,000 brackets would end in a
RecursionError, a 500. Here it is a 400 instead — at no cost to any other request. What a
route accepts is bounded far lower by its type (limits.JSON_DEPTH_MAX, checked per route).
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from api.errors import ApiError
from schemas import limits


class LedgerRequest(Request):
    async def json(self) -> Any:
        try:
            return await super().json()
        except RecursionError:
            raise ApiError(
                "INVALID_INPUT",
                f"The JSON body nests too deeply (no request needs more than "
                f"{limits.JSON_DEPTH_MAX} levels).",
                max_depth=limits.JSON_DEPTH_MAX,
            ) from None
