"""The figures of the VAT return (Umsatzsteuer-Voranmeldung) from the period's journal lines:
each Kennzahl with its amount and the postings behind it. A pure fold; the reads are in
`projections/report_queries.py`, the rules in docs/api.md ("VAT return").

A stored line carries the tax code of the booking line it came from. A line on the code's
`vat_account` or `self_assess_account` is tax; any other line with the code is the base. The
base counts on the side a supply or purchase is booked on — revenue credited, purchase
debited — found from the line's profit-and-loss account, so a credit note or a reversal
counts negative. Tax counts credited on output accounts and debited on input accounts.
Revenue accounts for supplies taxed elsewhere (Kz 21, 45, 60) count without a tax code, and
so does a tax posting by hand on a code's tax account (the tax of that code; system codes
first).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Final, Literal
from uuid import UUID

import msgspec

from ledger.tax import TaxCode

LABELS: Final[dict[str, str]] = {
    "81": "Steuerpflichtige Umsätze zum Steuersatz von 19 % (Bemessungsgrundlage)",
    "86": "Steuerpflichtige Umsätze zum Steuersatz von 7 % (Bemessungsgrundlage)",
    "87": "Umsätze zum Steuersatz von 0 % (§ 12 Abs. 3 UStG)",
    "35": "Umsätze zu anderen Steuersätzen (Bemessungsgrundlage)",
    "36": "Umsätze zu anderen Steuersätzen (Steuer)",
    "41": "Innergemeinschaftliche Lieferungen an Abnehmer mit USt-IdNr.",
    "43": "Weitere steuerfreie Umsätze mit Vorsteuerabzug (z. B. Ausfuhrlieferungen)",
    "48": "Steuerfreie Umsätze ohne Vorsteuerabzug",
    "89": "Innergemeinschaftliche Erwerbe zum Steuersatz von 19 % (Bemessungsgrundlage)",
    "93": "Innergemeinschaftliche Erwerbe zum Steuersatz von 7 % (Bemessungsgrundlage)",
    "95": "Innergemeinschaftliche Erwerbe zu anderen Steuersätzen (Bemessungsgrundlage)",
    "98": "Innergemeinschaftliche Erwerbe zu anderen Steuersätzen (Steuer)",
    "46": "Sonstige Leistungen eines im übrigen Gemeinschaftsgebiet ansässigen Unternehmers "
    "(§ 13b Abs. 1 UStG, Bemessungsgrundlage)",
    "47": "Sonstige Leistungen nach § 13b Abs. 1 UStG (Steuer)",
    "84": "Andere Leistungen nach § 13b UStG (Bemessungsgrundlage)",
    "85": "Andere Leistungen nach § 13b UStG (Steuer)",
    "21": "Nicht steuerbare sonstige Leistungen im übrigen Gemeinschaftsgebiet (§ 18b UStG)",
    "45": "Übrige nicht steuerbare Umsätze (Leistungsort nicht im Inland)",
    "60": "Steuerpflichtige Umsätze, für die der Leistungsempfänger die Steuer schuldet "
    "(§ 13b Abs. 5 UStG)",
    "66": "Vorsteuerbeträge aus Rechnungen von anderen Unternehmern",
    "61": "Vorsteuerbeträge aus dem innergemeinschaftlichen Erwerb",
    "67": "Vorsteuerbeträge aus Leistungen im Sinne des § 13b UStG",
    "83": "Verbleibende Umsatzsteuer-Vorauszahlung (Überschuss: negativ)",
}
# Bases are reported in whole euros (cents dropped), taxes in euros and cents.
BASES: Final = frozenset({"81", "86", "87", "35", "41", "43", "48", "89", "93", "95", "46", "84"})
BASES_WITHOUT_CODE: Final = frozenset({"21", "45", "60"})
INPUT_TAX: Final = frozenset({"66", "61", "67"})

# Revenue accounts whose supplies are reported without a tax code, per chart.
ACCOUNT_FIGURES: Final[dict[str, dict[str, str]]] = {
    "skr04": {"4336": "21", "4338": "45", "4339": "45", "4335": "60", "4337": "60"},
    "skr03": {"8336": "21", "8338": "45", "8339": "45", "8335": "60", "8337": "60"},
}
_OTHER_RATE = {"output": ("35", "36"), "intra_eu_acquisition": ("95", "98")}
_BASE_BY_RATE = {
    "output": {1900: "81", 700: "86", 0: "87"},
    "intra_eu_acquisition": {1900: "89", 700: "93"},
}
_BASE_BY_KIND = {
    "tax_free_intra_eu": "41",
    "tax_free_export": "43",
    "tax_free": "48",
    "reverse_charge": "84",
    "reverse_charge_eu": "46",
}
# Self-assessed tax: the figure its output side belongs to (19 % / 7 % igE tax is computed on
# the form from the base and only enters 83), and the input-tax figure of its deductible side.
_SELF_ASSESSED = {
    "reverse_charge": ("85", "67"),
    "reverse_charge_eu": ("47", "67"),
    "intra_eu_acquisition": (None, "61"),
}
_PURCHASES = frozenset({"intra_eu_acquisition", "reverse_charge", "reverse_charge_eu", "input"})


class VatLine(msgspec.Struct, frozen=True, kw_only=True):
    journal_number: int
    intent_id: UUID
    booking_date: date
    account_debit: str
    account_credit: str
    amount_cents: int
    tax_code: str | None


class Contribution(msgspec.Struct, frozen=True, kw_only=True):
    line: VatLine
    cents: int  # what the line adds to the figure (negative for a credit note)


class Figure(msgspec.Struct, kw_only=True):
    kz: str
    label: str
    kind: Literal["base", "tax", "total"]
    cents: int = 0
    postings: list[Contribution] = msgspec.field(default_factory=list)

    @property
    def form_cents(self) -> int:
        """What goes on the form: bases in whole euros (toward zero), taxes to the cent."""
        if self.kind == "base":
            whole = abs(self.cents) // 100 * 100
            return whole if self.cents >= 0 else -whole
        return self.cents


class VatReturn(msgspec.Struct, kw_only=True):
    figures: dict[str, Figure]
    output_tax_cents: int  # all tax owed: output and self-assessed
    input_tax_cents: int  # all input tax deducted (66, 61, 67)
    unassigned: list[VatLine]  # tax-coded lines of an unknown or zero-rate code without a figure


def vat_return(
    lines: Iterable[VatLine],
    codes: Mapping[str, TaxCode],
    account_types: Mapping[str, str],
    framework: str,
) -> VatReturn:
    """`codes` by upper-case code; `account_types` by account number."""
    figures: dict[str, Figure] = {}
    output_tax = input_tax = 0
    unassigned = []
    by_account = ACCOUNT_FIGURES[framework]

    def add(kz: str, line: VatLine, cents: int) -> None:
        kind = "base" if kz in BASES or kz in BASES_WITHOUT_CODE else "tax"
        figure = figures.setdefault(kz, Figure(kz=kz, label=LABELS[kz], kind=kind))
        figure.cents += cents
        figure.postings.append(Contribution(line=line, cents=cents))

    by_tax_account: dict[str, TaxCode] = {}
    for known in sorted(codes.values(), key=lambda c: (not c.is_system, c.code)):
        for account in (known.vat_account, known.self_assess_account):
            if account is not None:
                by_tax_account.setdefault(account, known)
    for line in lines:
        code = codes.get(line.tax_code.upper()) if line.tax_code else None
        if code is None and not line.tax_code:
            # A tax posting by hand: the tax of the code that books on that account.
            code = by_tax_account.get(line.account_debit) or by_tax_account.get(line.account_credit)
        if code is None:
            for account, sign in ((line.account_credit, 1), (line.account_debit, -1)):
                if account in by_account:
                    add(by_account[account], line, sign * line.amount_cents)
            if line.tax_code:
                unassigned.append(line)
            continue
        tax_accounts = {code.vat_account, code.self_assess_account} - {None}
        if line.account_debit in tax_accounts or line.account_credit in tax_accounts:
            tax = _tax(line, code)
            if code.self_assess_account is not None:
                owed_kz, deducted_kz = _SELF_ASSESSED.get(code.kind, (None, "66"))
                owed = _signed(line, code.self_assess_account, credit_positive=True)
                deducted = _signed(line, code.vat_account, credit_positive=False)
                output_tax += owed
                input_tax += deducted
                if owed_kz is not None and owed:
                    add(owed_kz, line, owed)
                elif owed and code.rate_bp not in (1900, 700):
                    add(_OTHER_RATE["intra_eu_acquisition"][1], line, owed)
                if deducted:
                    add(deducted_kz, line, deducted)
            elif code.kind in _PURCHASES:
                input_tax += tax
                add("66", line, tax)
            else:
                output_tax += tax
                if code.rate_bp not in (1900, 700):
                    add(_OTHER_RATE["output"][1], line, tax)
            continue
        kz = _base_figure(code)
        if kz is None:
            continue  # an input-tax purchase: its base is not on the return
        add(kz, line, _base(line, code, account_types))
    figures_total = output_tax - input_tax
    total = Figure(kz="83", label=LABELS["83"], kind="total", cents=figures_total)
    figures["83"] = total
    return VatReturn(
        figures=dict(sorted(figures.items(), key=lambda item: _ORDER.index(item[0]))),
        output_tax_cents=output_tax,
        input_tax_cents=input_tax,
        unassigned=unassigned,
    )


_ORDER: Final = list(LABELS)


def _base_figure(code: TaxCode) -> str | None:
    if code.kind in _BASE_BY_RATE:
        by_rate = _BASE_BY_RATE[code.kind]
        return by_rate.get(code.rate_bp, _OTHER_RATE[code.kind][0])
    return _BASE_BY_KIND.get(code.kind)


def _tax(line: VatLine, code: TaxCode) -> int:
    """A plain code's tax: credited output tax and debited input tax count positive."""
    return _signed(line, code.vat_account, credit_positive=code.kind not in _PURCHASES)


def _signed(line: VatLine, account: str | None, *, credit_positive: bool) -> int:
    if account == line.account_credit:
        return line.amount_cents if credit_positive else -line.amount_cents
    if account == line.account_debit:
        return -line.amount_cents if credit_positive else line.amount_cents
    return 0


def _base(line: VatLine, code: TaxCode, account_types: Mapping[str, str]) -> int:
    """A supply counts where revenue is credited, a purchase where expense (or an asset) is
    debited; the side is the line's profit-and-loss account when it has exactly one."""
    purchase = code.kind in _PURCHASES
    debit_pl = account_types.get(line.account_debit) in ("revenue", "expense")
    credit_pl = account_types.get(line.account_credit) in ("revenue", "expense")
    # Exactly one profit-and-loss account tells the side; otherwise the usual one.
    coded_on_debit = debit_pl if debit_pl != credit_pl else purchase
    natural = coded_on_debit == purchase
    return line.amount_cents if natural else -line.amount_cents
