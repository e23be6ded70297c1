"""Turning an intent's stored posting lines into DATEV Buchungsstapel rows (formats.md §1.4).

A pure fold per intent. DATEV books gross amounts and derives the tax itself from the
BU-Schlüssel (or from an Automatikkonto), so a base line and the tax line that came from it
become one row with the gross `Umsatz`; the tax-coded account is the Gegenkonto, the other
account the Konto, and S/H tells the Konto's side. A self-assessing code (intra-EU
acquisition, § 13b) is one row with its key: DATEV books both taxes from it.

When an intent's tax lines cannot be paired one to one with their base lines (a gross line
split over several counter-accounts), or its code has no BU-Schlüssel (tax-free codes, odd
rates), that code's lines go out as they are stored: net rows and explicit tax rows, no key.
On an Automatikkonto a row carries no key when its tax is the account's own, and `40` (no
automatic tax) otherwise. The rules are in docs/api.md ("DATEV export").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal
from uuid import UUID

from ledger.datev_tax import export_key
from ledger.tax import TaxCode

BU_NO_AUTOMATIC_TAX: Final = "40"
_PURCHASES: Final = frozenset(
    {"input", "intra_eu_acquisition", "reverse_charge", "reverse_charge_eu"}
)


@dataclass(frozen=True)
class ExportLine:
    """A stored posting line with what its row needs from the intent."""

    line_id: UUID
    intent_id: UUID
    booking_date: date
    account_debit: str
    account_credit: str
    amount_cents: int
    tax_code: str | None
    text: str
    belegfeld: str | None
    locked: bool


@dataclass
class DatevRow:
    umsatz_cents: int
    side: Literal["S", "H"]
    konto: str
    gegenkonto: str
    bu_key: str | None
    booking_date: date
    belegfeld: str | None
    text: str
    guid: UUID
    locked: bool


@dataclass(frozen=True)
class ExportRules:
    codes: Mapping[str, TaxCode]  # by upper-case code
    automatic: Mapping[str, str | None]  # Automatikkonto -> the tax code it implies (or None)
    account_types: Mapping[str, str]


@dataclass
class _Base:
    line: ExportLine
    code: TaxCode
    coded_on_debit: bool | None = None  # None until a tax line or the accounts tell
    tax_cents: int = 0
    tax_lines: list[ExportLine] = field(default_factory=list)


def rows_of_intent(lines: Sequence[ExportLine], rules: ExportRules) -> list[DatevRow]:
    """The DATEV rows of one intent's lines (in journal order)."""
    plain: list[ExportLine] = []
    bases: dict[str, list[_Base]] = {}
    taxes: dict[str, list[ExportLine]] = {}
    for line in lines:
        code = rules.codes.get(line.tax_code.upper()) if line.tax_code else None
        if code is None:
            plain.append(line)
        elif _is_tax_line(line, code):
            taxes.setdefault(code.code.upper(), []).append(line)
        else:
            bases.setdefault(code.code.upper(), []).append(_Base(line=line, code=code))
    rows: list[DatevRow] = []
    explicit: list[ExportLine] = list(plain)
    for key in dict.fromkeys([*bases, *taxes]):
        code = rules.codes[key]
        grouped = bases.get(key, [])
        if _pairs_up(code, grouped, taxes.get(key, []), rules):
            rows.extend(_keyed_row(base, rules) for base in grouped)
        else:
            explicit.extend(base.line for base in grouped)
            explicit.extend(taxes.get(key, []))
    rows.extend(_plain_row(line, rules) for line in explicit)
    order = {line.line_id: index for index, line in enumerate(lines)}
    rows.sort(key=lambda row: order[row.guid])
    return rows


def _is_tax_line(line: ExportLine, code: TaxCode) -> bool:
    accounts = {code.vat_account, code.self_assess_account} - {None}
    return line.account_debit in accounts or line.account_credit in accounts


def _pairs_up(
    code: TaxCode, bases: list[_Base], taxes: list[ExportLine], rules: ExportRules
) -> bool:
    """Whether the code's lines can go out as keyed gross rows: it has a key, every tax line
    belongs to exactly one base line, and no base sits on an Automatikkonto of another tax."""
    if export_key(code) is None:
        return False
    for base in bases:
        for account in (base.line.account_debit, base.line.account_credit):
            if account in rules.automatic and _upper(rules.automatic[account]) != _upper(code.code):
                return False
    if code.self_assess_account is not None:
        return True  # DATEV books both taxes from the key: the tax pair is left out
    for tax in taxes:
        tax_on_debit = tax.account_debit == code.vat_account
        counter = tax.account_credit if tax_on_debit else tax.account_debit
        match = next(
            (
                b
                for b in bases
                if not b.tax_lines
                and (b.line.account_credit if tax_on_debit else b.line.account_debit) == counter
            ),
            None,
        )
        if match is None:
            return False
        match.coded_on_debit = tax_on_debit
        match.tax_cents = tax.amount_cents
        match.tax_lines.append(tax)
    return all(b.tax_lines for b in bases)


def _keyed_row(base: _Base, rules: ExportRules) -> DatevRow:
    line = base.line
    coded_on_debit = base.coded_on_debit
    if coded_on_debit is None:
        coded_on_debit = _coded_on_debit(line, base.code, rules)
    konto = line.account_credit if coded_on_debit else line.account_debit
    gegenkonto = line.account_debit if coded_on_debit else line.account_credit
    on_automatic = konto in rules.automatic or gegenkonto in rules.automatic
    return DatevRow(
        umsatz_cents=line.amount_cents + base.tax_cents,
        side="H" if coded_on_debit else "S",
        konto=konto,
        gegenkonto=gegenkonto,
        bu_key=None if on_automatic else export_key(base.code),
        booking_date=line.booking_date,
        belegfeld=line.belegfeld,
        text=line.text,
        guid=line.line_id,
        locked=line.locked,
    )


def _plain_row(line: ExportLine, rules: ExportRules) -> DatevRow:
    """A stored line as it is: Konto debited (S), Gegenkonto credited; on an Automatikkonto
    that would add its own tax, key 40 switches that off."""
    taxed_automatic = any(
        _rate_bp(rules, rules.automatic.get(account)) > 0
        for account in (line.account_debit, line.account_credit)
    )
    return DatevRow(
        umsatz_cents=line.amount_cents,
        side="S",
        konto=line.account_debit,
        gegenkonto=line.account_credit,
        bu_key=BU_NO_AUTOMATIC_TAX if taxed_automatic else None,
        booking_date=line.booking_date,
        belegfeld=line.belegfeld,
        text=line.text,
        guid=line.line_id,
        locked=line.locked,
    )


def _coded_on_debit(line: ExportLine, code: TaxCode, rules: ExportRules) -> bool:
    """Without a tax line to tell: the side of the line's one revenue or expense account,
    else a purchase's debit side and a supply's credit side."""
    debit_pl = rules.account_types.get(line.account_debit) in ("revenue", "expense")
    credit_pl = rules.account_types.get(line.account_credit) in ("revenue", "expense")
    return debit_pl if debit_pl != credit_pl else code.kind in _PURCHASES


def _upper(code: str | None) -> str | None:
    return None if code is None else code.upper()


def _rate_bp(rules: ExportRules, code: str | None) -> int:
    known = rules.codes.get(code.upper()) if code else None
    return 0 if known is None else known.rate_bp
