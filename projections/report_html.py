"""Printable HTML of the balance sheet, the income statement and the trial balance, in German
or English, from the same report rows as `/v1/reports` (projections/reports.py).

Pure: rows in, one self-contained HTML page out (inline CSS, no scripts, no external
resources), with every text escaped. Amounts follow the language's conventions
(1.234,56 € / €1,234.56); each report shows the totals that must tie out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Final, Literal

from projections.reports import ReportRow

Language = Literal["de", "en"]
ReportKind = Literal["balance_sheet", "income_statement", "trial_balance"]

LABELS: Final[dict[str, dict[Language, str]]] = {
    "balance_sheet": {"de": "Bilanz", "en": "Balance sheet"},
    "income_statement": {"de": "Gewinn- und Verlustrechnung", "en": "Income statement"},
    "trial_balance": {"de": "Summen- und Saldenliste", "en": "Trial balance"},
    "assets": {"de": "Aktiva", "en": "Assets"},
    "liabilities_equity": {"de": "Passiva", "en": "Liabilities and equity"},
    "total_assets": {"de": "Summe Aktiva", "en": "Total assets"},
    "total_liabilities_equity": {"de": "Summe Passiva", "en": "Total liabilities and equity"},
    "revenue": {"de": "Erträge", "en": "Revenue"},
    "expenses": {"de": "Aufwendungen", "en": "Expenses"},
    "total_revenue": {"de": "Summe Erträge", "en": "Total revenue"},
    "total_expenses": {"de": "Summe Aufwendungen", "en": "Total expenses"},
    "net_income": {"de": "Jahresüberschuss / -fehlbetrag", "en": "Net income (loss)"},
    "account": {"de": "Konto", "en": "Account"},
    "name": {"de": "Bezeichnung", "en": "Name"},
    "amount": {"de": "Betrag", "en": "Amount"},
    "opening": {"de": "Eröffnung", "en": "Opening"},
    "debit": {"de": "Soll", "en": "Debit"},
    "credit": {"de": "Haben", "en": "Credit"},
    "closing": {"de": "Saldo", "en": "Closing"},
    "total": {"de": "Summe", "en": "Total"},
    "period": {"de": "Zeitraum", "en": "Period"},
    "as_at": {"de": "Stichtag", "en": "As at"},
    "created": {"de": "Erstellt", "en": "Created"},
    "ties_out": {"de": "Die Summen stimmen überein.", "en": "The totals agree."},
    "does_not_tie": {"de": "Die Summen weichen ab!", "en": "The totals differ!"},
    "source": {
        "de": "Aus dem Journal bis Journalnummer {n} (Prüfsumme {hash}).",
        "en": "From the journal up to journal number {n} (hash {hash}).",
    },
    "result_row": {"de": "Periodenergebnis", "en": "Result for the period"},
    "carried_row": {"de": "Ergebnis vor Periodenbeginn", "en": "Result before the period"},
}
SYNTHETIC: Final = {"Periodenergebnis": "result_row", "Ergebnis vor Periodenbeginn": "carried_row"}


@dataclass(frozen=True)
class ReportPage:
    kind: ReportKind
    language: Language
    entity_name: str
    date_from: date
    date_to: date
    created_at: datetime
    journal_number: int
    audit_hash: str


def money(cents: int, language: Language) -> str:
    """-123456 -> '-1.234,56 €' (de) or '-€1,234.56' (en)."""
    cents = int(cents)  # PostgreSQL's sum() of bigint cents arrives as an integral Decimal
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    grouped = f"{whole:,}"
    if language == "de":
        return f"{sign}{grouped.replace(',', '.')},{rest:02d}\u00a0€"
    return f"{sign}€{grouped}.{rest:02d}"


def day(value: date, language: Language) -> str:
    return f"{value:%d.%m.%Y}" if language == "de" else value.isoformat()


def render(page: ReportPage, rows: Iterable[ReportRow]) -> str:
    rows = list(rows)
    body = {
        "balance_sheet": _balance_sheet,
        "income_statement": _income_statement,
        "trial_balance": _trial_balance,
    }[page.kind](page, rows)
    t = _labels(page.language)
    period = (
        f"{t['as_at']}: {day(page.date_to, page.language)}"
        if page.kind == "balance_sheet"
        else f"{t['period']}: {day(page.date_from, page.language)} – "
        f"{day(page.date_to, page.language)}"
    )
    source = t["source"].format(n=page.journal_number, hash=escape(page.audit_hash[:16]))
    title = f"{t[page.kind]} – {page.entity_name}"
    return f"""<!DOCTYPE html>
<html lang="{page.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{escape(t[page.kind])}</h1>
<p class="entity">{escape(page.entity_name)}</p>
<p class="meta">{period} · {t["created"]}: {day(page.created_at.date(), page.language)}</p>
</header>
<main>
{body}
</main>
<footer><p>{source}</p></footer>
</body>
</html>
"""


def _labels(language: Language) -> dict[str, str]:
    return {key: texts[language] for key, texts in LABELS.items()}


def _name(row: ReportRow, language: Language) -> str:
    key = SYNTHETIC.get(row.name) if row.number is None else None
    return LABELS[key][language] if key else row.name


def _cell(text: str, css: str = "", tag: str = "td") -> str:
    attribute = f' class="{css}"' if css else ""
    return f"<{tag}{attribute}>{text}</{tag}>"


def _head(*columns: tuple[str, str]) -> str:
    return "<thead><tr>" + "".join(_cell(t, css, "th") for t, css in columns) + "</tr></thead>"


def _line(number: str, name: str, amounts: Iterable[str]) -> str:
    cells = [_cell(escape(number), "number"), _cell(escape(name))]
    cells += [_cell(amount, "amount") for amount in amounts]
    return "<tr>" + "".join(cells) + "</tr>"


def _table(head: str, lines: Iterable[str], foot: str, css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    body = "\n".join(lines)
    return f"<table{attribute}>\n{head}\n<tbody>\n{body}\n</tbody>\n<tfoot>{foot}</tfoot>\n</table>"


def _section(
    title: str, rows: list[tuple[ReportRow, int]], total_label: str, lang: Language
) -> str:
    head = _head(
        (LABELS["account"][lang], "number"),
        (LABELS["name"][lang], ""),
        (LABELS["amount"][lang], "amount"),
    )
    lines = [_line(r.number or "", _name(r, lang), [money(a, lang)]) for r, a in rows]
    foot = _line("", total_label, [money(sum(a for _, a in rows), lang)])
    return f"<section>\n<h2>{escape(title)}</h2>\n{_table(head, lines, foot)}\n</section>"


def _check(ties: bool, language: Language) -> str:
    css, key = ("ok", "ties_out") if ties else ("off", "does_not_tie")
    return f'<p class="check {css}">{LABELS[key][language]}</p>'


def _balance_sheet(page: ReportPage, rows: list[ReportRow]) -> str:
    lang = page.language
    assets = [(r, r.balance) for r in rows if r.type == "asset" and r.balance]
    other = [(r, -r.balance) for r in rows if r.type != "asset" and r.balance]
    total_assets = sum(amount for _, amount in assets)
    total_other = sum(amount for _, amount in other)
    return "\n".join(
        (
            '<div class="columns">',
            _section(LABELS["assets"][lang], assets, LABELS["total_assets"][lang], lang),
            _section(
                LABELS["liabilities_equity"][lang],
                other,
                LABELS["total_liabilities_equity"][lang],
                lang,
            ),
            "</div>",
            _check(total_assets == total_other, lang),
        )
    )


def _income_statement(page: ReportPage, rows: list[ReportRow]) -> str:
    lang = page.language
    revenue = [(r, -r.balance) for r in rows if r.type == "revenue" and r.balance]
    expenses = [(r, r.balance) for r in rows if r.type == "expense" and r.balance]
    result = sum(a for _, a in revenue) - sum(a for _, a in expenses)
    return "\n".join(
        (
            _section(LABELS["revenue"][lang], revenue, LABELS["total_revenue"][lang], lang),
            _section(LABELS["expenses"][lang], expenses, LABELS["total_expenses"][lang], lang),
            f'<p class="result"><span>{LABELS["net_income"][lang]}</span>'
            f'<span class="amount">{money(result, lang)}</span></p>',
        )
    )


def _trial_balance(page: ReportPage, rows: list[ReportRow]) -> str:
    lang = page.language
    t = _labels(lang)
    head = _head(
        (t["account"], "number"),
        (t["name"], ""),
        *((t[key], "amount") for key in ("opening", "debit", "credit", "closing")),
    )

    def amounts(*values: int) -> list[str]:
        return [money(v, lang) for v in values]

    lines = [
        _line(
            r.number or "",
            _name(r, lang),
            amounts(r.opening_balance, r.debit_total, r.credit_total, r.balance),
        )
        for r in rows
    ]
    debit = sum(r.debit_total for r in rows)
    credit = sum(r.credit_total for r in rows)
    opening = sum(r.opening_balance for r in rows)
    closing = sum(r.balance for r in rows)
    foot = _line("", t["total"], amounts(opening, debit, credit, closing))
    table = _table(head, lines, foot, "wide")
    return f"<section>\n{table}\n</section>\n{_check(debit == credit, lang)}"


CSS: Final = """
@page { size: A4; margin: 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1d2330;
  margin: 0 auto; max-width: 60rem; padding: 2rem 1.5rem; font-size: 10.5pt; line-height: 1.4; }
header { border-bottom: 2px solid #1d3557; margin-bottom: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; color: #1d3557; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; color: #1d3557; }
.entity { font-size: 1.1rem; font-weight: 600; margin: 0; }
.meta { color: #5a6270; margin: .2rem 0 .8rem; }
table { width: 100%; border-collapse: collapse; }
th, td { padding: .3rem .4rem; border-bottom: 1px solid #e3e6ea; text-align: left;
  vertical-align: top; }
th { font-weight: 600; background: #f3f5f8; }
td.number, th.number { width: 5.5rem; font-variant-numeric: tabular-nums; }
td.amount, th.amount { text-align: right; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 700; border-top: 2px solid #1d3557; border-bottom: none; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
.result { display: flex; justify-content: space-between; font-weight: 700; font-size: 1.1rem;
  border-top: 3px double #1d3557; padding-top: .5rem; margin-top: 1.2rem; }
.check { margin-top: 1rem; font-size: .9rem; }
.check.ok { color: #2d6a4f; }
.check.off { color: #b00020; font-weight: 700; }
footer { margin-top: 2rem; color: #5a6270; font-size: .8rem; border-top: 1px solid #e3e6ea; }
@media print { body { padding: 0; max-width: none; } .columns { gap: 1rem; } }
@media (max-width: 40rem) { .columns { grid-template-columns: 1fr; } }
"""
