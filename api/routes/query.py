"""Checks on query parameters that several routes share."""

from __future__ import annotations

from datetime import date

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
