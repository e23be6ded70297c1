"""Our outgoing invoices as e-invoices (scope debitoren:read): ZUGFeRD / Factur-X EN 16931 PDFs
and XRechnung 3.0 in CII or UBL, from the invoice, its customer and the tenant
(docs/api.md, "E-invoices out")."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Annotated, Literal

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Response

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from ledger.einvoice.model import Address, EInvoice, Line, Party, Totals, VatBreakdown
from ledger.einvoice.write import XRECHNUNG_CII, problems, to_cii, to_ubl, to_zugferd_pdf
from ledger.money import cents_to_decimal

Format = Literal["zugferd", "xrechnung-cii", "xrechnung-ubl"]
HUNDRED = Decimal(100)
SELLER_COUNTRY = "DE"  # the ledger keeps German books (docs/api.md)


@get(
    "/outgoing-invoices/{invoice_id:str}/e-invoice",
    operation_id="GetOutgoingEInvoice",
    opt={"scope": "debitoren:read"},
    tags=["Receivables"],
)
async def e_invoice(
    invoice_id: FromPath[str],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    format: Annotated[Format, QueryParameter()] = "zugferd",
) -> Response[bytes]:
    """The invoice as a ZUGFeRD / Factur-X PDF (`zugferd`, EN 16931) or an XRechnung XML
    (`xrechnung-cii`, `xrechnung-ubl`). What the master data lacks for the format is named:
    422 `EINVOICE_INCOMPLETE`."""
    parsed = convert.require_uuid(invoice_id, "invoice")
    invoice, contact = await _einvoice_of(ledger, caller, parsed)
    guideline = XRECHNUNG_CII if format.startswith("xrechnung") else "urn:cen.eu:en16931:2017"
    missing = problems(invoice, guideline=guideline, seller_contact=contact)
    if missing:
        raise ApiError(
            "EINVOICE_INCOMPLETE",
            f"The invoice cannot be written as {format}: {len(missing)} required term(s) are "
            "missing or do not add up.",
            problems=list(missing),
        )
    if format == "zugferd":
        content = to_zugferd_pdf(invoice, seller_contact=contact)
        media, suffix = "application/pdf", "pdf"
    elif format == "xrechnung-cii":
        content, media, suffix = to_cii(invoice, seller_contact=contact), "application/xml", "xml"
    else:
        content, media, suffix = to_ubl(invoice, seller_contact=contact), "application/xml", "xml"
    name = f"{format}-{invoice.number}.{suffix}".replace("/", "-")
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _einvoice_of(
    ledger: Ledger, caller: Caller, invoice_id
) -> tuple[EInvoice, tuple[str, str, str] | None]:
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select * from invoices where tenant_id = $1 and id = $2 and direction = 'outgoing'",
            caller.tenant_id,
            invoice_id,
        )
        if row is None:
            raise ApiError(
                "NOT_FOUND", "No outgoing invoice with this id exists.", id=str(invoice_id)
            )
        lines = await conn.fetch(
            "select * from invoice_lines where invoice_id = $1 order by position", invoice_id
        )
        party = await conn.fetchrow("select * from parties where id = $1", row["party_id"])
        tenant = await conn.fetchrow("select * from tenants where id = $1", caller.tenant_id)
        ibans = await conn.fetch(
            "select iban from bank_accounts where tenant_id = $1 order by created_at",
            caller.tenant_id,
        )
    einvoice_lines, breakdown = [], defaultdict(lambda: [0, 0])
    for line in lines:
        net = line["line_total_cents"] - line["tax_amount_cents"]
        rate = Decimal(line["tax_rate_bp"]) / HUNDRED
        einvoice_lines.append(
            Line(
                line_id=str(line["position"]),
                name=line["description"],
                description=None,
                quantity=line["quantity"],
                unit_code="C62",  # "one": the unit of a line without one (UN/ECE Rec 20)
                net_price=line["unit_price"],
                net_amount=cents_to_decimal(net),
                vat_category="S" if rate else "E",
                vat_rate=rate,
            )
        )
        sums = breakdown[rate]
        sums[0] += net
        sums[1] += line["tax_amount_cents"]
    net_total = sum(s[0] for s in breakdown.values())
    contact_fields = (tenant["contact_name"], tenant["contact_phone"], tenant["contact_email"])
    contact = contact_fields if all(contact_fields) else None
    invoice = EInvoice(
        syntax="cii",
        specification=None,
        profile="en16931",
        type_code="381" if row["invoice_type"] == "credit_note" else "380",
        number=row["invoice_number"],
        issue_date=row["invoice_date"],
        due_date=row["due_date"],
        currency=row["currency"],
        buyer_reference=None,
        seller=Party(
            name=tenant["company_name"],
            vat_id=tenant["vat_id"],
            tax_number=tenant["tax_id"],
            address=Address(
                street=tenant["street"],
                postcode=tenant["zip"],
                city=tenant["city"],
                country=tenant["country"] or SELLER_COUNTRY,
            ),
            electronic_address=tenant["contact_email"],
        ),
        buyer=Party(
            name=party["name"],
            vat_id=party["vat_id"],
            address=Address(
                street=" ".join(p for p in (party["street"], party["building_number"]) if p)
                or None,
                postcode=party["zip"],
                city=party["city"],
                country=party["country"],
            ),
        ),
        lines=tuple(einvoice_lines),
        vat_breakdown=tuple(
            VatBreakdown(
                category="S" if rate else "E",
                rate=rate,
                taxable_amount=cents_to_decimal(net),
                tax_amount=cents_to_decimal(tax),
                exemption_reason=None if rate else "Steuerfrei",
            )
            for rate, (net, tax) in sorted(breakdown.items())
        ),
        totals=Totals(
            line_total=cents_to_decimal(net_total),
            tax_basis_total=cents_to_decimal(net_total),
            tax_total=cents_to_decimal(row["total_tax_cents"]),
            grand_total=cents_to_decimal(row["total_gross_cents"]),
            prepaid=None,
            due_payable=cents_to_decimal(row["total_gross_cents"] - row["settled_cents"]),
        ),
        payment_terms=None,
        payment_means_code="58" if ibans else None,
        ibans=tuple(r["iban"] for r in ibans[:1]),
        notes=(),
    )
    return invoice, contact


ROUTES = [e_invoice]
