"""Projections: balances are the fold of the journal, and a rebuild reproduces every table.

Hypothesis draws random ledgers (bookings with and without tax codes, with fx blocks,
metadata, references, adjustment periods and idempotency keys, and reversals) and posts them
through the real writer into a database of their own. Then it checks the money invariants
against the stored tables and rebuilds the read tables from position 0, comparing a full dump
before and after. The live tables come from the Python fold and the rebuilt ones from the SQL
fold of bookings (projections/replay_sql.py): this test is what keeps the two equal.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.bootstrap import Ledger, create_user, issue_key
from ledger.bank_import import ParsedRow, transactions_of
from ledger.decide import Posted
from ledger.einvoice.compliance import check_invoice
from ledger.einvoice.extract import extract
from ledger.einvoice.vendor_match import UNMATCHED
from ledger.errors import Rejected
from ledger.events import Address, Fx, InvoiceLine, PartyDetails
from ledger.intents import (
    AddBankAccount,
    ApprovePeriodLock,
    AssignInboxAddress,
    BookingLine,
    CancelPeriodLock,
    ChangeApiKey,
    ChangeBankAccount,
    ChangeEngagementStatus,
    ChangeInvoice,
    ChangeParty,
    ChangePaymentRunStatus,
    ChangeTenantMasterData,
    ChangeUserRole,
    CompleteEngagementTask,
    CreateEngagement,
    CreateMatchGroup,
    CreateReportLink,
    DeactivateParty,
    DeactivateUser,
    DeleteTime,
    EnrollPartnerFirm,
    GroupAdjustmentSpec,
    GroupAllocationSpec,
    ImportBankTransactions,
    IncomingFile,
    InvoiceTime,
    LinkClientEntity,
    PostBooking,
    ReceiveMail,
    ReconcileBankTransaction,
    RecordExtraction,
    RecordInvoice,
    RecordTime,
    RegisterParty,
    RejectReviewCase,
    ReopenPeriod,
    RequestPeriodLock,
    ResolveInboxItem,
    ReverseBooking,
    RevokeReportLink,
    SetBankTransactionEvidence,
    SetUserPassword,
    SoftLockPeriod,
    UnmatchBankTransaction,
    UnmatchMatchGroup,
    UploadDocument,
)
from ledger.store import load_state
from projections import report_queries, reports
from projections.fold import READ_TABLES
from projections.rebuild import rebuild
from tests.integration.conftest import TEST_ACTOR, approved_payment_run, new_tenant

EXPENSES = ("6815", "6300", "6805", "5400")
EINVOICE_FIXTURES = Path(__file__).parents[1] / "fixtures" / "einvoice"
BANKS = ("1800", "1810")
REVENUES = ("4400", "4300")
TAX_CODES = (None, "VSt19", "VSt7", "VSt-13b19", "VSt-igE19")


async def dump_read_tables(conn: asyncpg.Connection) -> dict[str, list[tuple]]:
    """Every read table, row by row, in primary-key order."""
    dump = {}
    for table in READ_TABLES:
        keys = await conn.fetch(
            "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid"
            " and a.attnum = any(i.indkey) where i.indrelid = $1::regclass and i.indisprimary",
            table,
        )
        order = ", ".join(row["attname"] for row in keys)
        rows = await conn.fetch(f"select * from {table} order by {order}")
        dump[table] = [tuple(row.values()) for row in rows]
    return dump


# What else a booking carries: every optional column of `intents` must survive a rebuild.
EXTRAS = ("plain", "fx", "metadata", "reference", "adjustment", "idempotency")
SELF_ASSESSED = ("VSt-13b19", "VSt-igE19")  # no fx block with these (decide refuses it)
USD_PER_EUR = Decimal("1.0875")

booking_lines = st.tuples(
    st.sampled_from(EXPENSES + REVENUES),
    st.sampled_from(BANKS),
    st.sampled_from(TAX_CODES),
    st.integers(min_value=1, max_value=10**9),
    st.sampled_from(EXTRAS),
)


@st.composite
def ledgers(draw):
    bookings = draw(st.lists(booking_lines, min_size=1, max_size=25))
    reverse = draw(st.lists(st.booleans(), min_size=len(bookings), max_size=len(bookings)))
    return bookings, reverse


def to_intent(tenant_id, spec, index) -> PostBooking:
    account, bank, tax_code, cents, extra = spec
    expense = account in EXPENSES
    code = tax_code if expense else ("USt19" if tax_code else None)
    day = date(2026, 1 + index % 12, 1 + index % 28)
    return PostBooking(
        tenant_id=tenant_id,
        actor=TEST_ACTOR,
        channel="api",
        intent_id=uuid.uuid4(),
        booking_date=day,
        description=f"random {index}",
        **extra_fields(extra, code, cents, day, index),
        lines=(
            BookingLine(
                account_number=account,
                side="debit" if expense else "credit",
                amount_cents=cents,
                tax_code=code,
            ),
            BookingLine(
                account_number=bank, side="credit" if expense else "debit", amount_cents=cents
            ),
        ),
        skip_duplicate_check=True,
    )


def extra_fields(extra: str, code: str | None, cents: int, day: date, index: int) -> dict:
    if extra == "fx" and code not in SELF_ASSESSED:
        usd = (Decimal(cents) / 100 * USD_PER_EUR).quantize(Decimal("0.01"))
        fx = Fx(currency="USD", amount=usd, rate=USD_PER_EUR, rate_date=day, rate_source="ECB")
        return {"fx": fx}
    if extra == "metadata":
        return {"custom_metadata": {"cost_centre": "K1", "n": index, "f": 1.5, "ok": True}}
    if extra == "reference":
        return {"external_reference": f"RE-{index}"}
    if extra == "adjustment" and day.month == 12:
        return {"adjustment_period": 13 + index % 2}
    if extra == "idempotency":
        return {"idempotency_key": f"key-{index}", "request_hash": f"hash-{index}"}
    return {}


async def post_random_ledger(ledger: Ledger, tenant_id, bookings, reverse) -> list[Posted]:
    intents = [to_intent(tenant_id, spec, i) for i, spec in enumerate(bookings)]
    answers = await ledger.writers.submit_many(tenant_id, intents, atomic=False)
    assert not [a for a in answers if isinstance(a, Rejected)]
    reversals = [
        ReverseBooking(
            tenant_id=tenant_id,
            actor=TEST_ACTOR,
            channel="api",
            intent_id=uuid.uuid4(),
            original_intent_id=answer.intent_id,
            posting_mode="original_period",
        )
        for answer, flag in zip(answers, reverse, strict=True)
        if flag
    ]
    more = await ledger.writers.submit_many(tenant_id, reversals, atomic=False)
    assert not [a for a in more if isinstance(a, Rejected)]
    return [a for a in [*answers, *more] if isinstance(a, Posted)]


async def check_money_invariants(conn: asyncpg.Connection, tenant_id) -> None:
    lines = await conn.fetch(
        "select intent_id, account_debit, account_credit, amount_cents, booking_date"
        " from journal_lines where tenant_id = $1",
        tenant_id,
    )
    fold: dict[str, int] = defaultdict(int)
    for line in lines:
        fold[line["account_debit"]] += line["amount_cents"]
        fold[line["account_credit"]] -= line["amount_cents"]
    balances = await conn.fetch(
        "select account_number, sum(debit_cents) as debit, sum(credit_cents) as credit"
        " from account_balances where tenant_id = $1 group by account_number",
        tenant_id,
    )
    assert {b["account_number"]: b["debit"] - b["credit"] for b in balances} == dict(fold)
    assert sum(b["debit"] for b in balances) == sum(b["credit"] for b in balances)
    totals = await conn.fetch(
        "select i.intent_id, i.total_cents, i.reverses_intent_id, i.reversed_by_intent_id"
        " from intents i where i.tenant_id = $1",
        tenant_id,
    )
    reversed_ids = {t["intent_id"] for t in totals if t["reversed_by_intent_id"]}
    net: dict[str, int] = defaultdict(int)
    for line in lines:
        if line["intent_id"] in reversed_ids or line["intent_id"] in {
            t["intent_id"] for t in totals if t["reverses_intent_id"] in reversed_ids
        }:
            net[line["account_debit"]] += line["amount_cents"]
            net[line["account_credit"]] -= line["amount_cents"]
    assert all(value == 0 for value in net.values()), "a reversal must net its original to zero"


async def check_report_identities(conn: asyncpg.Connection, tenant_id) -> None:
    """Every report balances, for a whole year and for a range inside it, read from the
    balances projection and from the journal (as_of) alike."""
    last_line = await conn.fetchval(
        "select coalesce(max(journal_number), 0) from journal_lines where tenant_id = $1",
        tenant_id,
    )
    for first, last in (
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 4, 1), date(2026, 8, 31)),
    ):
        in_range = await conn.fetchval(
            "select coalesce(sum(amount_cents), 0) from journal_lines where tenant_id = $1"
            " and booking_date between $2 and $3",
            tenant_id,
            first,
            last,
        )
        read = {
            "first": first,
            "last": last,
            "year_start": date(2026, 1, 1),
        }
        totals = await report_queries.account_totals(conn, tenant_id, **read, known_until=None)
        from_journal = await report_queries.account_totals(
            conn, tenant_id, **read, known_until=last_line
        )
        assert from_journal == totals
        trial = reports.trial_balance(totals)
        assert sum(r.debit_total for r in trial) == sum(r.credit_total for r in trial) == in_range
        assert sum(r.balance for r in reports.balance_sheet(totals)) == 0
        income = reports.profit_and_loss(totals)
        assert reports.bwa(totals).jahresueberschuss == -sum(r.balance for r in income)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(drawn=ledgers())
async def test_balances_equal_the_fold_and_rebuild_reproduces_every_table(
    own_ledger: Ledger, drawn
):
    bookings, reverse = drawn
    tenant_id = await new_tenant(own_ledger, f"Property {uuid.uuid4().hex[:6]}")
    await post_random_ledger(own_ledger, tenant_id, bookings, reverse)
    async with own_ledger.pool.acquire() as conn:
        await check_money_invariants(conn, tenant_id)
        await check_report_identities(conn, tenant_id)
        before = await dump_read_tables(conn)
        report = await rebuild(own_ledger.pool)
        after = await dump_read_tables(conn)
    assert report.events == await _event_count(own_ledger)
    for table in READ_TABLES:
        assert after[table] == before[table], f"{table} differs after rebuild"


async def _event_count(ledger: Ledger) -> int:
    async with ledger.pool.acquire() as conn:
        return await conn.fetchval("select count(*) from events")


async def test_rebuild_reproduces_periods_documents_parties_and_invoices(own_ledger: Ledger):
    tenant_id = await new_tenant(own_ledger, "Periods GmbH")
    await post_random_ledger(
        own_ledger, tenant_id, [("6815", "1800", "VSt19", 5000, "plain")], [False]
    )
    stamp = {"tenant_id": tenant_id, "actor": TEST_ACTOR, "channel": "api"}
    cancelled, approved, customer, invoice, bank = (uuid.uuid4() for _ in range(5))
    fees = transactions_of(
        bank, [ParsedRow(tx_date=date(2026, 3, 2), amount_cents=-490, reference="Gebühr")]
    )
    for intent in (
        SoftLockPeriod(**stamp, period="2026-01"),
        ReopenPeriod(**stamp, period="2026-01"),
        SoftLockPeriod(**stamp, period="2026-02"),
        RequestPeriodLock(**stamp, period="2026-01", request_id=cancelled),
        CancelPeriodLock(**stamp, period="2026-01", request_id=cancelled),
        RequestPeriodLock(**stamp, period="2026-01", request_id=approved),
        ApprovePeriodLock(**stamp, period="2026-01", request_id=approved),
        UploadDocument(
            **stamp,
            document_id=uuid.uuid4(),
            sha256="ab" * 32,
            mime_type="application/pdf",
            original_name="beleg.pdf",
            size_bytes=1234,
        ),
        RegisterParty(
            **stamp,
            party_id=customer,
            kind="customer",
            details=PartyDetails(name="Kunde AG", address=Address(city="Köln", country="DE")),
        ),
        ChangeParty(**stamp, party_id=customer, kind="customer", changes={"name": "Kunde SE"}),
        RecordInvoice(
            **stamp,
            invoice_id=invoice,
            direction="outgoing",
            party_id=customer,
            invoice_type="invoice",
            invoice_number="RE-1",
            invoice_date=date(2026, 3, 1),
            due_date=None,
            currency="EUR",
            total_net_cents=10_000,
            total_tax_cents=1_900,
            total_gross_cents=11_900,
            lines=(
                InvoiceLine(
                    position=1,
                    description="Beratung",
                    quantity=Decimal("2.5"),
                    unit_price=Decimal("40.00"),
                    tax_rate_bp=1_900,
                    tax_amount_cents=1_900,
                    line_total_cents=11_900,
                ),
            ),
        ),
        ChangeInvoice(
            **stamp, invoice_id=invoice, direction="outgoing", changes={"notes": "bezahlt bar"}
        ),
        RegisterParty(
            **stamp, party_id=uuid.uuid4(), kind="vendor", details=PartyDetails(name="Lieferant")
        ),
        DeactivateParty(**stamp, party_id=customer, kind="customer"),
        AddBankAccount(
            **stamp,
            bank_account_id=bank,
            name="Hausbank",
            iban="DE89370400440532013000",
            bic=None,
            account_number="1800",
            currency="EUR",
            sepa_version="pain.001.001.03",
        ),
        ChangeBankAccount(**stamp, bank_account_id=bank, changes={"name": "Sparkasse"}),
        ImportBankTransactions(
            **stamp,
            batch_id=uuid.uuid4(),
            bank_account_id=bank,
            source="json",
            transactions=fees,
        ),
        SetBankTransactionEvidence(
            **stamp, tx_id=fees[0].tx_id, changes={"note": "Kontoführung laut Preisaushang"}
        ),
    ):
        await own_ledger.writers.submit_one(intent)
    async with own_ledger.pool.acquire() as conn:
        before = await dump_read_tables(conn)
        await rebuild(own_ledger.pool)
        after = await dump_read_tables(conn)
    assert len(before["periods"]) == 2
    assert len(before["period_lock_requests"]) == 2
    assert len(before["documents"]) == 1
    assert len(before["parties"]) == 2
    assert len(before["invoice_lines"]) == 1
    assert len(before["bank_accounts"]) == 1
    assert len(before["bank_transactions"]) == 1
    assert after == before


async def test_rebuild_reproduces_payment_runs_and_their_items(own_ledger: Ledger):
    tenant_id = await new_tenant(own_ledger, "Zahllauf GmbH")
    run_id = await approved_payment_run(own_ledger, tenant_id)
    await own_ledger.writers.submit_one(
        ChangePaymentRunStatus(
            tenant_id=tenant_id, actor=TEST_ACTOR, channel="api", run_id=run_id, status="exported"
        )
    )
    async with own_ledger.pool.acquire() as conn:
        before = await dump_read_tables(conn)
        await rebuild(own_ledger.pool)
        after = await dump_read_tables(conn)
    assert [row[5] for row in before["payment_runs"]] == ["exported"]
    assert len(before["payment_run_items"]) == 1
    assert after == before


async def test_rebuild_reproduces_reconciliations_and_settled_invoices(own_ledger: Ledger):
    tenant_id = await new_tenant(own_ledger, "Abgleich GmbH")
    await approved_payment_run(own_ledger, tenant_id)  # a vendor, a booked bill, a bank account
    async with own_ledger.pool.acquire() as conn:
        bill = await conn.fetchrow(
            "select i.intent_id, p.account_number from invoices i join parties p"
            " on p.id = i.party_id where i.tenant_id = $1",
            tenant_id,
        )
        bank = await conn.fetchval("select id from bank_accounts where tenant_id = $1", tenant_id)
    stamp = {"tenant_id": tenant_id, "actor": TEST_ACTOR, "channel": "api"}
    [payment] = transactions_of(bank, [ParsedRow(tx_date=date(2026, 3, 9), amount_cents=-11_900)])
    reconcile = ReconcileBankTransaction(
        **stamp,
        tx_id=payment.tx_id,
        intent_id=bill["intent_id"],
        candidate_kind="open_liability",
        open_item_account=bill["account_number"],
        settlement_intent_id=uuid.uuid4(),
    )
    for intent in (
        ImportBankTransactions(
            **stamp,
            batch_id=uuid.uuid4(),
            bank_account_id=bank,
            source="json",
            transactions=(payment,),
        ),
        reconcile,
        UnmatchBankTransaction(**stamp, tx_id=payment.tx_id, reversal_intent_id=uuid.uuid4()),
        msgspec.structs.replace(reconcile, settlement_intent_id=uuid.uuid4()),
    ):
        await own_ledger.writers.submit_one(intent)
    async with own_ledger.pool.acquire() as conn:
        before = await dump_read_tables(conn)
        await rebuild(own_ledger.pool)
        after = await dump_read_tables(conn)
    assert len(before["bank_tx_settlements"]) == 2
    assert after == before


async def test_rebuild_reproduces_match_groups_active_and_reversed(own_ledger: Ledger):
    tenant_id = await new_tenant(own_ledger, "Sammelausgleich GmbH")
    await approved_payment_run(own_ledger, tenant_id)  # a vendor, a bill of 119.00, a bank
    async with own_ledger.pool.acquire() as conn:
        bill = await conn.fetchval("select intent_id from invoices where tenant_id = $1", tenant_id)
        bank = await conn.fetchval("select id from bank_accounts where tenant_id = $1", tenant_id)
    stamp = {"tenant_id": tenant_id, "actor": TEST_ACTOR, "channel": "api"}
    rows = [ParsedRow(tx_date=date(2026, 3, 9 + i), amount_cents=-5_900 - i) for i in range(2)]
    first, second = transactions_of(bank, rows)
    group = CreateMatchGroup(
        **stamp,
        group_id=uuid.uuid4(),
        tx_ids=(first.tx_id, second.tx_id),
        allocations=(
            GroupAllocationSpec(
                intent_id=bill,
                candidate_kind="open_liability",
                allocated_bank_cents=11_801,
                settled_document_cents=11_900,
            ),
        ),
        adjustments=(GroupAdjustmentSpec(account_number="4730", side="credit", amount_cents=99),),
        settlement_intent_id=uuid.uuid4(),
    )
    for intent in (
        ImportBankTransactions(
            **stamp,
            batch_id=uuid.uuid4(),
            bank_account_id=bank,
            source="json",
            transactions=(first, second),
        ),
        group,
        UnmatchMatchGroup(**stamp, group_id=group.group_id, reversal_intent_id=uuid.uuid4()),
        msgspec.structs.replace(group, group_id=uuid.uuid4(), settlement_intent_id=uuid.uuid4()),
    ):
        await own_ledger.writers.submit_one(intent)
    async with own_ledger.pool.acquire() as conn:
        before = await dump_read_tables(conn)
        await rebuild(own_ledger.pool)
        after = await dump_read_tables(conn)
    assert sorted(row[9] for row in before["bank_match_groups"]) == ["active", "reversed"]
    assert after == before


async def test_rebuild_reproduces_the_inbox_its_cases_and_the_ingestion_log(own_ledger: Ledger):
    tenant_id = await new_tenant(own_ledger, "Posteingang GmbH")
    stamp = {"tenant_id": tenant_id, "actor": TEST_ACTOR, "channel": "api"}
    xml = (EINVOICE_FIXTURES / "zugferd_2p1_XRECHNUNG_Einfach.xml").read_bytes()
    extracted = extract(xml, "application/xml")
    file = IncomingFile(
        name="rechnung.xml",
        sha256=hashlib.sha256(xml).hexdigest(),
        mime_type="application/xml",
        size_bytes=len(xml),
        outcome="accepted",
        reason=None,
        document_id=uuid.uuid4(),
        inbox_id=uuid.uuid4(),
        case_id=uuid.uuid4(),
        extraction=extracted,
        vendor_match=UNMATCHED,
        compliance=check_invoice(extracted, today=date(2026, 3, 1)),
    )
    for intent in (
        AssignInboxAddress(**stamp, address="posteingang-123456@inbox.example"),
        ReceiveMail(
            **stamp,
            ingestion_id=uuid.uuid4(),
            received_via="api",
            message_id="<1@example>",
            sender="rechnung@lieferant.example",
            subject="Rechnung",
            recipient=None,
            files=(file,),
        ),
        RejectReviewCase(**stamp, case_id=file.case_id, reason="Doppelt"),
        ResolveInboxItem(**stamp, inbox_id=file.inbox_id, status="rejected", reason="Doppelt"),
        RecordExtraction(**stamp, document_id=file.document_id, result=extracted),
    ):
        await own_ledger.writers.submit_one(intent)
    async with own_ledger.pool.acquire() as conn:
        before = await dump_read_tables(conn)
        await rebuild(own_ledger.pool)
        after = await dump_read_tables(conn)
    assert [len(before[t]) for t in ("inbox_items", "invoice_review_cases", "ingestion_log")] == [
        1,
        1,
        1,
    ]
    assert after == before


async def test_rebuild_reproduces_the_practice_tables(own_ledger: Ledger):
    """A firm, a client, time billed and deleted, an engagement with a completed task and a
    changed status, a report link created and revoked: the same rows after a rebuild."""
    firm_id = await new_tenant(own_ledger, "Kanzlei Steuer & Partner")
    client_id = await new_tenant(own_ledger, "Mandant Bäckerei GmbH")
    stamp = {"tenant_id": firm_id, "actor": TEST_ACTOR, "channel": "api"}
    billed, deleted, engagement, link, customer = (uuid.uuid4() for _ in range(5))
    month = date.today().replace(day=1)
    for intent in (
        EnrollPartnerFirm(**stamp, default_rate_cents=12_000),
        LinkClientEntity(
            **stamp,
            link_id=uuid.uuid4(),
            client_entity_id=client_id,
            name="Mandant Bäckerei GmbH",
            entity_type="GmbH",
            industry=None,
            tier="STARTER",
            billing_mode="consolidated",
            monthly_fee_cents=7_900,
        ),
        RecordTime(
            **stamp,
            entry_id=billed,
            client_entity_id=client_id,
            work_date=date(2026, 3, 2),
            minutes=90,
            description="Abschluss",
        ),
        RecordTime(
            **stamp,
            entry_id=deleted,
            client_entity_id=client_id,
            work_date=date(2026, 3, 3),
            minutes=15,
            description=None,
            billable=False,
            rate_cents=0,
        ),
        DeleteTime(**stamp, entry_id=deleted),
        RegisterParty(
            **stamp, party_id=customer, kind="customer", details=PartyDetails(name="Bäckerei")
        ),
        InvoiceTime(
            **stamp,
            invoice_id=uuid.uuid4(),
            client_entity_id=client_id,
            entry_ids=(billed,),
            party_id=customer,
            invoice_date=date(2026, 3, 31),
        ),
        CreateEngagement(
            **stamp,
            engagement_id=engagement,
            client_entity_id=client_id,
            name="Lohn",
            engagement_type="bookkeeping",
            recurrence="monthly",
            start_date=month,
            notes=None,
        ),
        CompleteEngagementTask(
            **stamp, engagement_id=engagement, task_id=f"{engagement}:{month:%Y-%m}"
        ),
        ChangeEngagementStatus(**stamp, engagement_id=engagement, status="cancelled"),
        CreateReportLink(
            **stamp,
            link_id=link,
            entity_id=client_id,
            report="balance_sheet",
            date_from=date(2026, 1, 1),
            date_to=date(2026, 3, 31),
            language="de",
            token_hash="cd" * 32,
            expires_at=datetime.now(UTC) + timedelta(days=7),
        ),
        RevokeReportLink(**stamp, link_id=link),
    ):
        await own_ledger.writers.submit_one(intent)
    async with own_ledger.pool.acquire() as conn:
        before = await dump_read_tables(conn)
        await rebuild(own_ledger.pool)
        after = await dump_read_tables(conn)
    assert [
        len(before[t]) for t in ("practice_firms", "practice_clients", "practice_invoices")
    ] == [
        1,
        1,
        1,
    ]
    assert sorted(row[9] for row in before["time_entries"]) == ["deleted", "invoiced"]
    assert len(before["engagement_tasks_done"]) == 1
    assert len(before["report_links"]) == 1
    assert after == before


async def test_access_changes_reload_after_a_restart_and_rebuild_exactly(own_ledger: Ledger):
    """Role changes, deactivations, key changes, passwords and master data: a writer that
    starts afresh loads them, and a rebuild reproduces the users, keys and tenant rows."""
    tenant_id = await new_tenant(own_ledger, "Zugang GmbH")
    stamp = {"tenant_id": tenant_id, "actor": TEST_ACTOR, "channel": "api"}
    user = await create_user(own_ledger, tenant_id, email="a@x.test", name="A", role="member")
    key = await issue_key(own_ledger, tenant_id, user, label="A", scopes=("journal:read",))
    for intent in (
        ChangeUserRole(**stamp, user_id=user, role="admin"),
        ChangeApiKey(
            **stamp, key_id=key.key_id, label="A2", scopes=("journal:write",), expires_at=None
        ),
        SetUserPassword(**stamp, user_id=user, purpose="invite"),
        ChangeTenantMasterData(**stamp, changes={"city": "Köln"}),
        DeactivateUser(**stamp, user_id=user),
    ):
        await own_ledger.writers.submit_one(intent)
    async with own_ledger.pool.acquire() as conn:
        state = await load_state(conn, tenant_id)
        before = await dump_read_tables(conn)
        await rebuild(own_ledger.pool)
        after = await dump_read_tables(conn)
    assert (state.user_roles[user], user in state.inactive_users) == ("admin", True)
    assert after == before
