"""What the writer looks up before deciding a batch: the rows of the read tables its intents
refer to (retries, duplicates, reversal targets, documents, invoices, runs, bank transactions,
a closing period's lines), each fetched only when an intent of the batch needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import asyncpg
import msgspec
from dateutil.relativedelta import relativedelta

from ledger.bank_import import KnownBankTx
from ledger.decide import booking_fingerprint
from ledger.events import Fx, Settlement
from ledger.inbox.items import KnownInboxItem
from ledger.inbox.review import KnownCase, ReviewInvoice
from ledger.intents import (
    AnyIntent,
    ApprovePeriodLock,
    ApproveReviewCase,
    ChangeEngagementStatus,
    ChangeInvoice,
    ChangePaymentRunStatus,
    ChangeReviewCase,
    CompleteEngagementTask,
    CreateMatchGroup,
    CreatePaymentRun,
    DeleteTime,
    DismissBankTransaction,
    ImportBankTransactions,
    InvoiceTime,
    PostBooking,
    PostOpeningBalances,
    ReceiveMail,
    ReconcileBankTransaction,
    RecordExtraction,
    RecordInvoice,
    RejectReviewCase,
    ResolveInboxItem,
    Retryable,
    ReverseBooking,
    RevokeReportLink,
    SetBankTransactionEvidence,
    UnmatchBankTransaction,
    UnmatchMatchGroup,
    UploadDocument,
)
from ledger.invoices import KnownInvoice
from ledger.match_groups import KnownMatchGroup
from ledger.outcomes import DocumentStored
from ledger.payment_runs import ACTIVE, KnownRun, PayableInvoice
from ledger.periods import parse_period
from ledger.practice.engagements import KnownEngagement
from ledger.practice.report_links import KnownReportLink
from ledger.practice.time_entries import KnownTimeEntry
from ledger.reconciliation import KnownReconciliation
from ledger.settlement import OpenInvoice
from ledger.state import KnownIntent, KnownLine, Lookups

BANK_TX_INTENTS = (
    SetBankTransactionEvidence
    | DismissBankTransaction
    | ReconcileBankTransaction
    | UnmatchBankTransaction
)
KNOWN_INTENT_COLUMNS = (
    "intent_id, kind, booking_date, period, description, event_count, total_cents,"
    " first_journal_number, last_journal_number, reverses_intent_id, reversed_by_intent_id,"
    " idempotency_key, request_hash, external_reference, fingerprint, fx, channel"
)
_fx_decoder = msgspec.json.Decoder(Fx)
_settlements_decoder = msgspec.json.Decoder(tuple[Settlement, ...])


async def prefetch(
    conn: asyncpg.Connection, tenant_id: UUID, intents: Sequence[AnyIntent]
) -> Lookups:
    lookups = Lookups()
    closing = sorted(  # a malformed period is refused by the decision, not looked up
        {
            i.period
            for i in intents
            if isinstance(i, ApprovePeriodLock) and parse_period(i.period, 1) is not None
        }
    )
    for period in closing:
        lookups.period_line_hashes[period] = await _line_hashes(conn, tenant_id, period)
    await _prefetch_review_cases(conn, tenant_id, intents, lookups)
    await _prefetch_documents(conn, tenant_id, intents, lookups)
    await _prefetch_invoices(conn, tenant_id, intents, lookups)
    await _prefetch_payment_runs(conn, tenant_id, intents, lookups)
    await _prefetch_bank_transactions(conn, tenant_id, intents, lookups)
    await _prefetch_intents(conn, tenant_id, intents, lookups)
    await _prefetch_practice(conn, tenant_id, intents, lookups)
    return lookups


def known_engagement(row: asyncpg.Record, completed: frozenset[str]) -> KnownEngagement:
    """An `engagements` row as the writer and the task list know it."""
    return KnownEngagement(
        client_entity_id=row["client_id"],
        name=row["name"],
        recurrence=row["recurrence"],
        start_date=row["start_date"],
        status=row["status"],
        version=row["version"],
        ended_on=row["ended_on"],
        completed_tasks=completed,
    )


async def _prefetch_practice(
    conn: asyncpg.Connection, tenant_id: UUID, intents: Sequence[AnyIntent], lookups: Lookups
) -> None:
    """Time entries to delete or invoice, engagements to change, report links to revoke."""
    entry_ids = [i.entry_id for i in intents if isinstance(i, DeleteTime)]
    entry_ids += [e for i in intents if isinstance(i, InvoiceTime) for e in i.entry_ids]
    if entry_ids:
        rows = await conn.fetch(
            "select id, client_id, work_date, minutes, description, billable, rate_cents,"
            " status, invoice_id from time_entries where firm_id = $1 and id = any($2::uuid[])",
            tenant_id,
            entry_ids,
        )
        for row in rows:
            lookups.time_entries[row["id"]] = KnownTimeEntry(
                client_entity_id=row["client_id"],
                work_date=row["work_date"],
                minutes=row["minutes"],
                description=row["description"],
                billable=row["billable"],
                rate_cents=row["rate_cents"],
                status=row["status"],
                invoice_id=row["invoice_id"],
            )
    engagement_ids = [
        i.engagement_id
        for i in intents
        if isinstance(i, CompleteEngagementTask | ChangeEngagementStatus)
    ]
    if engagement_ids:
        rows = await conn.fetch(
            "select e.id, e.client_id, e.name, e.recurrence, e.start_date, e.status, e.version,"
            " e.ended_on, coalesce(array_agg(d.task_id) filter (where d.task_id is not null),"
            " '{}') as done from engagements e"
            " left join engagement_tasks_done d on d.engagement_id = e.id"
            " where e.firm_id = $1 and e.id = any($2::uuid[]) group by e.id",
            tenant_id,
            engagement_ids,
        )
        for row in rows:
            lookups.engagements[row["id"]] = known_engagement(row, frozenset(row["done"]))
    link_ids = [i.link_id for i in intents if isinstance(i, RevokeReportLink)]
    if link_ids:
        rows = await conn.fetch(
            "select id, revoked_at from report_links where tenant_id = $1 and id = any($2::uuid[])",
            tenant_id,
            link_ids,
        )
        for row in rows:
            lookups.report_links[row["id"]] = KnownReportLink(revoked=row["revoked_at"] is not None)


async def _prefetch_bank_transactions(
    conn: asyncpg.Connection, tenant_id: UUID, intents: Sequence[AnyIntent], lookups: Lookups
) -> None:
    """Transactions an intent changes (with what they settled, for an unmatch), match groups
    to undo, the invoices a reconciliation may settle, and the hashes an import repeats."""
    touched = [i.tx_id for i in intents if isinstance(i, BANK_TX_INTENTS)]
    touched += [tx_id for i in intents if isinstance(i, CreateMatchGroup) for tx_id in i.tx_ids]
    groups = [i.group_id for i in intents if isinstance(i, UnmatchMatchGroup)]
    if touched:
        rows = await conn.fetch(
            "select id, amount_cents, status, bank_account_id, currency, tx_date, reference,"
            " evidence_document_id, evidence_note, version, settlement_intent_id, match_group_id"
            " from bank_transactions where tenant_id = $1 and id = any($2::uuid[])",
            tenant_id,
            touched,
        )
        settled = await conn.fetch(
            "select tx_id, version, invoice_id, applied_cents from bank_tx_settlements"
            " where tx_id = any($1::uuid[]) and active",
            touched,
        )
        for row in rows:
            lookups.bank_txs[row["id"]] = KnownBankTx(
                amount_cents=row["amount_cents"],
                status=row["status"],
                bank_account_id=row["bank_account_id"],
                currency=row["currency"],
                tx_date=row["tx_date"],
                reference=row["reference"],
                document_id=row["evidence_document_id"],
                note=row["evidence_note"],
                version=row["version"],
                match_group_id=row["match_group_id"],
            )
            if row["match_group_id"] is not None:
                groups.append(row["match_group_id"])
            elif row["status"] == "reconciled":
                mine = [s for s in settled if s["tx_id"] == row["id"]]
                lookups.reconciliations[row["id"]] = KnownReconciliation(
                    settlement_intent_id=row["settlement_intent_id"],
                    settlements=tuple(
                        Settlement(
                            invoice_id=s["invoice_id"],
                            applied_cents=s["applied_cents"],
                            settled_cents=0,
                        )
                        for s in mine
                    ),
                    version=mine[0]["version"] if mine else 0,
                )
    if groups:
        await _prefetch_match_groups(conn, tenant_id, groups, lookups)
    linking = [
        i.intent_id
        for i in intents
        if isinstance(i, ReconcileBankTransaction) and i.candidate_kind == "bank_booking"
    ]
    if linking:
        rows = await conn.fetch(
            "select id, reconciled_intent_id, settlement_intent_id from bank_transactions"
            " where tenant_id = $1 and status = 'reconciled' and (reconciled_intent_id ="
            " any($2::uuid[]) or settlement_intent_id = any($2::uuid[]))",
            tenant_id,
            linking,
        )
        for row in rows:
            for target in (row["reconciled_intent_id"], row["settlement_intent_id"]):
                if target in linking:
                    lookups.linked_intents[target] = row["id"]
    targets = [i.intent_id for i in intents if isinstance(i, ReconcileBankTransaction)]
    targets += [
        a.intent_id for i in intents if isinstance(i, CreateMatchGroup) for a in i.allocations
    ]
    invoice_ids = [
        s.invoice_id
        for known in (*lookups.reconciliations.values(), *lookups.match_groups.values())
        for s in known.settlements
    ]
    if targets or invoice_ids:
        invoices = await conn.fetch(
            "select i.id, i.direction, i.invoice_type, i.currency, i.invoice_date, i.intent_id,"
            " i.total_gross_cents, i.settled_cents, p.account_number from invoices i"
            " join parties p on p.id = i.party_id where i.tenant_id = $1"
            " and (i.intent_id = any($2::uuid[]) or i.id = any($3::uuid[]))",
            tenant_id,
            targets,
            invoice_ids,
        )
        for row in invoices:
            invoice = lookups.open_invoices.setdefault(
                row["id"],
                OpenInvoice(
                    invoice_id=row["id"],
                    direction=row["direction"],
                    invoice_type=row["invoice_type"],
                    currency=row["currency"],
                    invoice_date=row["invoice_date"],
                    total_gross_cents=row["total_gross_cents"],
                    settled_cents=row["settled_cents"],
                    party_account=row["account_number"],
                ),
            )
            if row["intent_id"] is not None:
                lookups.invoices_of_intent.setdefault(row["intent_id"], []).append(invoice)
    hashes = [
        t.content_hash
        for i in intents
        if isinstance(i, ImportBankTransactions)
        for t in i.transactions
    ]
    if hashes:
        rows = await conn.fetch(
            "select content_hash from bank_transactions where tenant_id = $1"
            " and content_hash = any($2::text[])",
            tenant_id,
            hashes,
        )
        lookups.bank_tx_hashes.update(row["content_hash"] for row in rows)


async def _prefetch_match_groups(
    conn: asyncpg.Connection, tenant_id: UUID, group_ids: list[UUID], lookups: Lookups
) -> None:
    rows = await conn.fetch(
        "select id, status, settlement_intent_id, tx_ids, settlements from bank_match_groups"
        " where tenant_id = $1 and id = any($2::uuid[])",
        tenant_id,
        group_ids,
    )
    for row in rows:
        lookups.match_groups[row["id"]] = KnownMatchGroup(
            group_id=row["id"],
            active=row["status"] == "active",
            settlement_intent_id=row["settlement_intent_id"],
            tx_ids=tuple(row["tx_ids"]),
            settlements=_settlements_decoder.decode(row["settlements"]),
        )


async def _prefetch_intents(
    conn: asyncpg.Connection, tenant_id: UUID, intents: Sequence[AnyIntent], lookups: Lookups
) -> None:
    """Intents the batch refers to: retries, duplicates, reversal targets, opening balances,
    invoice links."""
    keys, references, targets, fingerprints, dates = _lookup_keys(intents)
    targets += [
        known.settlement_intent_id
        for tx_id, known in lookups.reconciliations.items()
        if known.settlement_intent_id is not None
        and any(isinstance(i, UnmatchBankTransaction) and i.tx_id == tx_id for i in intents)
    ]
    targets += [group.settlement_intent_id for group in lookups.match_groups.values()]
    if not (keys or references or targets or fingerprints or dates):
        return
    rows = await conn.fetch(
        f"select {KNOWN_INTENT_COLUMNS} from intents where tenant_id = $1 and ("
        " idempotency_key = any($2::text[]) or external_reference = any($3::text[])"
        " or intent_id = any($4::uuid[])"
        " or (fingerprint = any($5::text[]) and reversed_by_intent_id is null)"
        " or (kind = 'opening_balances' and reversed_by_intent_id is null"
        "     and booking_date = any($6::date[])))",
        tenant_id,
        keys,
        references,
        targets,
        fingerprints,
        dates,
    )
    lines = await _lines_of(conn, tenant_id, targets) if targets else {}
    for row in sorted(rows, key=lambda r: r["first_journal_number"] or 0):
        lookups.remember(_known(row, lines.get(row["intent_id"], ())))


def _lookup_keys(intents: Sequence[AnyIntent]):
    keys: list[str] = []
    references: list[str] = []
    targets: list[UUID] = []
    fingerprints: list[str] = []
    dates = []
    for intent in intents:
        if isinstance(intent, Retryable) and intent.idempotency_key is not None:
            keys.append(intent.idempotency_key)
        match intent:
            case PostBooking():
                if intent.external_reference is not None and intent.idempotency_key is None:
                    references.append(intent.external_reference)
                if not intent.skip_duplicate_check:
                    fingerprints.append(booking_fingerprint(intent))
            case ReverseBooking():
                targets.append(intent.original_intent_id)
            case PostOpeningBalances():
                dates.append(intent.booking_date)
            case RecordInvoice() if intent.intent_id is not None:
                targets.append(intent.intent_id)
            case ChangeInvoice() if intent.changes.get("intent_id") is not None:
                targets.append(intent.changes["intent_id"])
            case ReconcileBankTransaction():
                targets.append(intent.intent_id)
            case CreateMatchGroup():
                targets.extend(allocation.intent_id for allocation in intent.allocations)
    return keys, references, targets, fingerprints, dates


_review_decoder = msgspec.json.Decoder(ReviewInvoice)
REVIEW_INTENTS = ChangeReviewCase | ApproveReviewCase | RejectReviewCase


async def _prefetch_review_cases(
    conn: asyncpg.Connection, tenant_id: UUID, intents: Sequence[AnyIntent], lookups: Lookups
) -> None:
    """Cases to change, approve or reject; for approvals their documents, inbox items and the
    invoice numbers their vendors already used."""
    wanted = [i.case_id for i in intents if isinstance(i, REVIEW_INTENTS)]
    if not wanted:
        return
    rows = await conn.fetch(
        "select id, queue_state, version, payload, vendor_id, is_invoice, document_id, inbox_id"
        " from invoice_review_cases where tenant_id = $1 and id = any($2::uuid[])",
        tenant_id,
        wanted,
    )
    for row in rows:
        lookups.review_cases[row["id"]] = KnownCase(
            queue_state=row["queue_state"],
            version=row["version"],
            payload=_review_decoder.decode(row["payload"]),
            vendor_id=row["vendor_id"],
            is_invoice=row["is_invoice"],
            document_id=row["document_id"],
            inbox_id=row["inbox_id"],
        )
        lookups.document_ids.add(row["document_id"])
    cases = list(lookups.review_cases.values())
    items = await conn.fetch(
        "select id, status, version from inbox_items where tenant_id = $1 and id = any($2::uuid[])",
        tenant_id,
        [case.inbox_id for case in cases],
    )
    for row in items:
        lookups.inbox_items.setdefault(
            row["id"], KnownInboxItem(status=row["status"], version=row["version"])
        )
    numbered = [c for c in cases if c.vendor_id is not None and c.payload.invoice_number]
    taken = await conn.fetch(
        "select id, party_id, invoice_number from invoices where tenant_id = $1"
        " and (party_id, invoice_number) in (select * from unnest($2::uuid[], $3::text[]))",
        tenant_id,
        [c.vendor_id for c in numbered],
        [(c.payload.invoice_number or "").strip() for c in numbered],
    )
    for row in taken:
        lookups.invoice_numbers[(row["party_id"], row["invoice_number"])] = row["id"]


async def _prefetch_documents(
    conn: asyncpg.Connection, tenant_id: UUID, intents: Sequence[AnyIntent], lookups: Lookups
) -> None:
    """Documents named by bookings (must exist) and uploads' hashes (stored once)."""
    named = [
        i.document_id
        for i in intents
        if isinstance(i, PostBooking | RecordInvoice) and i.document_id is not None
    ] + [
        i.changes["document_id"]
        for i in intents
        if isinstance(i, SetBankTransactionEvidence) and i.changes.get("document_id")
    ]
    hashes = [i.sha256 for i in intents if isinstance(i, UploadDocument)]
    mailed = [
        f.sha256
        for i in intents
        if isinstance(i, ReceiveMail)
        for f in i.files
        if f.outcome == "accepted"
    ]
    hashes += mailed
    if mailed:
        rows = await conn.fetch(
            "select d.sha256 from inbox_items i join documents d on d.id = i.document_id"
            " where i.tenant_id = $1 and d.sha256 = any($2::text[])",
            tenant_id,
            mailed,
        )
        lookups.inbox_sha256.update(row["sha256"] for row in rows)
    resolved = [i.inbox_id for i in intents if isinstance(i, ResolveInboxItem)]
    if resolved:
        rows = await conn.fetch(
            "select id, status, version from inbox_items where tenant_id = $1"
            " and id = any($2::uuid[])",
            tenant_id,
            resolved,
        )
        for row in rows:
            lookups.inbox_items[row["id"]] = KnownInboxItem(
                status=row["status"], version=row["version"]
            )
    extracted = [i.document_id for i in intents if isinstance(i, RecordExtraction)]
    if extracted:
        rows = await conn.fetch(
            "select id, version from documents where tenant_id = $1 and id = any($2::uuid[])",
            tenant_id,
            extracted,
        )
        lookups.document_versions.update((row["id"], row["version"]) for row in rows)
    if not (named or hashes):
        return
    rows = await conn.fetch(
        "select id, sha256, mime_type, original_name, size_bytes, created_at from documents"
        " where tenant_id = $1 and (id = any($2::uuid[]) or sha256 = any($3::text[]))",
        tenant_id,
        named,
        hashes,
    )
    for row in rows:
        lookups.document_ids.add(row["id"])
        lookups.documents_by_sha256[row["sha256"]] = DocumentStored(
            document_id=row["id"],
            sha256=row["sha256"],
            mime_type=row["mime_type"],
            original_name=row["original_name"],
            size_bytes=row["size_bytes"],
            created_at=row["created_at"],
            duplicate=True,
        )


async def _prefetch_invoices(
    conn: asyncpg.Connection, tenant_id: UUID, intents: Sequence[AnyIntent], lookups: Lookups
) -> None:
    """Invoices to change, and numbers a new invoice must not repeat for its party."""
    changed = [i.invoice_id for i in intents if isinstance(i, ChangeInvoice)]
    recorded = [i for i in intents if isinstance(i, RecordInvoice)]
    if not (changed or recorded):
        return
    rows = await conn.fetch(
        "select id, direction, party_id, invoice_number, invoice_date, intent_id, due_date,"
        " notes, version from invoices where tenant_id = $1 and (id = any($2::uuid[])"
        " or (party_id, invoice_number) in (select * from unnest($3::uuid[], $4::text[])))",
        tenant_id,
        changed,
        [i.party_id for i in recorded],
        [i.invoice_number.strip() for i in recorded],
    )
    for row in rows:
        lookups.invoice_numbers[(row["party_id"], row["invoice_number"])] = row["id"]
        lookups.invoices_by_id[row["id"]] = KnownInvoice(
            invoice_id=row["id"],
            direction=row["direction"],
            party_id=row["party_id"],
            invoice_number=row["invoice_number"],
            invoice_date=row["invoice_date"],
            intent_id=row["intent_id"],
            due_date=row["due_date"],
            notes=row["notes"],
            version=row["version"],
        )


async def _prefetch_payment_runs(
    conn: asyncpg.Connection, tenant_id: UUID, intents: Sequence[AnyIntent], lookups: Lookups
) -> None:
    """Runs changing status; for new runs their invoices and the active runs holding them."""
    changed = [i.run_id for i in intents if isinstance(i, ChangePaymentRunStatus)]
    wanted = [n for i in intents if isinstance(i, CreatePaymentRun) for n in i.invoice_ids]
    if changed:
        rows = await conn.fetch(
            "select r.id, r.status, r.version, array_agg(i.amount_cents order by i.position)"
            " filter (where i.id is not null) as amounts from payment_runs r"
            " left join payment_run_items i on i.run_id = r.id"
            " where r.tenant_id = $1 and r.id = any($2::uuid[]) group by r.id",
            tenant_id,
            changed,
        )
        for row in rows:
            lookups.runs_by_id[row["id"]] = KnownRun(
                run_id=row["id"],
                status=row["status"],
                version=row["version"],
                item_amounts=tuple(row["amounts"] or ()),
            )
    if not wanted:
        return
    invoices = await conn.fetch(
        "select id, party_id, invoice_number, currency, intent_id is not null as linked,"
        " invoice_type, total_gross_cents - settled_cents as remaining_cents from invoices"
        " where tenant_id = $1 and direction = 'incoming' and id = any($2::uuid[])",
        tenant_id,
        wanted,
    )
    for row in invoices:
        lookups.payable_invoices[row["id"]] = PayableInvoice(
            invoice_id=row["id"],
            vendor_id=row["party_id"],
            invoice_number=row["invoice_number"],
            currency=row["currency"],
            linked=row["linked"],
            invoice_type=row["invoice_type"],
            remaining_cents=row["remaining_cents"],
        )
    active = await conn.fetch(
        "select i.invoice_id, r.id from payment_run_items i join payment_runs r"
        " on r.id = i.run_id where r.tenant_id = $1 and r.status = any($2::text[])"
        " and i.invoice_id = any($3::uuid[])",
        tenant_id,
        sorted(ACTIVE),
        wanted,
    )
    for row in active:
        lookups.active_run_of_invoice[row["invoice_id"]] = row["id"]


async def _line_hashes(
    conn: asyncpg.Connection, tenant_id: UUID, period: str
) -> list[tuple[int, str]]:
    """The period's lines for its closing hash, found through the journal's date index: a
    month's lines lie in that month, P13/P14 lines in the last month of the fiscal year,
    which lies in the year the period is named after."""
    year, rest = int(period[:4]), period[5:]
    if rest.startswith("P"):
        first, last = date(year, 1, 1), date(year, 12, 31)
    else:
        first = date(year, int(rest), 1)
        last = first + relativedelta(months=1, days=-1)
    rows = await conn.fetch(
        "select journal_number, audit_hash from journal_lines"
        " where tenant_id = $1 and booking_date between $2 and $3 and period = $4"
        " order by journal_number",
        tenant_id,
        first,
        last,
        period,
    )
    return [(row["journal_number"], row["audit_hash"]) for row in rows]


async def _lines_of(
    conn: asyncpg.Connection, tenant_id: UUID, intent_ids: list[UUID]
) -> dict[UUID, list[KnownLine]]:
    rows = await conn.fetch(
        "select intent_id, account_debit, account_credit, amount_cents, tax_code, fx_amount"
        " from journal_lines where tenant_id = $1 and intent_id = any($2::uuid[])"
        " order by journal_number",
        tenant_id,
        intent_ids,
    )
    lines: dict[UUID, list[KnownLine]] = {}
    for row in rows:
        lines.setdefault(row["intent_id"], []).append(
            KnownLine(
                account_debit=row["account_debit"],
                account_credit=row["account_credit"],
                amount_cents=row["amount_cents"],
                tax_code=row["tax_code"],
                fx_amount=str(row["fx_amount"]) if row["fx_amount"] is not None else None,
            )
        )
    return lines


def _known(row: asyncpg.Record, lines: Sequence[KnownLine]) -> KnownIntent:
    return KnownIntent(
        intent_id=row["intent_id"],
        kind=row["kind"],
        booking_date=row["booking_date"],
        period=row["period"],
        description=row["description"],
        event_count=row["event_count"],
        total_cents=row["total_cents"],
        first_journal_number=row["first_journal_number"],
        last_journal_number=row["last_journal_number"],
        reverses_intent_id=row["reverses_intent_id"],
        reversed_by_intent_id=row["reversed_by_intent_id"],
        idempotency_key=row["idempotency_key"],
        request_hash=row["request_hash"],
        external_reference=row["external_reference"],
        fingerprint=row["fingerprint"],
        fx=_fx_decoder.decode(row["fx"]) if row["fx"] is not None else None,
        lines=tuple(lines),
        channel=row["channel"],
    )
