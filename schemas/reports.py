"""Reports (reference §3.6): account reports, BWA, monthly revenue and expenses, VAT return."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from schemas.journal import Out

ReportType = Literal["susa", "trial_balance", "bilanz", "guv", "bwa"]


class ReportRowOut(Out, kw_only=True):
    number: str | None  # null: a synthetic row (Periodenergebnis, Ergebnis vor Periodenbeginn)
    name: str
    type: str
    category: str | None
    report_group: str | None
    opening_balance: Decimal
    debit_total: Decimal
    credit_total: Decimal
    balance: Decimal  # opening + debit - credit


class BwaOut(Out, kw_only=True):
    start_date: date
    end_date: date
    umsatzerloese_total: Decimal
    bestandsveraenderungen_total: Decimal
    gesamtleistung: Decimal
    materialaufwand_total: Decimal
    rohertrag: Decimal
    sonstige_betriebliche_erloese_total: Decimal
    personalaufwand_total: Decimal
    abschreibungen_total: Decimal
    sonstige_betriebliche_aufwendungen_total: Decimal
    betriebsergebnis: Decimal
    zinsen_total: Decimal
    neutrales_ergebnis: Decimal
    ebt: Decimal
    steuern_total: Decimal
    jahresueberschuss: Decimal


class MonthOut(Out, kw_only=True):
    month: str  # YYYY-MM
    revenue: Decimal
    expenses: Decimal
    result: Decimal


class VatPostingOut(Out, kw_only=True):
    journal_number: int
    intent_id: UUID
    booking_date: date
    account_debit: str
    account_credit: str
    amount: Decimal
    tax_code: str | None
    contribution: Decimal  # what the line adds to the figure


class VatFigureOut(Out, kw_only=True):
    kz: str
    label: str
    kind: Literal["base", "tax", "total"]
    amount: Decimal  # exact, to the cent
    form_amount: Decimal  # as filed: bases in whole euros, taxes to the cent
    postings: list[VatPostingOut]


class VatReturnOut(Out, kw_only=True):
    period: str
    start_date: date
    end_date: date
    figures: list[VatFigureOut]
    output_tax: Decimal
    input_tax: Decimal
    unassigned: list[VatPostingOut]  # tax-coded lines no figure takes (e.g. a deleted code)
