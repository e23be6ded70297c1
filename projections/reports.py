"""Reports as pure folds over per-account totals: the trial balance (SuSa), the balance sheet
(Bilanz) with its synthetic result rows, the income statement (GuV), the BWA, and monthly
revenue and expenses.

Every amount is integer cents and every `balance` is debit minus credit, so each report's
rows add up to an identity a test can check: the trial balance's debits equal its credits,
and the balance sheet's balances (with the result rows) sum to zero — assets equal
liabilities plus equity plus result. The reads are in `projections/report_queries.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import msgspec

BALANCE_SHEET_TYPES: Final = frozenset({"asset", "liability", "equity"})
PROFIT_AND_LOSS_TYPES: Final = frozenset({"revenue", "expense"})


class AccountTotals(msgspec.Struct, frozen=True, kw_only=True):
    """One account's movements around a report's date range, in cents.

    `before_*`: everything booked before the range; `year_before_*`: the part of that in the
    fiscal year the range starts in (profit-and-loss accounts start each year at zero)."""

    number: str
    name: str
    type: str
    category: str | None
    report_group: str | None
    before_debit: int = 0
    before_credit: int = 0
    year_before_debit: int = 0
    year_before_credit: int = 0
    debit: int = 0
    credit: int = 0

    @property
    def opening(self) -> int:
        if self.type in PROFIT_AND_LOSS_TYPES:
            return self.year_before_debit - self.year_before_credit
        return self.before_debit - self.before_credit


class ReportRow(msgspec.Struct, frozen=True, kw_only=True):
    number: str | None  # None: a synthetic row (Periodenergebnis, Ergebnisvortrag)
    name: str
    type: str
    category: str | None
    report_group: str | None
    opening_balance: int
    debit_total: int
    credit_total: int
    balance: int


RESULT_NAME: Final = "Periodenergebnis"
CARRIED_RESULT_NAME: Final = "Ergebnis vor Periodenbeginn"


def trial_balance(totals: Iterable[AccountTotals]) -> list[ReportRow]:
    """SuSa: each account with an opening balance or a movement in the range; `balance` is
    the closing balance (opening + debit - credit), as on every report row."""
    rows = []
    for t in totals:
        if t.opening == 0 and t.debit == 0 and t.credit == 0:
            continue
        rows.append(_row(t, opening=t.opening, debit=t.debit, credit=t.credit))
    return rows


def balance_sheet(totals: Iterable[AccountTotals]) -> list[ReportRow]:
    """Bilanz at the range's end: balance-sheet accounts with a closing balance, plus the
    profit and loss not closed into equity as synthetic equity rows, each only when it is not
    zero: `Periodenergebnis` for the range and `Ergebnis vor Periodenbeginn` for what was
    booked before it."""
    rows, result, before = [], [0, 0], 0
    for t in totals:
        if t.type in BALANCE_SHEET_TYPES:
            if t.opening + t.debit - t.credit != 0:
                rows.append(_row(t, opening=t.opening, debit=t.debit, credit=t.credit))
        else:
            result[0] += t.debit
            result[1] += t.credit
            before += t.before_debit - t.before_credit
    if before:
        rows.append(_synthetic(CARRIED_RESULT_NAME, opening=before, debit=0, credit=0))
    if result[0] != result[1]:
        rows.append(_synthetic(RESULT_NAME, opening=0, debit=result[0], credit=result[1]))
    return rows


def profit_and_loss(totals: Iterable[AccountTotals]) -> list[ReportRow]:
    """GuV: revenue and expense accounts with a movement in the range."""
    return [
        _row(t, opening=0, debit=t.debit, credit=t.credit)
        for t in totals
        if t.type in PROFIT_AND_LOSS_TYPES and (t.debit or t.credit)
    ]


class Bwa(msgspec.Struct, frozen=True, kw_only=True):
    """The short BWA (DATEV Kurzfristige Erfolgsrechnung) in cents; costs are positive."""

    umsatzerloese_total: int
    bestandsveraenderungen_total: int  # inventory change and own work capitalised
    gesamtleistung: int
    materialaufwand_total: int
    rohertrag: int
    sonstige_betriebliche_erloese_total: int
    personalaufwand_total: int
    abschreibungen_total: int
    sonstige_betriebliche_aufwendungen_total: int
    betriebsergebnis: int
    zinsen_total: int  # interest expense less interest income
    neutrales_ergebnis: int  # investment income less write-downs of financial assets
    ebt: int
    steuern_total: int  # taxes on income
    jahresueberschuss: int


# Which chart report groups feed which BWA line; an account without a group counts by type.
_BWA_GROUPS: Final = {
    "revenue": "umsatzerloese",
    "inventory_change": "bestand",
    "own_work_capitalised": "bestand",
    "material_expense": "material",
    "other_income": "sonstige_erloese",
    "personnel_expense": "personal",
    "depreciation": "abschreibungen",
    "other_opex": "sonstige_aufwendungen",
    "other_taxes": "sonstige_aufwendungen",
    "interest_income": "zinsen",
    "interest_expense": "zinsen",
    "investment_income": "neutral",
    "financial_write_downs": "neutral",
    "taxes": "steuern",
}


def bwa(totals: Iterable[AccountTotals]) -> Bwa:
    """BWA figures for the range from the chart's report groups (derived from the SKR04 /
    SKR03 account ranges). Income lines count credit - debit, cost lines debit - credit, so
    `jahresueberschuss` is exactly revenue minus expense of the range."""
    income: dict[str, int] = {}  # credit - debit per BWA line
    for t in totals:
        if t.type not in PROFIT_AND_LOSS_TYPES or not (t.debit or t.credit):
            continue
        line = _BWA_GROUPS.get(t.report_group or "")
        if line is None:
            line = "sonstige_erloese" if t.type == "revenue" else "sonstige_aufwendungen"
        income[line] = income.get(line, 0) + t.credit - t.debit
    umsatz, bestand = income.get("umsatzerloese", 0), income.get("bestand", 0)
    material = -income.get("material", 0)
    gesamtleistung = umsatz + bestand
    rohertrag = gesamtleistung - material
    sonstige_erloese = income.get("sonstige_erloese", 0)
    personal = -income.get("personal", 0)
    abschreibungen = -income.get("abschreibungen", 0)
    sonstige_aufwendungen = -income.get("sonstige_aufwendungen", 0)
    betriebsergebnis = rohertrag + sonstige_erloese - personal - abschreibungen
    betriebsergebnis -= sonstige_aufwendungen
    zinsen, neutral = -income.get("zinsen", 0), income.get("neutral", 0)
    ebt = betriebsergebnis - zinsen + neutral
    steuern = -income.get("steuern", 0)
    return Bwa(
        umsatzerloese_total=umsatz,
        bestandsveraenderungen_total=bestand,
        gesamtleistung=gesamtleistung,
        materialaufwand_total=material,
        rohertrag=rohertrag,
        sonstige_betriebliche_erloese_total=sonstige_erloese,
        personalaufwand_total=personal,
        abschreibungen_total=abschreibungen,
        sonstige_betriebliche_aufwendungen_total=sonstige_aufwendungen,
        betriebsergebnis=betriebsergebnis,
        zinsen_total=zinsen,
        neutrales_ergebnis=neutral,
        ebt=ebt,
        steuern_total=steuern,
        jahresueberschuss=ebt - steuern,
    )


class MonthFigures(msgspec.Struct, frozen=True, kw_only=True):
    month: int
    revenue: int  # credit - debit on revenue accounts
    expenses: int  # debit - credit on expense accounts
    result: int


def monthly_revenue_expenses(movements: Iterable[tuple[int, str, int, int]]) -> list[MonthFigures]:
    """Twelve rows from (month, account type, debit, credit) movements; months without
    postings are zero."""
    revenue, expenses = [0] * 13, [0] * 13
    for month, account_type, debit, credit in movements:
        if account_type == "revenue":
            revenue[month] += credit - debit
        elif account_type == "expense":
            expenses[month] += debit - credit
    return [
        MonthFigures(
            month=m, revenue=revenue[m], expenses=expenses[m], result=revenue[m] - expenses[m]
        )
        for m in range(1, 13)
    ]


def _row(t: AccountTotals, *, opening: int, debit: int, credit: int) -> ReportRow:
    return ReportRow(
        number=t.number,
        name=t.name,
        type=t.type,
        category=t.category,
        report_group=t.report_group,
        opening_balance=opening,
        debit_total=debit,
        credit_total=credit,
        balance=opening + debit - credit,
    )


def _synthetic(name: str, *, opening: int, debit: int, credit: int) -> ReportRow:
    return ReportRow(
        number=None,
        name=name,
        type="equity",
        category=name,
        report_group="equity",
        opening_balance=opening,
        debit_total=debit,
        credit_total=credit,
        balance=opening + debit - credit,
    )
