"""Text in our CSV exports (DATEV, GDPdU) that a spreadsheet would run as a formula gets an
apostrophe in front (CSV injection, OWASP): `=HYPERLINK(…)` arrives as `'=HYPERLINK(…)`."""

from __future__ import annotations

from typing import Final

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
