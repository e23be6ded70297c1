"""Does an incoming document carry what § 14 Abs. 4 UStG asks of an invoice (reference §3, "E-mail
inbox": § 14 UStG compliance check and document-type classification)? Pure: the extracted
fields and today's date in, one `ComplianceCheck` out; the inbox shows it, the bookkeeper
decides.

Document type, in this order:

1. `booking_aid`: ZUGFeRD MINIMUM / BASIC WL (formats.md §4.1); not an invoice, checked anyway
   so the bookkeeper sees what to ask the vendor for.
2. `not_an_invoice`: nothing told the extraction it is an invoice, and it has neither an
   invoice number nor any total. No checks.
3. `credit_note` stays `credit_note`.
4. `small_amount_invoice`: gross at most 250 EUR (§ 33 UStDV, Kleinbetragsrechnung).
5. `invoice` otherwise.

The rule set: gross at most 250 EUR (an absolute amount in EUR, or in no stated currency) takes
the reduced set of § 33 UStDV, also for a credit note or booking aid; every other document the
full set of § 14 Abs. 4 UStG. Rules outside the set are `not_applicable`, and so is whichever
of "tax rate and amount" or "exemption note" the tax amount does not call for.

What is checked is what was extracted: a field the extraction did not find fails with a
detail that says so, even where the paper may show it. Not checked: the address of the
recipient (not extracted), Nr. 7's agreed reductions of the price (Skonto), Nr. 9 (the
retention note for private recipients) and Nr. 10 (the word "Gutschrift" on self-billing).

`compliant` is true when the document is an invoice (or credit note) and every applicable
check passed; `passed` and `total` count the applicable checks only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Final, Literal, NamedTuple

import msgspec
from stdnum.eu import vat as eu_vat

from ledger.einvoice.extracted import ExtractedInvoice

CheckStatus = Literal["passed", "failed", "not_applicable"]
ComplianceDocumentType = Literal[
    "invoice", "credit_note", "booking_aid", "small_amount_invoice", "not_an_invoice"
]

SMALL_AMOUNT_GROSS_MAX_EUR: Final = Decimal(250)  # § 33 S. 1 UStDV since 2017
HUNDRED: Final = Decimal(100)
SMALL_AMOUNT_DETAIL: Final = "Kleinbetragsrechnung bis 250 EUR (§ 33 UStDV): nicht verlangt"
# A note that the supply is exempt or the recipient owes the tax (§ 14 Abs. 4 S. 1 Nr. 8
# UStG, § 14a Abs. 1, 3 and 5 UStG, § 19 UStG), as German or English invoices word it.
EXEMPTION_NOTE: Final = re.compile(
    r"steuer(?:frei|befrei)|nicht\s+(?:im\s+inland\s+)?steuerbar|kleinunternehmer"
    r"|§\s*4\s*nr\.?\s*\d+\s*\w?\s*ustg|§\s*19\s*(?:abs\.?\s*1\s*)?ustg|§\s*13b\s*ustg"
    r"|steuerschuldnerschaft\s+des\s+leistungsempf(?:ä|ae)ngers|reverse[\s-]charge"
    r"|innergemeinschaftliche\s+lieferung|(?:vat|tax)[\s-]exempt|exempt\s+from\s+vat",
    re.IGNORECASE,
)


class Check(msgspec.Struct, frozen=True, kw_only=True):
    rule: str  # stable id, see RULES
    label: str  # German, for a bookkeeper
    status: CheckStatus
    detail: str | None = None


class ComplianceCheck(msgspec.Struct, frozen=True, kw_only=True):
    document_type: ComplianceDocumentType
    is_invoice: bool
    compliant: bool
    passed: int  # applicable checks that passed
    total: int  # applicable checks
    checks: tuple[Check, ...]


class Facts(NamedTuple):
    """What every rule may look at: the document, the day of the check, the rule set."""

    invoice: ExtractedInvoice
    today: date
    small_amount: bool


Outcome = tuple[CheckStatus, str | None]


class Rule(NamedTuple):
    rule: str  # stable id
    label: str  # German, for a bookkeeper
    evaluate: Callable[[Facts], Outcome]


def check_invoice(extracted: ExtractedInvoice, *, today: date) -> ComplianceCheck:
    document_type = document_type_of(extracted)
    is_invoice = document_type not in ("booking_aid", "not_an_invoice")
    if document_type == "not_an_invoice":
        checks: tuple[Check, ...] = ()
    else:
        facts = Facts(invoice=extracted, today=today, small_amount=is_small_amount(extracted))
        checks = tuple(_run(rule, facts) for rule in RULES)
    applicable = [check for check in checks if check.status != "not_applicable"]
    passed = sum(check.status == "passed" for check in applicable)
    return ComplianceCheck(
        document_type=document_type,
        is_invoice=is_invoice,
        compliant=is_invoice and passed == len(applicable),
        passed=passed,
        total=len(applicable),
        checks=checks,
    )


def document_type_of(extracted: ExtractedInvoice) -> ComplianceDocumentType:
    """The classification in the module docstring, first match wins."""
    if extracted.document_type == "booking_aid":
        return "booking_aid"
    totals = (extracted.total_net, extracted.total_tax, extracted.total_gross)
    if (
        extracted.document_type == "unknown"
        and not _present(extracted.invoice_number)
        and all(total is None for total in totals)
    ):
        return "not_an_invoice"
    if extracted.document_type == "credit_note":
        return "credit_note"
    return "small_amount_invoice" if is_small_amount(extracted) else "invoice"


def is_small_amount(extracted: ExtractedInvoice) -> bool:
    """Gross at most 250 EUR (§ 33 UStDV); a missing currency is taken to be EUR."""
    gross = extracted.total_gross
    in_euro = extracted.currency is None or extracted.currency.upper() == "EUR"
    return gross is not None and in_euro and abs(gross) <= SMALL_AMOUNT_GROSS_MAX_EUR


def _run(rule: Rule, facts: Facts) -> Check:
    if facts.small_amount and rule.rule not in SMALL_AMOUNT_RULES:
        return Check(
            rule=rule.rule, label=rule.label, status="not_applicable", detail=SMALL_AMOUNT_DETAIL
        )
    status, detail = rule.evaluate(facts)
    return Check(rule=rule.rule, label=rule.label, status=status, detail=detail)


# § 14 Abs. 4 S. 1 Nr. 1 UStG; § 33 S. 1 Nr. 1 UStDV.
def _supplier_name_address(facts: Facts) -> Outcome:
    missing = [
        what
        for what, value in (
            ("Name", facts.invoice.vendor_name),
            ("Anschrift", facts.invoice.vendor_address),
        )
        if not _present(value)
    ]
    if missing:
        return "failed", f"{' und '.join(missing)} des Lieferanten nicht erkannt"
    return "passed", None


# § 14 Abs. 4 S. 1 Nr. 1 UStG; the recipient's address is not extracted, so only the name.
def _recipient_name_address(facts: Facts) -> Outcome:
    if not _present(facts.invoice.buyer_name):
        return "failed", "Name des Leistungsempfängers nicht erkannt"
    return "passed", "Nur der Name geprüft; die Anschrift wird nicht ausgelesen"


# § 14 Abs. 4 S. 1 Nr. 2 UStG: Steuernummer or USt-IdNr. (format and check digits).
def _tax_number_or_vat_id(facts: Facts) -> Outcome:
    vat_id = facts.invoice.vendor_vat_id
    if vat_id is not None and eu_vat.is_valid(vat_id):
        return "passed", None
    invalid = f"USt-IdNr. {vat_id} ungültig" if _present(vat_id) else None
    if _present(facts.invoice.vendor_tax_number):
        return "passed", None if invalid is None else f"{invalid}; Steuernummer angegeben"
    return "failed", invalid or "Weder Steuernummer noch USt-IdNr. des Lieferanten erkannt"


# § 14 Abs. 4 S. 1 Nr. 3 UStG; § 33 S. 1 Nr. 2 UStDV.
def _invoice_date(facts: Facts) -> Outcome:
    issued = facts.invoice.invoice_date
    if issued is None:
        return "failed", "Rechnungsdatum fehlt"
    if issued > facts.today:
        return "failed", f"Rechnungsdatum {issued.isoformat()} liegt in der Zukunft"
    return "passed", None


# § 14 Abs. 4 S. 1 Nr. 4 UStG: a number, unique per issuer (uniqueness is not visible here).
def _invoice_number(facts: Facts) -> Outcome:
    if not _present(facts.invoice.invoice_number):
        return "failed", "Rechnungsnummer fehlt"
    return "passed", None


# § 14 Abs. 4 S. 1 Nr. 5 UStG; § 33 S. 1 Nr. 3 UStDV: what was supplied, line by line.
def _delivery_description(facts: Facts) -> Outcome:
    lines = facts.invoice.line_items
    if not lines:
        return "failed", "Keine Positionen erkannt"
    unnamed = [str(n) for n, line in enumerate(lines, start=1) if not _present(line.description)]
    if unnamed:
        return "failed", f"Position {', '.join(unnamed)} ohne Bezeichnung"
    return "passed", None


# § 14 Abs. 4 S. 1 Nr. 6 UStG: the date of supply, also when it equals the invoice date.
def _delivery_date(facts: Facts) -> Outcome:
    if facts.invoice.delivery_date is not None:
        return "passed", None
    if facts.invoice.layer == "einvoice":
        return "passed", (
            "E-Rechnung: Leistungsdatum oder -zeitraum kann auf Positionsebene stehen "
            "(EN 16931); nicht ausgelesen"
        )
    return "failed", "Leistungsdatum fehlt (ein Hinweis 'Leistungsdatum = Rechnungsdatum' genügt)"


# § 14 Abs. 4 S. 1 Nr. 7 UStG: the net amount, broken down by tax rate when there are several.
def _net_amount_by_rate(facts: Facts) -> Outcome:
    invoice = facts.invoice
    if invoice.total_net is None:
        return "failed", "Nettobetrag fehlt"
    if len(invoice.tax_rates) <= 1:
        return "passed", None
    itemized = {
        line.tax_rate * HUNDRED
        for line in invoice.line_items
        if line.tax_rate is not None and line.line_total is not None
    }
    missing = [rate for rate in invoice.tax_rates if rate not in itemized]
    if missing:
        rates = ", ".join(f"{rate.normalize():f} %" for rate in missing)
        return "failed", f"Nettobetrag je Steuersatz nicht erkannt ({rates})"
    return "passed", None


# § 14 Abs. 4 S. 1 Nr. 8 UStG: rate and tax amount; § 33 S. 1 Nr. 4 UStDV: the rate only.
def _tax_rate_and_amount(facts: Facts) -> Outcome:
    invoice = facts.invoice
    if _tax_free(invoice):
        return "not_applicable", "Kein Steuerbetrag: ein Hinweis auf die Steuerbefreiung gilt"
    missing = [] if invoice.tax_rates else ["Steuersatz"]
    if invoice.total_tax is None and not facts.small_amount:
        missing.append("Steuerbetrag")
    if missing:
        return "failed", f"{' und '.join(missing)} nicht erkannt"
    return "passed", None


# § 14 Abs. 4 S. 1 Nr. 8 UStG; § 33 S. 1 Nr. 4 UStDV: an exempt supply needs a note saying so.
def _tax_exemption_note(facts: Facts) -> Outcome:
    invoice = facts.invoice
    if not _tax_free(invoice) and Decimal(0) not in invoice.tax_rates:
        return "not_applicable", None
    if EXEMPTION_NOTE.search(invoice.raw_markdown) is None:
        return "failed", "Keine Steuer ausgewiesen, aber kein Hinweis auf eine Steuerbefreiung"
    return "passed", None


# § 14 Abs. 4 S. 1 Nr. 7 and 8 UStG; § 33 S. 1 Nr. 4 UStDV (net and tax in one sum).
def _total(facts: Facts) -> Outcome:
    net, tax, gross = facts.invoice.total_net, facts.invoice.total_tax, facts.invoice.total_gross
    if gross is None:
        return "failed", "Bruttobetrag fehlt"
    if net is not None and tax is not None and net + tax != gross:
        return "failed", f"Netto {net} + Steuer {tax} ergibt nicht den Bruttobetrag {gross}"
    return "passed", None


# In the order of § 14 Abs. 4 S. 1 UStG, each row's function citing its § and Nr.
RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "supplier_name_address",
        "Name und Anschrift des leistenden Unternehmers",
        _supplier_name_address,
    ),
    Rule(
        "recipient_name_address",
        "Name und Anschrift des Leistungsempfängers",
        _recipient_name_address,
    ),
    Rule(
        "tax_number_or_vat_id",
        "Steuernummer oder USt-IdNr. des leistenden Unternehmers",
        _tax_number_or_vat_id,
    ),
    Rule("invoice_date", "Ausstellungsdatum", _invoice_date),
    Rule("invoice_number", "Fortlaufende Rechnungsnummer", _invoice_number),
    Rule(
        "delivery_description",
        "Menge und Art der Lieferung oder Art und Umfang der Leistung",
        _delivery_description,
    ),
    Rule("delivery_date", "Zeitpunkt der Lieferung oder Leistung", _delivery_date),
    Rule("net_amount_by_rate", "Entgelt nach Steuersätzen aufgeschlüsselt", _net_amount_by_rate),
    Rule("tax_rate_and_amount", "Steuersatz und Steuerbetrag", _tax_rate_and_amount),
    Rule("tax_exemption_note", "Hinweis auf eine Steuerbefreiung", _tax_exemption_note),
    Rule("total", "Rechnungsbetrag (brutto)", _total),
)
# § 33 S. 1 UStDV: what a Kleinbetragsrechnung (gross at most 250 EUR) must still show.
SMALL_AMOUNT_RULES: Final = frozenset(
    {
        "supplier_name_address",  # Nr. 1, name and address of the supplier
        "invoice_date",  # Nr. 2
        "delivery_description",  # Nr. 3
        "tax_rate_and_amount",  # Nr. 4, gross and tax rate (the rate only, see the rule)
        "tax_exemption_note",  # Nr. 4, or a note on the exemption
        "total",  # Nr. 4, net and tax in one sum
    }
)


def _tax_free(invoice: ExtractedInvoice) -> bool:
    """No tax on the document: a tax amount of 0, or only rates of 0 %."""
    if invoice.total_tax is not None:
        return invoice.total_tax == 0
    return bool(invoice.tax_rates) and all(rate == 0 for rate in invoice.tax_rates)


def _present(text: str | None) -> bool:
    return text is not None and bool(text.strip())


__all__ = [
    "RULES",
    "SMALL_AMOUNT_RULES",
    "Check",
    "ComplianceCheck",
    "check_invoice",
    "document_type_of",
    "is_small_amount",
]
