"""The shipped standard charts of accounts, DATEV SKR04 and SKR03.

The data lives in ``ledger/data/charts/{skr04,skr03}.csv`` (package data, read with
importlib.resources). It is derived from the SKR04/SKR03 templates of Odoo's ``l10n_de``
(LGPL-3; account numbers and names are DATEV's) by ``scripts/derive_charts.py``, which types
every account from the HGB § 266 / § 275 line Odoo tags it with, corrects Odoo's outliers and
fills gaps (e.g. SKR04 1600/1800, SKR03 1000/1200). Do not edit the CSVs by hand; change the
script and regenerate from the repository root:

    python scripts/derive_charts.py            # writes ledger/data/charts/*.csv
    python scripts/derive_charts.py --check    # exits 1 if the files are out of date

Columns: ``number,name,name_en,type,category,report_group,automatic``. ``type`` is one of
``ACCOUNT_TYPES``; ``report_group`` is from ``REPORT_GROUPS[type]`` (what the BWA, balance sheet
and P&L group by); ``category`` is the German HGB line; ``automatic`` marks DATEV
Automatikkonten, which carry their own tax key.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files
from typing import Final, NamedTuple

import msgspec

__all__ = [
    "ACCOUNT_TYPES",
    "FRAMEWORKS",
    "FX_DIFFERENCE_ACCOUNTS",
    "OPENING_BALANCE_ACCOUNT",
    "PERSONENKONTEN",
    "REPORT_GROUPS",
    "ChartAccount",
    "NumberRange",
    "PersonenkontenRanges",
    "load_chart",
]

FRAMEWORKS: Final = ("skr04", "skr03")

ACCOUNT_TYPES: Final = ("asset", "liability", "equity", "revenue", "expense")

REPORT_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "asset": (
        "intangible_assets",  # § 266 A I
        "fixed_assets",  # A II Sachanlagen
        "financial_assets",  # A III Finanzanlagen
        "inventory",  # B I Vorräte
        "receivables",  # B II 1-3 Forderungen
        "other_assets",  # B II 4, B III securities, aktive latente Steuern
        "input_vat",  # Vorsteuer and other VAT claims against the tax office
        "cash",  # B IV Kasse, Bank, Schecks
        "prepaid_expenses",  # C aktive Rechnungsabgrenzung
    ),
    "liability": (
        "provisions",  # B Rückstellungen
        "payables",  # C 4 Verbindlichkeiten aus Lieferungen und Leistungen
        "liabilities",  # the other C lines, passive latente Steuern
        "vat_liabilities",  # Umsatzsteuer, USt-Vorauszahlungen, § 13b, USt nicht fällig
        "deferred_income",  # D passive Rechnungsabgrenzung
    ),
    "equity": (
        "equity",  # capital, reserves, Gewinn-/Verlustvortrag, Ergebnisverwendung
        "private",  # Privatkonten (Entnahmen, Einlagen) of sole traders and partners
        "carry_forward",  # 9000-9099 Saldenvorträge
    ),
    "revenue": (
        "revenue",  # § 275 (2) 1 Umsatzerlöse
        "inventory_change",  # 2 Bestandsveränderungen
        "own_work_capitalised",  # 3 andere aktivierte Eigenleistungen
        "other_income",  # 4 sonstige betriebliche Erträge
        "investment_income",  # 9, 10 Erträge aus Beteiligungen, Wertpapieren, Ausleihungen
        "interest_income",  # 11 sonstige Zinsen und ähnliche Erträge
    ),
    "expense": (
        "material_expense",  # 5 Materialaufwand
        "personnel_expense",  # 6 Personalaufwand
        "depreciation",  # 7 Abschreibungen
        "other_opex",  # 8 sonstige betriebliche Aufwendungen
        "financial_write_downs",  # 12 Abschreibungen auf Finanzanlagen und Wertpapiere des UV
        "interest_expense",  # 13 Zinsen und ähnliche Aufwendungen
        "taxes",  # 14 Steuern vom Einkommen und vom Ertrag
        "other_taxes",  # 16 (Odoo: 15) sonstige Steuern, operating in the BWA
    ),
}

OPENING_BALANCE_ACCOUNT: Final = "9000"  # Saldenvorträge, Sachkonten, in both charts


class FxDifferenceAccounts(NamedTuple):
    """Where a settlement books the realized difference between the bank's EUR and the EUR
    value an open item was carried at (Erträge / Aufwendungen aus der Währungsumrechnung)."""

    gain: str
    loss: str


FX_DIFFERENCE_ACCOUNTS: Final[dict[str, FxDifferenceAccounts]] = {
    "skr04": FxDifferenceAccounts(gain="4840", loss="6880"),
    "skr03": FxDifferenceAccounts(gain="2660", loss="2150"),
}

_COLUMNS: Final = ("number", "name", "name_en", "type", "category", "report_group", "automatic")
_BOOLEANS: Final = {"true": True, "false": False}


class ChartAccount(msgspec.Struct, frozen=True, kw_only=True):
    """One account of a shipped standard chart."""

    number: str
    name: str
    name_en: str
    type: str
    category: str
    report_group: str
    automatic: bool


class NumberRange(NamedTuple):
    """An inclusive range of account numbers."""

    first: int
    last: int

    def contains(self, number: str) -> bool:
        """Whether ``number`` (digits, no leading zero) lies in the range."""
        if not (number.isascii() and number.isdigit()) or number.startswith("0"):
            return False
        return self.first <= int(number) <= self.last


class PersonenkontenRanges(NamedTuple):
    """DATEV Personenkonten of a chart with four-digit Sachkonten (five-digit numbers)."""

    customers: NumberRange  # Debitoren
    vendors: NumberRange  # Kreditoren


_DATEV_PERSONENKONTEN: Final = PersonenkontenRanges(
    customers=NumberRange(10000, 69999),
    vendors=NumberRange(70000, 99999),
)

PERSONENKONTEN: Final[dict[str, PersonenkontenRanges]] = {
    framework: _DATEV_PERSONENKONTEN for framework in FRAMEWORKS
}


@cache
def load_chart(framework: str) -> tuple[ChartAccount, ...]:
    """All accounts of a shipped chart, sorted by number; ValueError for unknown frameworks."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"Unknown account framework {framework!r}; expected one of {FRAMEWORKS}")
    resource = files("ledger") / "data" / "charts" / f"{framework}.csv"
    reader = csv.DictReader(io.StringIO(resource.read_text(encoding="utf-8"), newline=""))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise ValueError(f"{framework}.csv: unexpected columns {reader.fieldnames}")
    accounts = []
    for row in reader:
        if row["automatic"] not in _BOOLEANS:
            raise ValueError(
                f"{framework}.csv: account {row['number']}: automatic must be true or false"
            )
        account = ChartAccount(
            number=row["number"],
            name=row["name"],
            name_en=row["name_en"],
            type=row["type"],
            category=row["category"],
            report_group=row["report_group"],
            automatic=_BOOLEANS[row["automatic"]],
        )
        if account.report_group not in REPORT_GROUPS.get(account.type, ()):
            raise ValueError(
                f"{framework}.csv: account {account.number} has type {account.type!r} and "
                f"report_group {account.report_group!r}"
            )
        accounts.append(account)
    return tuple(accounts)
