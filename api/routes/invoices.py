"""Outgoing invoices (`/v1/outgoing-invoices`, debitoren) and incoming invoices
(`/v1/invoices`, kreditoren): list, create, read, change, open items, ageing."""

# No `from __future__ import annotations`: the answer types are per direction, locals of
# `routes_for`, which Litestar must see as classes, not names.
import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from litestar import get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.routes.query import require_date_range
from ledger.events import InvoiceDirection, InvoiceLine
from ledger.intents import ChangeInvoice, RecordInvoice
from ledger.money import cents_to_decimal
from ledger.writer import TENANT_TIMEZONE
from projections import invoices as invoice_queries
from schemas import limits
from schemas.invoices import (
    INCOMING,
    OUTGOING,
    IncomingInvoiceIn,
    InvoiceLineOut,
    InvoicePatchIn,
    InvoiceSchemas,
    InvoiceStatus,
    InvoiceType,
    OpenItemOut,
    OutgoingInvoiceIn,
)

BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def bucket_of(as_of: date, due_date: date | None) -> str:
    """Ageing bucket by days past due on `as_of`; not yet due (or no due date): current."""
    days = 0 if due_date is None else (as_of - due_date).days
    if days <= 0:
        return "current"
    if days <= 30:
        return "days_1_30"
    if days <= 60:
        return "days_31_60"
    if days <= 90:
        return "days_61_90"
    return "days_over_90"


def _line(line: Any) -> InvoiceLine:
    return InvoiceLine(
        position=line.position,
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        tax_rate_bp=int(line.tax_rate * 10_000),
        tax_amount_cents=convert.cents(line.tax_amount),
        line_total_cents=convert.cents(line.line_total),
        account_number=line.account_number,
    )


def _line_out(row: Any) -> InvoiceLineOut:
    return InvoiceLineOut(
        position=row["position"],
        description=row["description"],
        quantity=row["quantity"],
        unit_price=row["unit_price"],
        tax_rate=(Decimal(row["tax_rate_bp"]) / 10_000).normalize(),
        tax_amount=cents_to_decimal(row["tax_amount_cents"]),
        line_total=cents_to_decimal(row["line_total_cents"]),
        account_number=row["account_number"],
    )


def _summary_values(row: Any, party: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        f"{party}_id": row["party_id"],
        f"{party}_name": row["party_name"],
        "invoice_number": row["invoice_number"],
        "invoice_date": row["invoice_date"],
        "due_date": row["due_date"],
        "currency": row["currency"],
        "total_net": cents_to_decimal(row["total_net_cents"]),
        "total_tax": cents_to_decimal(row["total_tax_cents"]),
        "total_gross": cents_to_decimal(row["total_gross_cents"]),
        "type": row["invoice_type"],
        "status": row["status"],
        "remaining_amount": cents_to_decimal(row["remaining_cents"]),
        "intent_id": row["intent_id"],
        "document_id": row["document_id"],
    }


def _today(ledger: Ledger) -> date:
    return ledger.clock().astimezone(TENANT_TIMEZONE).date()


def routes_for(
    direction: InvoiceDirection,
    path: str,
    module: str,
    party: str,
    schemas: InvoiceSchemas,
    body: type,
    label: str,
) -> list[Any]:
    tags = [label]
    read, write = {"scope": f"{module}:read"}, {"scope": f"{module}:write"}
    name = label.replace(" ", "")
    summary_out, invoice_out, page_out = schemas.summary, schemas.invoice, schemas.page
    open_items_out, party_items_out = schemas.open_items, schemas.party_items
    ageing_out, ageing_row_out = schemas.ageing, schemas.ageing_row

    async def read_invoice(ledger: Ledger, caller: Caller, invoice_id: uuid.UUID) -> Any:
        async with ledger.pool.acquire() as conn:
            row, lines = await invoice_queries.invoice(
                conn, caller.tenant_id, direction, invoice_id, _today(ledger)
            )
        if row is None:
            raise ApiError("NOT_FOUND", "No invoice with this id exists.", id=str(invoice_id))
        return invoice_out(
            **_summary_values(row, party),
            notes=row["notes"],
            lines=[_line_out(line) for line in lines],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )

    @get(f"/{path}", operation_id=f"Get{name}s", opt=read, tags=tags)
    async def list_invoices(
        caller: NamedDependency[Caller],
        ledger: NamedDependency[Ledger],
        party_id: Annotated[uuid.UUID | None, QueryParameter(name=f"{party}_id")] = None,
        status: Annotated[InvoiceStatus | None, QueryParameter(name="status")] = None,
        invoice_type: Annotated[InvoiceType | None, QueryParameter(name="type")] = None,
        start_date: Annotated[date | None, QueryParameter(name="start_date")] = None,
        end_date: Annotated[date | None, QueryParameter(name="end_date")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=limits.INVOICES_PAGE_MAX)] = (
            limits.INVOICES_PAGE_DEFAULT
        ),
        offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
    ) -> page_out:  # type: ignore[valid-type]
        require_date_range(start_date, end_date)
        async with ledger.pool.acquire() as conn:
            rows, total = await invoice_queries.page(
                conn,
                caller.tenant_id,
                direction,
                today=_today(ledger),
                party_id=party_id,
                status=status,
                invoice_type=invoice_type,
                start=start_date,
                end=end_date,
                limit=limit,
                offset=offset,
            )
        invoices = [summary_out(**_summary_values(row, party)) for row in rows]
        return page_out(invoices=invoices, total=total, limit=limit, offset=offset)

    @post(
        f"/{path}",
        operation_id=f"Post{name}",
        opt=write,
        status_code=201,
        tags=tags,
        request_max_body_size=limits.LIST_BODY_BYTES_MAX,
    )
    async def create_invoice(
        data: JSONBody[body],  # type: ignore[valid-type]
        caller: NamedDependency[Caller],
        ledger: NamedDependency[Ledger],
    ) -> invoice_out:  # type: ignore[valid-type]
        invoice_id = uuid.uuid4()
        await ledger.writers.submit_one(
            RecordInvoice(
                **caller.stamp(),
                invoice_id=invoice_id,
                direction=direction,
                party_id=getattr(data, f"{party}_id"),
                invoice_type=data.type,
                invoice_number=data.invoice_number,
                invoice_date=data.invoice_date,
                due_date=data.due_date,
                currency=data.currency,
                total_net_cents=convert.cents(data.total_net),
                total_tax_cents=convert.cents(data.total_tax),
                total_gross_cents=convert.cents(data.total_gross),
                lines=tuple(_line(line) for line in data.lines),
                intent_id=data.intent_id,
                document_id=data.document_id,
                notes=data.notes,
                book=data.book,
            )
        )
        return await read_invoice(ledger, caller, invoice_id)

    @get(f"/{path}/open-items", operation_id=f"Get{name}OpenItems", opt=read, tags=tags)
    async def open_items(
        caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
    ) -> open_items_out:  # type: ignore[valid-type]
        async with ledger.pool.acquire() as conn:
            rows = await invoice_queries.open_items(
                conn, caller.tenant_id, direction, _today(ledger)
            )
        groups: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for row in rows:
            groups[row["party_id"]].append(row)
        parties = []
        for party_id, items in groups.items():
            invoices = [r for r in items if r["invoice_type"] == "invoice"]
            total_open = sum(r["remaining_cents"] for r in invoices)
            credit = sum(r["credit_open_cents"] for r in items if r["invoice_type"] != "invoice")
            parties.append(
                party_items_out(
                    **{f"{party}_id": party_id, f"{party}_name": items[0]["party_name"]},
                    account_number=items[0]["account_number"],
                    total_open=cents_to_decimal(total_open),
                    credit_note_total=cents_to_decimal(credit),
                    net_open=cents_to_decimal(total_open - credit),
                    invoices=[_open_item(r) for r in invoices],
                )
            )
        return open_items_out(**{f"{party}s": parties})

    @get(f"/{path}/ageing", operation_id=f"Get{name}Ageing", opt=read, tags=tags)
    async def ageing(
        caller: NamedDependency[Caller],
        ledger: NamedDependency[Ledger],
        as_of: Annotated[date | None, QueryParameter(name="as_of")] = None,
    ) -> ageing_out:  # type: ignore[valid-type]
        day = as_of or _today(ledger)
        async with ledger.pool.acquire() as conn:
            rows = await invoice_queries.open_items(conn, caller.tenant_id, direction, day)
        sums: dict[uuid.UUID, dict[str, int]] = {}
        names: dict[uuid.UUID, str] = {}
        for row in rows:
            if row["invoice_type"] != "invoice" or row["invoice_date"] > day:
                continue
            cells = sums.setdefault(row["party_id"], dict.fromkeys(BUCKETS, 0))
            cells[bucket_of(day, row["due_date"])] += row["remaining_cents"]
            names[row["party_id"]] = row["party_name"]

        def row_out(party_id: uuid.UUID | None, label: str, cells: dict[str, int]) -> Any:
            return ageing_row_out(
                **{f"{party}_id": party_id, f"{party}_name": label},
                **{bucket: cents_to_decimal(cells[bucket]) for bucket in BUCKETS},
                total=cents_to_decimal(sum(cells.values())),
            )

        totals = {bucket: sum(cells[bucket] for cells in sums.values()) for bucket in BUCKETS}
        return ageing_out(
            as_of=day,
            rows=[row_out(p, names[p], cells) for p, cells in sums.items()],
            totals=row_out(None, "total", totals),
        )

    @get(f"/{path}/{{invoice_id:str}}", operation_id=f"Get{name}", opt=read, tags=tags)
    async def get_invoice(
        invoice_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
    ) -> invoice_out:  # type: ignore[valid-type]
        return await read_invoice(ledger, caller, convert.require_uuid(invoice_id, "invoice"))

    @patch(
        f"/{path}/{{invoice_id:str}}",
        operation_id=f"Patch{name}",
        opt=write,
        tags=tags,
        request_max_body_size=limits.LIST_BODY_BYTES_MAX,
    )
    async def change_invoice(
        invoice_id: FromPath[str],
        data: JSONBody[InvoicePatchIn],
        caller: NamedDependency[Caller],
        ledger: NamedDependency[Ledger],
    ) -> invoice_out:  # type: ignore[valid-type]
        parsed = convert.require_uuid(invoice_id, "invoice")
        changes = convert.given_fields(data)
        await ledger.writers.submit_one(
            ChangeInvoice(**caller.stamp(), invoice_id=parsed, direction=direction, changes=changes)
        )
        return await read_invoice(ledger, caller, parsed)

    list_invoices.__doc__ = f"{label}s, newest first; `status` is computed as of today."
    create_invoice.__doc__ = (
        f"Record an {label.lower()} or credit note with its lines; totals must add up. "
        "Posts nothing: book it and link the intent (here or by PATCH)."
    )
    open_items.__doc__ = "Linked invoices with an amount left, and credit notes, by party."
    ageing.__doc__ = "Open amounts by days past due (current, 1-30, 31-60, 61-90, > 90)."
    change_invoice.__doc__ = "Set `intent_id` (once), `notes`, `due_date`; `null` clears."
    return [list_invoices, create_invoice, open_items, ageing, get_invoice, change_invoice]


def _open_item(row: Any) -> OpenItemOut:
    return OpenItemOut(
        id=row["id"],
        invoice_number=row["invoice_number"],
        invoice_date=row["invoice_date"],
        due_date=row["due_date"],
        total_gross=cents_to_decimal(row["total_gross_cents"]),
        type=row["invoice_type"],
        status=row["status"],
        currency=row["currency"],
        remaining_amount=cents_to_decimal(row["remaining_cents"]),
        base_amount=cents_to_decimal(
            invoice_queries.base_cents(
                row["currency"],
                row["remaining_cents"],
                row["total_gross_cents"],
                row["booked_eur_cents"],
            )
        ),
        base_currency="EUR",
        intent_id=row["intent_id"],
    )


ROUTES = [
    *routes_for(
        "outgoing",
        "outgoing-invoices",
        "debitoren",
        "customer",
        OUTGOING,
        OutgoingInvoiceIn,
        "Outgoing invoice",
    ),
    *routes_for(
        "incoming",
        "invoices",
        "kreditoren",
        "vendor",
        INCOMING,
        IncomingInvoiceIn,
        "Incoming invoice",
    ),
]
