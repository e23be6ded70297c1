"""Reports (scope auswertungen:read): trial balance (SuSa), balance sheet, income statement,
BWA, monthly revenue and expenses, and the VAT return figures with their postings."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from dateutil.relativedelta import relativedelta
from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.routes.query import AsOfQuery, require_date_range, require_zoned
from ledger.money import cents_to_decimal
from ledger.tax import TaxCode
from ledger.writer import TENANT_TIMEZONE
from projections import queries, report_queries, reports, ustva
from schemas.reports import (
    BwaOut,
    MonthOut,
    ReportRowOut,
    ReportType,
    VatFigureOut,
    VatPostingOut,
    VatReturnOut,
)

TAGS = ["Reports"]
READ = {"scope": "auswertungen:read"}
VAT_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


@get("/reports", operation_id="GetReport", opt=READ, tags=TAGS)
async def get_report(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    report_type: Annotated[ReportType, QueryParameter(name="type")],
    start_date: Annotated[date | None, QueryParameter(name="startDate")] = None,
    end_date: Annotated[date | None, QueryParameter(name="endDate")] = None,
    as_of: AsOfQuery = None,
) -> list[ReportRowOut] | BwaOut:
    """`susa` / `trial_balance`, `bilanz`, `guv`: one row per account (`balance` = opening +
    debit - credit, in EUR); `bwa`: the BWA figures. The range defaults to the fiscal year
    of `endDate` up to `endDate` (today without one); `as_of`: as the books stood then."""
    require_date_range(start_date, end_date)
    require_zoned(as_of)
    async with ledger.pool.acquire() as conn:
        tenant = await queries.tenant(conn, caller.tenant_id)
        last = end_date or ledger.clock().astimezone(TENANT_TIMEZONE).date()
        year_start = fiscal_year_start(start_date or last, tenant["fiscal_year_start"])
        first = start_date or year_start
        if first > last:
            raise ApiError(
                "INVALID_INPUT",
                "startDate must not be after endDate (today, when endDate is not given).",
                startDate=first.isoformat(),
                endDate=last.isoformat(),
            )
        known_until = (
            None
            if as_of is None
            else await queries.journal_number_known_at(conn, caller.tenant_id, as_of)
        )
        totals = await report_queries.account_totals(
            conn,
            caller.tenant_id,
            first=first,
            last=last,
            year_start=year_start,
            known_until=known_until,
        )
    if report_type == "bwa":
        figures = reports.bwa(totals)
        return BwaOut(
            start_date=first,
            end_date=last,
            **{
                name: cents_to_decimal(getattr(figures, name)) for name in figures.__struct_fields__
            },
        )
    build = {
        "susa": reports.trial_balance,
        "trial_balance": reports.trial_balance,
        "bilanz": reports.balance_sheet,
        "guv": reports.profit_and_loss,
    }[report_type]
    return [_row_out(row) for row in build(totals)]


@get(
    "/reports/monthly-revenue-expenses",
    operation_id="GetMonthlyRevenueExpenses",
    opt=READ,
    tags=TAGS,
)
async def monthly_revenue_expenses(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    year: Annotated[int, QueryParameter(ge=1900, le=2999)],
) -> list[MonthOut]:
    """Twelve calendar months of `year`: revenue (credit - debit on revenue accounts),
    expenses (debit - credit on expense accounts) and their difference."""
    async with ledger.pool.acquire() as conn:
        movements = await report_queries.monthly_movements(conn, caller.tenant_id, year)
    return [
        MonthOut(
            month=f"{year}-{m.month:02d}",
            revenue=cents_to_decimal(m.revenue),
            expenses=cents_to_decimal(m.expenses),
            result=cents_to_decimal(m.result),
        )
        for m in reports.monthly_revenue_expenses(movements)
    ]


@get("/reports/ustva", operation_id="GetVatReturn", opt=READ, tags=TAGS)
async def vat_return(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    period: Annotated[str, QueryParameter(max_length=7)],
) -> VatReturnOut:
    """The Umsatzsteuer-Voranmeldung figures of a month (`2026-03`) or quarter (`2026-Q1`),
    each with the postings behind it; Kz 83 is output tax less input tax."""
    first, last = vat_period(period)
    async with ledger.pool.acquire() as conn:
        tenant = await queries.tenant(conn, caller.tenant_id)
        framework = tenant["account_framework"]
        code_rows = await conn.fetch(
            "select * from tax_codes where tenant_id = $1", caller.tenant_id
        )
        account_rows = await conn.fetch(
            "select number, type from accounts where tenant_id = $1", caller.tenant_id
        )
        tax_accounts = {
            account
            for row in code_rows
            for account in (row["vat_account"], row["self_assess_account"])
            if account is not None
        }
        rows = await report_queries.vat_lines(
            conn,
            caller.tenant_id,
            first,
            last,
            sorted(tax_accounts | set(ustva.ACCOUNT_FIGURES[framework])),
        )
    codes = {
        row["code_key"]: TaxCode(
            code=row["code"],
            label=row["label"],
            description=row["description"],
            rate_bp=row["rate_bp"],
            vat_account=row["vat_account"],
            self_assess_account=row["self_assess_account"],
            kind=row["kind"],
            is_system=row["is_system"],
            is_active=row["is_active"],
        )
        for row in code_rows
    }
    result = ustva.vat_return(
        (ustva.VatLine(**dict(row)) for row in rows),
        codes,
        {row["number"]: row["type"] for row in account_rows},
        framework,
    )
    return VatReturnOut(
        period=period,
        start_date=first,
        end_date=last,
        figures=[
            VatFigureOut(
                kz=figure.kz,
                label=figure.label,
                kind=figure.kind,
                amount=cents_to_decimal(figure.cents),
                form_amount=cents_to_decimal(figure.form_cents),
                postings=[_posting(c.line, c.cents) for c in figure.postings],
            )
            for figure in result.figures.values()
        ],
        output_tax=cents_to_decimal(result.output_tax_cents),
        input_tax=cents_to_decimal(result.input_tax_cents),
        unassigned=[_posting(line, 0) for line in result.unassigned],
    )


def fiscal_year_start(day: date, first_month: int) -> date:
    """The first day of the fiscal year `day` lies in."""
    year = day.year if day.month >= first_month else day.year - 1
    return date(year, first_month, 1)


def vat_period(text: str) -> tuple[date, date]:
    match = VAT_PERIOD.match(text)
    if match is None:
        raise ApiError(
            "INVALID_INPUT",
            "period must be a month (2026-03) or a quarter (2026-Q1).",
            period=text,
        )
    year, month, quarter = int(match[1]), match[2], match[3]
    first = date(year, int(month), 1) if month else date(year, 3 * int(quarter) - 2, 1)
    months = 1 if month else 3
    return first, first + relativedelta(months=months, days=-1)


def _row_out(row: reports.ReportRow) -> ReportRowOut:
    return ReportRowOut(
        number=row.number,
        name=row.name,
        type=row.type,
        category=row.category,
        report_group=row.report_group,
        opening_balance=cents_to_decimal(row.opening_balance),
        debit_total=cents_to_decimal(row.debit_total),
        credit_total=cents_to_decimal(row.credit_total),
        balance=cents_to_decimal(row.balance),
    )


def _posting(line: ustva.VatLine, cents: int) -> VatPostingOut:
    return VatPostingOut(
        journal_number=line.journal_number,
        intent_id=line.intent_id,
        booking_date=line.booking_date,
        account_debit=line.account_debit,
        account_credit=line.account_credit,
        amount=cents_to_decimal(line.amount_cents),
        tax_code=line.tax_code,
        contribution=cents_to_decimal(cents),
    )


ROUTES = [get_report, monthly_revenue_expenses, vat_return]
