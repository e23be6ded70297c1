"""Checks on query parameters that several routes share."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from litestar.params import QueryParameter

from api.errors import ApiError


def require_date_range(start: date | None, end: date | None) -> None:
    """startDate after endDate is a mistake to report, not an empty answer."""
    if start is not None and end is not None and start > end:
        raise ApiError(
            "INVALID_INPUT",
            "startDate must not be after endDate.",
            startDate=start.isoformat(),
            endDate=end.isoformat(),
        )


AsOfQuery = Annotated[
    datetime | None,
    QueryParameter(
        name="as_of",
        description="Knowledge time: answer as the books stood then (ISO 8601 with offset).",
    ),
]


def require_zoned(as_of: datetime | None) -> None:
    """A knowledge time without a zone would be read in some server's zone: refuse it."""
    if as_of is not None and as_of.tzinfo is None:
        raise ApiError(
            "INVALID_INPUT",
            "as_of needs a time zone, e.g. 2026-03-31T23:59:59+02:00 or …Z.",
            as_of=as_of.isoformat(),
        )
