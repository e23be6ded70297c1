"""Derive the shipped standard charts SKR04 and SKR03 from the Odoo reference CSVs.

Usage, from the repository root:

    python scripts/derive_charts.py [SOURCE_DIR] [--out DIR] [--check]

SOURCE_DIR holds ``skr04.csv`` and ``skr03.csv`` as described in
``../shared/reference/charts/README.md`` (Odoo ``l10n_de``, LGPL-3; default
``../shared/reference/charts``). The script writes ``ledger/data/charts/skr04.csv`` and
``ledger/data/charts/skr03.csv`` with the columns
``number,name,name_en,type,category,report_group,automatic``; ``--check`` only compares and
exits with status 1 when a committed file differs from what the source gives.

Odoo's data is treated as reference, not as our model. How the columns are derived:

* ``type`` and ``category`` follow the HGB line the Odoo tag points to: the ``asset_bs_*`` /
  ``liabilities_bs_*`` tags are the § 266 balance-sheet lines, ``pl_01``-``pl_15`` the § 275
  (Gesamtkostenverfahren) P&L lines. The line decides the type, so contra accounts keep the type
  of the line they are reported in (Erlösschmälerungen stay revenue, tax refunds stay in the tax
  expense line, "Erlöse ... (bei Buchverlust)" stay in sonstige betriebliche Aufwendungen).
  Odoo's ``account_type`` is not used for typing; its outliers (capital and private accounts as
  liability_current, VAT payables tagged as an asset line, 9xxx as income) are listed in the
  README and are corrected by this rule plus the explicit tables below.
* ``report_group`` comes from the fixed vocabulary ``ledger.chart.REPORT_GROUPS``.
* ``automatic`` marks the DATEV Automatikkonten (formats.md § 5.5).

Every deviation from the source is a named entry in one of the tables below, with its reason.
The output is sorted by account number as a string, UTF-8, LF line ends, minimal quoting.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE: Final = REPO_ROOT.parent / "shared" / "reference" / "charts"
DEFAULT_OUT: Final = REPO_ROOT / "ledger" / "data" / "charts"

FRAMEWORKS: Final = ("skr04", "skr03")
SOURCE_COLUMNS: Final = (
    "code",
    "name_de",
    "name_en",
    "odoo_account_type",
    "balance_sheet_tags",
    "reconcile",
)
OUTPUT_COLUMNS: Final = (
    "number",
    "name",
    "name_en",
    "type",
    "category",
    "report_group",
    "automatic",
)
NAME_MAX: Final = 255
CATEGORY_MAX: Final = 100
REPORT_GROUP_MAX: Final = 40

# --- HGB lines ---------------------------------------------------------------------------------
# tag -> (type, report_group, category). Categories are the § 266 / § 275 HGB line names,
# shortened where the statutory wording is longer than 100 characters.

BALANCE_SHEET_LINES: Final[Mapping[str, tuple[str, str, str]]] = {
    # Aktiva, § 266 Abs. 2 HGB
    "asset_bs_A_I_1": (
        "asset",
        "intangible_assets",
        "Selbst geschaffene gewerbliche Schutzrechte und ähnliche Rechte und Werte",
    ),
    "asset_bs_A_I_2": (
        "asset",
        "intangible_assets",
        "Entgeltlich erworbene Konzessionen, Schutzrechte, Lizenzen und ähnliche Rechte und Werte",
    ),
    "asset_bs_A_I_3": ("asset", "intangible_assets", "Geschäfts- oder Firmenwert"),
    "asset_bs_A_I_4": (
        "asset",
        "intangible_assets",
        "Geleistete Anzahlungen auf immaterielle Vermögensgegenstände",
    ),
    "asset_bs_A_II_1": (
        "asset",
        "fixed_assets",
        "Grundstücke, grundstücksgleiche Rechte und Bauten einschließlich der Bauten auf fremden "
        "Grundstücken",
    ),
    "asset_bs_A_II_2": ("asset", "fixed_assets", "Technische Anlagen und Maschinen"),
    "asset_bs_A_II_3": (
        "asset",
        "fixed_assets",
        "Andere Anlagen, Betriebs- und Geschäftsausstattung",
    ),
    "asset_bs_A_II_4": ("asset", "fixed_assets", "Geleistete Anzahlungen und Anlagen im Bau"),
    "asset_bs_A_III_1": ("asset", "financial_assets", "Anteile an verbundenen Unternehmen"),
    "asset_bs_A_III_2": ("asset", "financial_assets", "Ausleihungen an verbundene Unternehmen"),
    "asset_bs_A_III_3": ("asset", "financial_assets", "Beteiligungen"),
    "asset_bs_A_III_4": (
        "asset",
        "financial_assets",
        "Ausleihungen an Unternehmen, mit denen ein Beteiligungsverhältnis besteht",
    ),
    "asset_bs_A_III_5": ("asset", "financial_assets", "Wertpapiere des Anlagevermögens"),
    "asset_bs_A_III_6": ("asset", "financial_assets", "Sonstige Ausleihungen"),
    "asset_bs_B_I_1": ("asset", "inventory", "Roh-, Hilfs- und Betriebsstoffe"),
    "asset_bs_B_I_2": ("asset", "inventory", "Unfertige Erzeugnisse, unfertige Leistungen"),
    "asset_bs_B_I_3": ("asset", "inventory", "Fertige Erzeugnisse und Waren"),
    "asset_bs_B_I_4": ("asset", "inventory", "Geleistete Anzahlungen auf Vorräte"),
    "asset_bs_B_II_1": ("asset", "receivables", "Forderungen aus Lieferungen und Leistungen"),
    "asset_bs_B_II_2": ("asset", "receivables", "Forderungen gegen verbundene Unternehmen"),
    "asset_bs_B_II_3": (
        "asset",
        "receivables",
        "Forderungen gegen Unternehmen, mit denen ein Beteiligungsverhältnis besteht",
    ),
    "asset_bs_B_II_4": ("asset", "other_assets", "Sonstige Vermögensgegenstände"),
    # Securities of the current assets are not Finanzanlagen; they stay in current assets.
    "asset_bs_B_III_1": (
        "asset",
        "other_assets",
        "Anteile an verbundenen Unternehmen (Umlaufvermögen)",
    ),
    "asset_bs_B_III_2": ("asset", "other_assets", "Sonstige Wertpapiere"),
    "asset_bs_B_IV": (
        "asset",
        "cash",
        "Kassenbestand, Bundesbankguthaben, Guthaben bei Kreditinstituten und Schecks",
    ),
    "asset_bs_C": ("asset", "prepaid_expenses", "Aktive Rechnungsabgrenzungsposten"),
    "asset_bs_D": ("asset", "other_assets", "Aktive latente Steuern"),
    "asset_bs_E": (
        "asset",
        "other_assets",
        "Aktiver Unterschiedsbetrag aus der Vermögensverrechnung",
    ),
    # Passiva, § 266 Abs. 3 HGB
    "liabilities_bs_A_I": ("equity", "equity", "Gezeichnetes Kapital bzw. Kapitalanteile"),
    "liabilities_bs_A_II": ("equity", "equity", "Kapitalrücklage"),
    "liabilities_bs_A_III_1": ("equity", "equity", "Gesetzliche Rücklage"),
    "liabilities_bs_A_III_2": (
        "equity",
        "equity",
        "Rücklage für Anteile an einem herrschenden oder mehrheitlich beteiligten Unternehmen",
    ),
    "liabilities_bs_A_III_3": ("equity", "equity", "Satzungsmäßige Rücklagen"),
    "liabilities_bs_A_III_4": ("equity", "equity", "Andere Gewinnrücklagen"),
    "liabilities_bs_A_IV": ("equity", "equity", "Gewinnvortrag/Verlustvortrag"),
    "liabilities_bs_A_V": ("equity", "equity", "Jahresüberschuss/Jahresfehlbetrag"),
    "liabilities_bs_B_1": (
        "liability",
        "provisions",
        "Rückstellungen für Pensionen und ähnliche Verpflichtungen",
    ),
    "liabilities_bs_B_2": ("liability", "provisions", "Steuerrückstellungen"),
    "liabilities_bs_B_3": ("liability", "provisions", "Sonstige Rückstellungen"),
    "liabilities_bs_C_1": ("liability", "liabilities", "Anleihen"),
    "liabilities_bs_C_2": (
        "liability",
        "liabilities",
        "Verbindlichkeiten gegenüber Kreditinstituten",
    ),
    "liabilities_bs_C_3": ("liability", "liabilities", "Erhaltene Anzahlungen auf Bestellungen"),
    "liabilities_bs_C_4": (
        "liability",
        "payables",
        "Verbindlichkeiten aus Lieferungen und Leistungen",
    ),
    "liabilities_bs_C_5": (
        "liability",
        "liabilities",
        "Verbindlichkeiten aus der Annahme gezogener Wechsel und der Ausstellung eigener Wechsel",
    ),
    "liabilities_bs_C_6": (
        "liability",
        "liabilities",
        "Verbindlichkeiten gegenüber verbundenen Unternehmen",
    ),
    "liabilities_bs_C_7": (
        "liability",
        "liabilities",
        "Verbindlichkeiten gegenüber Unternehmen, mit denen ein Beteiligungsverhältnis besteht",
    ),
    "liabilities_bs_C_8": ("liability", "liabilities", "Sonstige Verbindlichkeiten"),
    "liabilities_bs_D": ("liability", "deferred_income", "Passive Rechnungsabgrenzungsposten"),
    "liabilities_bs_E": ("liability", "liabilities", "Passive latente Steuern"),
}

_OPEX: Final = "Sonstige betriebliche Aufwendungen"

PROFIT_AND_LOSS_LINES: Final[Mapping[str, tuple[str, str, str]]] = {
    # § 275 Abs. 2 HGB; Odoo splits line 8 into its own sub-lines 8.1-8.7.
    "pl_01": ("revenue", "revenue", "Umsatzerlöse"),
    "pl_02": (
        "revenue",
        "inventory_change",
        "Erhöhung oder Verminderung des Bestands an fertigen und unfertigen Erzeugnissen",
    ),
    "pl_03": ("revenue", "own_work_capitalised", "Andere aktivierte Eigenleistungen"),
    "pl_04": ("revenue", "other_income", "Sonstige betriebliche Erträge"),
    "pl_05": ("expense", "material_expense", "Materialaufwand"),
    "pl_06": ("expense", "personnel_expense", "Personalaufwand"),
    "pl_07": ("expense", "depreciation", "Abschreibungen"),
    "pl_08_1": ("expense", "other_opex", f"{_OPEX}: Raumkosten"),
    "pl_08_2": ("expense", "other_opex", f"{_OPEX}: Versicherungen, Beiträge und Abgaben"),
    "pl_08_3": ("expense", "other_opex", f"{_OPEX}: Reparaturen und Instandhaltungen"),
    "pl_08_4": ("expense", "other_opex", f"{_OPEX}: Fahrzeugkosten"),
    "pl_08_5": ("expense", "other_opex", f"{_OPEX}: Werbe- und Reisekosten"),
    "pl_08_6": ("expense", "other_opex", f"{_OPEX}: Kosten der Warenabgabe"),
    "pl_08_7": ("expense", "other_opex", f"{_OPEX}: Verschiedene betriebliche Kosten"),
    "pl_09": ("revenue", "investment_income", "Erträge aus Beteiligungen"),
    "pl_10": (
        "revenue",
        "investment_income",
        "Erträge aus anderen Wertpapieren und Ausleihungen des Finanzanlagevermögens",
    ),
    "pl_11": ("revenue", "interest_income", "Sonstige Zinsen und ähnliche Erträge"),
    "pl_12": (
        "expense",
        "financial_write_downs",
        "Abschreibungen auf Finanzanlagen und auf Wertpapiere des Umlaufvermögens",
    ),
    "pl_13": ("expense", "interest_expense", "Zinsen und ähnliche Aufwendungen"),
    "pl_14": ("expense", "taxes", "Steuern vom Einkommen und vom Ertrag"),
    "pl_15": ("expense", "other_taxes", "Sonstige Steuern"),
}

# --- per-chart corrections ---------------------------------------------------------------------


@dataclass(frozen=True)
class Addition:
    number: str
    name: str
    name_en: str
    tag: str


# Accounts the ledger relies on that the source lacks. Names as in the DATEV charts
# (formats.md § 5.5; README "Checks of well-known accounts"). Odoo creates its bank and cash
# accounts only when a chart is installed (prefixes 180/120 and 160/100), so the standard
# numbers themselves are missing.
ADDITIONS: Final[Mapping[str, tuple[Addition, ...]]] = {
    "skr04": (
        Addition("1600", "Kasse", "Cash", "asset_bs_B_IV"),  # missing in source
        Addition("1800", "Bank", "Bank", "asset_bs_B_IV"),  # missing in source
    ),
    "skr03": (
        Addition("1000", "Kasse", "Cash", "asset_bs_B_IV"),  # missing in source
        Addition("1200", "Bank", "Bank", "asset_bs_B_IV"),  # missing in source
    ),
}
# Not added: the Automatikkonten SKR04 4449 / SKR03 8449 (formats.md § 5.5) are also absent from
# the source, but their DATEV names could not be verified here; the automatic flag is only set on
# listed accounts that exist. Add them once checked against DATEV Art.-Nr. 11174/11175.

# Full replacements of broken German names (empty, truncated, English, wrong account).
NAME_OVERRIDES: Final[Mapping[str, Mapping[str, str]]] = {
    "skr04": {
        "0150": "Geschäfts- oder Firmenwert",  # source: "0 Geschäfts- oder Firmenwert"
        # The source's German name belongs to another account; name_en and SKR03 1542 say
        # "Tax refund claims against other countries".
        "1440": "Steuererstattungsansprüche gegenüber anderen Ländern",
        "3517": "Verbindlichkeiten gegenüber Gesellschaftern - Restlaufzeit größer 5 Jahre",  # ""
        "3741": "Verbindlichkeiten im Rahmen der sozialen Sicherheit - Restlaufzeit bis 1 Jahr",
        "3801": "Umsatzsteuer 7 %",  # source abbreviates "USt 7%"; DATEV name
        "3806": "Umsatzsteuer 19 %",  # source abbreviates "USt 19%"; DATEV name
        "4970": "Versicherungsentschädigungen und Schadenersatzleistungen",  # empty; = SKR03 2742
        "5192": "Energiestoffe (Fertigung) 19 % Vorsteuer",  # truncated "Vorsteue"
    },
    "skr03": {
        "1322": (
            "Besitzwechsel gegen Unternehmen, mit denen ein Beteiligungsverhältnis besteht - "
            "Restlaufzeit größer 1 Jahr"
        ),  # English in name_de
        "1386": "Forderungen gegen persönlich haftende Gesellschafter - Restlaufzeit bis 1 Jahr",
        "1400": "Forderungen aus Lieferungen und Leistungen",  # source repeats 1390's
        # "Verrechnungskonto Ist-Versteuerung"; 1400 is the DATEV receivables account (§ 5.5)
        "1626": (
            "Verbindlichkeiten aus Lieferungen und Leistungen ohne Kontokorrent - "
            "Restlaufzeit 1 bis 5 Jahre"
        ),  # English in name_de
        "1628": (
            "Verbindlichkeiten aus Lieferungen und Leistungen ohne Kontokorrent - "
            "Restlaufzeit größer 5 Jahre"
        ),  # English in name_de
        "1696": "Verbindlichkeiten gegenüber stillen Gesellschaftern - Restlaufzeit bis 1 Jahr",
        "1920": "Sonderausgaben beschränkt abzugsfähig (TH), FK",  # source repeats 1910's name;
        # the block mirrors 1800-1890, where 1820 is "Sonderausgaben beschränkt abzugsfähig"
        "4810": "Mietleasing bewegliche Wirtschaftsgüter für technische Anlagen und Maschinen",
        # empty; name_en and SKR04 6498 carry this name
    },
}

NAME_EN_OVERRIDES: Final[Mapping[str, Mapping[str, str]]] = {
    "skr04": {"5600": "Non-deductible input tax"},  # source has a VAT-warehouse account's text
    "skr03": {
        "1400": "Trade receivables",
        "1920": "Special personal deductions, partly deductible, lp",
    },
}

# Extraction artefacts in many names (lost hyphens and blanks, stray spaces); applied to all.
NAME_REPAIRS: Final[tuple[tuple[str, str], ...]] = (
    ("Aufsichtsratsund Beirats-Mitglieder", "Aufsichtsrats- und Beiratsmitglieder"),
    ("Aufsichtsratsund Beiratsmitglieder", "Aufsichtsrats- und Beiratsmitglieder"),
    ("UmsatzsteuerVorauszahlungen", "Umsatzsteuer-Vorauszahlungen"),
    ("Abschlussund ", "Abschluss- und "),
    ("Hilfsund ", "Hilfs- und "),
    ("Betriebsund ", "Betriebs- und "),
    ("Geschäftsoder ", "Geschäfts- oder "),
    ("Verschmelzungund ", "Verschmelzung und "),
    ("innergemeinschaftlicherErwerb", "innergemeinschaftlicher Erwerb"),
    ("GesellschafterGeschäftsführer", "Gesellschafter-Geschäftsführer"),
    ("Abschreibungenauf", "Abschreibungen auf"),
    ("Inlandsteuerpflichtigen", "Inland steuerpflichtigen"),
    ("EULand", "EU-Land"),
    ("z. B.nach", "z. B. nach"),
    ("(TH),FK", "(TH), FK"),
    ("( Bilanz )", "(Bilanz)"),
    (" – ", " - "),
    ("mit einer - Restlaufzeit", "mit einer Restlaufzeit"),
)

# Tags replaced because Odoo's tag contradicts the account (or is missing).
TAG_OVERRIDES: Final[Mapping[str, Mapping[str, str]]] = {
    "skr04": {
        "0149": "asset_bs_A_I_2",  # untagged "Wertber. auf Lizenzen" writes down 0140
        # Clearing account in the balance-sheet range; Odoo has expense/pl_06 (SKR03 1380: asset).
        "1498": "asset_bs_B_II_4",
        "1950": "asset_bs_D",  # Aktive latente Steuern are § 266 line D, not C
        # Clearing and payroll accounts in the liabilities block that Odoo puts on the asset side.
        "3630": "liabilities_bs_C_8",
        "3635": "liabilities_bs_C_8",  # "Sonstige Verbindlichkeiten aus ... Rückvergütung"
        "3695": "liabilities_bs_C_8",
        "3790": "liabilities_bs_C_8",
        "7323": "pl_13",  # Disagio amortisation is interest-like (as SKR03 2123/2124)
        "7324": "pl_13",
    },
    "skr03": {
        "0198": "asset_bs_A_II_1",  # untagged "Wertber. auf Wohnbauten (fremde Grundstücke)"
        # Besitzwechsel gegen Unternehmen, mit denen ein Beteiligungsverhältnis besteht: line
        # B II 3 (as SKR04 1286-1289), not B II 2 (verbundene Unternehmen).
        "1320": "asset_bs_B_II_3",
        "1321": "asset_bs_B_II_3",
        "1322": "asset_bs_B_II_3",
        "1325": "asset_bs_B_II_3",
        "1295": "liabilities_bs_C_2",  # a bank liability that Odoo tags as cash
        "1755": "liabilities_bs_C_8",  # payroll and clearing accounts in the liabilities block
        "1756": "liabilities_bs_C_8",
        "1758": "liabilities_bs_C_8",
        "1792": "liabilities_bs_C_8",
        "1793": "liabilities_bs_C_8",
        "2260": "pl_14",  # Steuerstundung (BStBK), as SKR04 7646/7648
        "2265": "pl_14",
        "2500": "pl_04",  # income accounts that Odoo tags as an expense line
        "2501": "pl_04",
        "4632": "pl_08_5",  # flat-rate tax on gifts is part of the gift expense (SKR04 6612)
        "4633": "pl_08_5",
    },
}

# DATEV puts all P&L accounts of SKR04 class 5 and SKR03 class 3 into Materialaufwand (incl.
# Fremdleistungen, which Odoo partly tags as pl_08_7, and 5430/5435, 3430/3435, untagged).
MATERIAL_CLASS: Final[Mapping[str, str]] = {"skr04": "5", "skr03": "3"}

# Ergebnisverwendung (appropriation of the result after the Jahresüberschuss: transfers to and
# from reserves, carried-forward profit after appropriation, advance distribution). They move
# amounts inside equity and must not change the P&L, so they are typed equity.
APPROPRIATION_ACCOUNTS: Final[Mapping[str, frozenset[str]]] = {
    "skr04": frozenset({"7705", "7725", "7744", "7751", "7781", "7785"}),
    "skr03": frozenset(
        {
            "2480",
            "2481",
            "2485",
            "2498",
            "2798",
            "2840",
            "2841",
            "2850",
            "2865",
            "2867",
            "2870",
        }
    ),
}

# Privatkonten of sole traders and partners (Vollhafter and Teilhafter). DATEV marks the
# Teilhafter ones "FK"; like the capital accounts they are equity here, grouped as private.
PRIVATE_RANGES: Final[Mapping[str, tuple[int, int]]] = {
    "skr04": (2100, 2799),
    "skr03": (1800, 1999),
}

# Class 9: 9000-9099 are the Vortragskonten (Saldenvorträge), equity/carry_forward. The rest of
# class 9 is DATEV's statistical accounts (quantities, capital-account statistics); they are not
# part of the double-entry balance and fit none of the five types, so they are left out. The
# source has two there, Odoo's own SKR04 9991/9994 cash-difference accounts (no German name, an
# Odoo "operating" tag); cash differences are booked on the DATEV P&L accounts instead.
CARRY_FORWARD_RANGE: Final = (9000, 9099)
STATISTICAL_RANGE: Final = (9100, 9999)

AUTOMATIC_ACCOUNTS: Final[Mapping[str, frozenset[str]]] = {
    "skr04": frozenset({"4120", "4125", "4300", "4310", "4315", "4336", "4338", "4400", "4449"}),
    "skr03": frozenset({"8120", "8125", "8300", "8310", "8315", "8336", "8338", "8400", "8449"}),
}

# Accounts the ledger relies on, with the type and report_group they must end up with.
REQUIRED_ACCOUNTS: Final[Mapping[str, Mapping[str, tuple[str, str]]]] = {
    "skr04": {
        "1200": ("asset", "receivables"),
        **{n: ("asset", "input_vat") for n in ("1401", "1402", "1404", "1406", "1407")},
        **{n: ("liability", "vat_liabilities") for n in ("3801", "3802", "3804", "3806", "3837")},
        "3300": ("liability", "payables"),
        "4300": ("revenue", "revenue"),
        "4400": ("revenue", "revenue"),
        "1600": ("asset", "cash"),
        "1800": ("asset", "cash"),
        "9000": ("equity", "carry_forward"),
    },
    "skr03": {
        "1400": ("asset", "receivables"),
        "1401": ("asset", "receivables"),
        **{n: ("asset", "input_vat") for n in ("1571", "1572", "1574", "1576", "1577")},
        **{n: ("liability", "vat_liabilities") for n in ("1771", "1772", "1774", "1776", "1787")},
        "1600": ("liability", "payables"),
        "8300": ("revenue", "revenue"),
        "8400": ("revenue", "revenue"),
        "1000": ("asset", "cash"),
        "1200": ("asset", "cash"),
        "9000": ("equity", "carry_forward"),
    },
}

# VAT payables (output VAT, VAT prepayments and settlement, § 13b, import VAT deferred). Odoo
# tags most of them as asset line B II 4; they are liabilities. `\b` keeps "Umsatzsteuersatz"
# (trade payables split by VAT rate) out.
VAT_PAYABLE: Final = re.compile(
    r"Umsatzsteuer\b|^USt\b|Einfuhrumsatzsteuer|Nachsteuer|unberechtigt ausgewiesene Steuer"
    r"|Steuerzahlungen (aus im anderen EU-Land|an andere Länder)"
)
# Input VAT and other VAT claims against the tax office on the asset side.
VAT_CLAIM: Final = re.compile(r"Vorsteuer|Einfuhrumsatzsteuer|Umsatzsteuer|USt-Forderungen")
INPUT_VAT: Final = re.compile(r"Vorsteuer|Einfuhrumsatzsteuer")


# --- derivation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceAccount:
    number: str
    name: str
    name_en: str
    odoo_type: str
    tag: str | None


@dataclass(frozen=True)
class ChartRow:
    number: str
    name: str
    name_en: str
    type: str
    category: str
    report_group: str
    automatic: bool

    def as_csv(self) -> tuple[str, ...]:
        automatic = "true" if self.automatic else "false"
        return (
            self.number,
            self.name,
            self.name_en,
            self.type,
            self.category,
            self.report_group,
            automatic,
        )


def read_source(path: Path) -> list[SourceAccount]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != SOURCE_COLUMNS:
            raise SystemExit(f"{path}: unexpected columns {reader.fieldnames}")
        accounts = []
        for record in reader:
            tags = [t for t in record["balance_sheet_tags"].split(",") if t]
            own = [t for t in tags if t.startswith(("asset_bs_", "liabilities_bs_", "pl_"))]
            if len(own) > 1:
                raise SystemExit(f"{path}: {record['code']} has several HGB tags {own}")
            accounts.append(
                SourceAccount(
                    number=record["code"],
                    name=record["name_de"],
                    name_en=record["name_en"],
                    odoo_type=record["odoo_account_type"],
                    tag=own[0] if own else None,
                )
            )
    return accounts


def clean_name(name: str) -> str:
    for old, new in NAME_REPAIRS:
        name = name.replace(old, new)
    return re.sub(r"\s+", " ", name).strip()


def in_range(number: str, bounds: tuple[int, int]) -> bool:
    return len(number) == 4 and bounds[0] <= int(number) <= bounds[1]


def resolve_tag(framework: str, account: SourceAccount, previous_tag: str | None) -> str | None:
    """The HGB line of an account after the corrections above (None for class 9)."""
    number = account.number
    override = TAG_OVERRIDES[framework].get(number)
    if override is not None:
        return override
    is_pl = account.odoo_type.startswith(("income", "expense"))
    if is_pl and number.startswith(MATERIAL_CLASS[framework]) and len(number) == 4:
        return "pl_05"
    tag = account.tag
    if tag is None and account.odoo_type == "asset_fixed":
        # Untagged "Wertber. auf ..." (accumulated depreciation) follows the asset it writes
        # down, which precedes it in the source.
        return previous_tag
    if (
        tag == "asset_bs_B_II_4"
        and account.odoo_type.startswith("liability")
        and VAT_PAYABLE.search(account.name)
    ):
        return "liabilities_bs_C_8"
    return tag


def classify(framework: str, number: str, name: str, tag: str | None) -> tuple[str, str, str]:
    """(type, category, report_group) of one account."""
    if in_range(number, CARRY_FORWARD_RANGE):
        return "equity", "Saldenvorträge (Vortragskonten)", "carry_forward"
    if number in APPROPRIATION_ACCOUNTS[framework]:
        return "equity", "Ergebnisverwendung", "equity"
    if tag is None:
        raise SystemExit(f"{framework} {number} {name!r}: no HGB line; add a TAG_OVERRIDES entry")
    if tag in PROFIT_AND_LOSS_LINES:
        kind, group, category = PROFIT_AND_LOSS_LINES[tag]
        return kind, category, group
    if tag not in BALANCE_SHEET_LINES:
        raise SystemExit(f"{framework} {number}: unknown tag {tag}")
    kind, group, category = BALANCE_SHEET_LINES[tag]
    if kind == "asset" and tag == "asset_bs_B_II_4" and VAT_CLAIM.search(name):
        detail = "Vorsteuer" if INPUT_VAT.search(name) else "Umsatzsteuerforderungen"
        return kind, f"{category} ({detail})", "input_vat"
    if kind == "liability" and VAT_PAYABLE.search(name):
        return kind, "Sonstige Verbindlichkeiten (Umsatzsteuer)", "vat_liabilities"
    if (
        kind == "equity"
        and tag == "liabilities_bs_A_I"
        and in_range(number, PRIVATE_RANGES[framework])
    ):
        return kind, "Privatkonten", "private"
    return kind, category, group


def derive(framework: str, source: Iterable[SourceAccount]) -> list[ChartRow]:
    rows: dict[str, ChartRow] = {}
    previous_tag: str | None = None
    names = NAME_OVERRIDES[framework]
    names_en = NAME_EN_OVERRIDES[framework]
    for account in source:
        number = account.number
        if in_range(number, STATISTICAL_RANGE):
            continue
        tag = resolve_tag(framework, account, previous_tag)
        previous_tag = tag or previous_tag
        name = clean_name(names.get(number, account.name))
        name_en = clean_name(names_en.get(number, account.name_en))
        kind, category, group = classify(framework, number, name, tag)
        if number in rows:
            raise SystemExit(f"{framework}: duplicate account {number}")
        rows[number] = ChartRow(number, name, name_en, kind, category, group, False)
    for extra in ADDITIONS[framework]:
        if extra.number in rows:
            raise SystemExit(f"{framework}: {extra.number} is in the source now; drop the addition")
        kind, category, group = classify(framework, extra.number, extra.name, extra.tag)
        rows[extra.number] = ChartRow(
            extra.number,
            extra.name,
            extra.name_en,
            kind,
            category,
            group,
            False,
        )
    for number in AUTOMATIC_ACCOUNTS[framework] & rows.keys():
        row = rows[number]
        rows[number] = ChartRow(
            row.number,
            row.name,
            row.name_en,
            row.type,
            row.category,
            row.report_group,
            True,
        )
    return [rows[number] for number in sorted(rows)]


def validate(framework: str, rows: list[ChartRow]) -> None:
    account_types, report_groups = _vocabulary()
    problems = []
    for row in rows:
        if not (row.number.isascii() and row.number.isdigit() and len(row.number) <= 8):
            problems.append(f"{row.number}: number is not numeric with at most 8 digits")
        if row.type not in account_types:
            problems.append(f"{row.number}: type {row.type}")
        elif row.report_group not in report_groups[row.type]:
            problems.append(f"{row.number}: report_group {row.report_group} for {row.type}")
        if not row.name or len(row.name) > NAME_MAX:
            problems.append(f"{row.number}: name length {len(row.name)}")
        if not row.category or len(row.category) > CATEGORY_MAX:
            problems.append(f"{row.number}: category length {len(row.category)}")
        if len(row.report_group) > REPORT_GROUP_MAX:
            problems.append(f"{row.number}: report_group length {len(row.report_group)}")
    by_number = {row.number: row for row in rows}
    for number, expected in REQUIRED_ACCOUNTS[framework].items():
        row = by_number.get(number)
        if row is None or (row.type, row.report_group) != expected:
            found = None if row is None else (row.type, row.report_group)
            problems.append(f"{number}: required {expected}, found {found}")
    if problems:
        raise SystemExit(f"{framework}:\n  " + "\n  ".join(problems))


def _vocabulary() -> tuple[tuple[str, ...], Mapping[str, tuple[str, ...]]]:
    """The loader's vocabulary, so script and ledger cannot drift apart."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from ledger.chart import ACCOUNT_TYPES, REPORT_GROUPS

    return ACCOUNT_TYPES, REPORT_GROUPS


def render(rows: Iterable[ChartRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(OUTPUT_COLUMNS)
    writer.writerows(row.as_csv() for row in rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        default=DEFAULT_SOURCE,
        help="directory with the reference skr04.csv and skr03.csv (default: %(default)s)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output directory (default: %(default)s)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare with the files in --out, write nothing",
    )
    args = parser.parse_args(argv)
    stale = []
    for framework in FRAMEWORKS:
        rows = derive(framework, read_source(args.source / f"{framework}.csv"))
        validate(framework, rows)
        text = render(rows)
        target: Path = args.out / f"{framework}.csv"
        if args.check:
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current != text:
                stale.append(str(target))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        counts = {kind: sum(row.type == kind for row in rows) for kind in _vocabulary()[0]}
        print(f"{target}: {len(rows)} accounts {counts}")
    if stale:
        print("out of date, run scripts/derive_charts.py: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
