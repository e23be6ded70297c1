"""The system tax codes every tenant gets, per chart (accounts from formats.md §5.5).

Codes are matched case-insensitively (`VST19` finds `VSt19`). Rates are basis points of a
percent. Self-assessing codes (intra-EU acquisition, § 13b) carry both accounts.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class SystemTaxCode(NamedTuple):
    code: str
    label: str
    rate_bp: int
    kind: str
    skr04: tuple[str | None, str | None]  # (vat_account, self_assess_account)
    skr03: tuple[str | None, str | None]


SYSTEM_TAX_CODES: Final = (
    SystemTaxCode("VSt19", "Vorsteuer 19 %", 1900, "input", ("1406", None), ("1576", None)),
    SystemTaxCode("VSt7", "Vorsteuer 7 %", 700, "input", ("1401", None), ("1571", None)),
    SystemTaxCode("USt19", "Umsatzsteuer 19 %", 1900, "output", ("3806", None), ("1776", None)),
    SystemTaxCode("USt7", "Umsatzsteuer 7 %", 700, "output", ("3801", None), ("1771", None)),
    SystemTaxCode(
        "VSt-igE19",
        "Innergemeinschaftlicher Erwerb 19 % (Vorsteuer und Umsatzsteuer)",
        1900,
        "intra_eu_acquisition",
        ("1404", "3804"),
        ("1574", "1774"),
    ),
    SystemTaxCode(
        "VSt-igE7",
        "Innergemeinschaftlicher Erwerb 7 % (Vorsteuer und Umsatzsteuer)",
        700,
        "intra_eu_acquisition",
        ("1402", "3802"),
        ("1572", "1772"),
    ),
    SystemTaxCode(
        "VSt-13b19",
        "Steuerschuldnerschaft des Leistungsempfängers § 13b UStG 19 %",
        1900,
        "reverse_charge",
        ("1407", "3837"),
        ("1577", "1787"),
    ),
    SystemTaxCode(
        "USt0-igL",
        "Steuerfreie innergemeinschaftliche Lieferung (§ 4 Nr. 1b UStG)",
        0,
        "tax_free_intra_eu",
        (None, None),
        (None, None),
    ),
    SystemTaxCode(
        "USt0-Ausfuhr",
        "Steuerfreie Ausfuhrlieferung (§ 4 Nr. 1a UStG)",
        0,
        "tax_free_export",
        (None, None),
        (None, None),
    ),
    SystemTaxCode(
        "USt0-frei",
        "Steuerfreier Umsatz ohne Vorsteuerabzug (§ 4 Nr. 8 ff. UStG)",
        0,
        "tax_free",
        (None, None),
        (None, None),
    ),
)


def system_tax_codes(framework: str) -> tuple[SystemTaxCode, ...]:
    assert framework in ("skr04", "skr03")
    return SYSTEM_TAX_CODES
