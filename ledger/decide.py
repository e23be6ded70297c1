"""Deciding intents: pure functions from (state, lookups, intent, clock) to events and a result.

Nothing here awaits, reads a clock or touches storage: the writer passes `now` and the
prefetched `Lookups`, applies the returned events to the state and appends them. A refusal is
raised as a `Rejected`; the order in which rules are checked is the order of the checks below
and is listed in docs/api.md ("Order of checks").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import msgspec

from ledger import (
    bank_accounts,
    datev_settings,
    errors,
    invoices,
    match_groups,
    parties,
    payment_runs,
    reconciliation,
)
from ledger.bank_import import decide_dismiss, decide_evidence, decide_import
from ledger.chain import chain_lines
from ledger.chart import OPENING_BALANCE_ACCOUNT, load_chart
from ledger.closing import decide_period, require_postable
from ledger.documents import decide_upload, record_extraction
from ledger.events import (
    AccountCreated,
    AccountSpec,
    ApiKeyChanged,
    ApiKeyIssued,
    ApiKeyRevoked,
    BookingPosted,
    ChartInstalled,
    Event,
    JournalLine,
    PracticeInvoiceIssued,
    TaxCodeChanged,
    TaxCodeDefined,
    TenantCreated,
    TenantMasterDataChanged,
    TimeEntryInvoiced,
    UserCreated,
    UserDeactivated,
    UserPasswordChanged,
    UserRoleChanged,
)
from ledger.inbox import cases as inbox_cases
from ledger.inbox import items as inbox_items
from ledger.intents import (
    AddBankAccount,
    AnyIntent,
    ApproveReviewCase,
    AssignInboxAddress,
    ChangeApiKey,
    ChangeBankAccount,
    ChangeEngagementStatus,
    ChangeInvoice,
    ChangeParty,
    ChangePaymentRunStatus,
    ChangeReviewCase,
    ChangeTaxCode,
    ChangeTenantMasterData,
    ChangeUserRole,
    CompleteEngagementTask,
    CreateAccount,
    CreateEngagement,
    CreateMatchGroup,
    CreatePaymentRun,
    CreateReportLink,
    CreateTenant,
    CreateUser,
    DeactivateParty,
    DeactivateTaxCode,
    DeactivateUser,
    DefineTaxCode,
    DeleteTime,
    DismissBankTransaction,
    EnrollPartnerFirm,
    ImportBankTransactions,
    InvoiceTime,
    IssueApiKey,
    LeavePartnerProgramme,
    LinkClientEntity,
    PeriodIntent,
    PostBooking,
    PostOpeningBalances,
    ReceiveMail,
    ReconcileBankTransaction,
    RecordExtraction,
    RecordInvoice,
    RecordTime,
    RegisterParty,
    RejectReviewCase,
    ResolveInboxItem,
    Retryable,
    ReverseBooking,
    RevokeApiKey,
    RevokeReportLink,
    SetBankTransactionEvidence,
    SetDatevSettings,
    SetUserPassword,
    UnmatchBankTransaction,
    UnmatchMatchGroup,
    Unset,
    UploadDocument,
    stamp_of,
)
from ledger.limits import BOOKING_DATE_MAX, BOOKING_DATE_MIN, DESCRIPTION_CHARS_MAX
from ledger.money import round_to_cents
from ledger.outcomes import Accepted, Decision, Posted
from ledger.pairing import Pair, SelfPairingError, pair_lines
from ledger.periods import is_fiscal_year_end_month, last_month_of_fiscal_year, period_of
from ledger.practice import billing, engagements, firms, report_links, time_entries
from ledger.state import KnownIntent, KnownLine, Lookups, TenantState
from ledger.tax import SidedLine, TaxCode, expand_lines
from ledger.taxcodes import system_tax_codes

BALANCE_SHEET_TYPES = frozenset({"asset", "liability", "equity"})
SELF_ASSESSING_KINDS = frozenset({"intra_eu_acquisition", "reverse_charge", "reverse_charge_eu"})
FX_TOLERANCE_CENTS = 1


def decide(
    state: TenantState, lookups: Lookups, intent: AnyIntent, now: datetime, today: date
) -> Decision:
    """Decide one intent. `now` stamps the events; `today` is the tenant's calendar date."""
    if isinstance(intent, CreateTenant):
        return _create_tenant(state, intent, now)
    if not state.exists:
        raise errors.TenantNotFound("The tenant does not exist.")
    if isinstance(intent, Retryable):
        replay = _replay(lookups, intent)
        if replay is not None:
            return Decision(events=(), result=replay)
    match intent:
        case PostBooking():
            return _post_booking(state, lookups, intent, now)
        case PostOpeningBalances():
            return _post_opening_balances(state, lookups, intent, now)
        case ReverseBooking():
            return _reverse(state, lookups, intent, now, today)
        case CreateAccount():
            return _create_account(state, intent, now)
        case DefineTaxCode():
            return _define_tax_code(state, intent, now)
        case ChangeTaxCode():
            return _change_tax_code(state, intent, now)
        case DeactivateTaxCode():
            return _deactivate_tax_code(state, intent, now)
        case CreateUser():
            return _create_user(state, intent, now)
        case IssueApiKey():
            return _issue_api_key(state, intent, now)
        case RevokeApiKey():
            return _revoke_api_key(state, intent, now)
        case ChangeApiKey():
            return _change_api_key(state, intent, now)
        case ChangeUserRole() | DeactivateUser():
            return _change_user(state, intent, now)
        case ChangeTenantMasterData():
            if not intent.changes:
                raise errors.NoChanges("Nothing to change.")
            event = TenantMasterDataChanged(**stamp_of(intent, now), changes=intent.changes)
            return Decision(events=(event,), result=Accepted(subject=str(intent.tenant_id)))
        case SetUserPassword():
            if intent.user_id not in state.user_emails:
                raise errors.UserNotFound("The user does not exist.", user_id=str(intent.user_id))
            event = UserPasswordChanged(
                **stamp_of(intent, now), user_id=intent.user_id, purpose=intent.purpose
            )
            return Decision(events=(event,), result=Accepted(subject=str(intent.user_id)))
        case _ if isinstance(intent, PeriodIntent):
            return decide_period(state, lookups, intent, now, today)
        case UploadDocument():
            return decide_upload(lookups, intent, now)
        case RecordExtraction():
            return record_extraction(lookups, intent, now)
        case AssignInboxAddress():
            return inbox_items.assign_address(state, intent, now)
        case ReceiveMail():
            return inbox_items.receive(lookups, intent, now)
        case ResolveInboxItem():
            return inbox_items.resolve(lookups, intent, now)
        case ChangeReviewCase():
            return inbox_cases.change(state, lookups, intent, now)
        case RejectReviewCase():
            return inbox_cases.reject(lookups, intent, now)
        case ApproveReviewCase():
            return _approve_review_case(state, lookups, intent, now)
        case RegisterParty():
            return parties.register(state, intent, now)
        case ChangeParty():
            return parties.change(state, intent, now)
        case DeactivateParty():
            return parties.deactivate(state, intent, now)
        case AddBankAccount():
            return bank_accounts.add(state, intent, now)
        case ChangeBankAccount():
            return bank_accounts.change(state, intent, now)
        case ImportBankTransactions():
            return decide_import(state, lookups, intent, now)
        case SetBankTransactionEvidence():
            return decide_evidence(lookups, intent, now)
        case DismissBankTransaction():
            return decide_dismiss(lookups, intent, now)
        case ReconcileBankTransaction():
            return _reconcile(state, lookups, intent, now)
        case UnmatchBankTransaction():
            return _unmatch(state, lookups, intent, now, today)
        case SetDatevSettings():
            return datev_settings.change(state, intent, now)
        case CreateMatchGroup():
            return _create_match_group(state, lookups, intent, now)
        case UnmatchMatchGroup():
            return _unmatch_group(state, lookups, intent, now, today)
        case CreatePaymentRun():
            return payment_runs.create(state, lookups, intent, today, now)
        case ChangePaymentRunStatus():
            return payment_runs.change_status(lookups, intent, now)
        case EnrollPartnerFirm():
            return firms.enroll(state, intent, now)
        case LeavePartnerProgramme():
            return firms.leave(state.firm, intent, now)
        case LinkClientEntity():
            return firms.link_client(state.firm, intent, now)
        case RecordTime():
            return time_entries.record(state.firm, intent, now)
        case DeleteTime():
            return time_entries.delete(state.firm, lookups.time_entries, intent, now)
        case InvoiceTime():
            return _invoice_time(state, lookups, intent, now)
        case CreateEngagement():
            return engagements.create(state.firm, intent, now)
        case CompleteEngagementTask():
            return engagements.complete_task(state.firm, lookups.engagements, intent, now, today)
        case ChangeEngagementStatus():
            return engagements.change_status(state.firm, lookups.engagements, intent, now)
        case CreateReportLink():
            return report_links.create(state.firm, intent, now)
        case RevokeReportLink():
            return report_links.revoke(lookups.report_links, intent, now)
        case RecordInvoice() if intent.book:
            return _record_and_book_invoice(state, lookups, intent, now)
        case RecordInvoice():
            return invoices.record(state, lookups, intent, now)
        case ChangeInvoice():
            return invoices.change(lookups, intent, now)
    raise AssertionError(f"no decision for {type(intent).__name__}")


# --- retries -------------------------------------------------------------------------------


def _replay(lookups: Lookups, intent: Retryable) -> Posted | None:
    """The original answer when this is a retry; `IDEMPOTENCY_KEY_REUSED` on a changed body."""
    if intent.idempotency_key is not None:
        known = lookups.by_idempotency_key.get(intent.idempotency_key)
        if known is None:
            return None
        if known.request_hash != intent.request_hash:
            raise errors.IdempotencyKeyReused(
                "This Idempotency-Key was already used for a different request.",
                intent_id=str(known.intent_id),
            )
        return posted_from_known(known, replayed=True)
    if isinstance(intent, PostBooking) and intent.external_reference is not None:
        for known in lookups.by_external_reference.get(intent.external_reference, ()):
            if known.request_hash == intent.request_hash:
                return posted_from_known(known, replayed=True)
    return None


def posted_from_known(known: KnownIntent, *, replayed: bool) -> Posted:
    return Posted(
        intent_id=known.intent_id,
        kind=known.kind,
        booking_date=known.booking_date,
        period=known.period,
        description=known.description,
        event_count=known.event_count,
        total_cents=known.total_cents,
        first_journal_number=known.first_journal_number,
        last_journal_number=known.last_journal_number,
        reverses_intent_id=known.reverses_intent_id,
        replayed=replayed,
    )


# --- bookings ------------------------------------------------------------------------------


def _post_booking(
    state: TenantState, lookups: Lookups, intent: PostBooking, now: datetime
) -> Decision:
    assert state.tenant is not None
    if intent.document_id is not None and intent.document_id not in lookups.document_ids:
        raise errors.DocumentNotFound(
            "The document does not exist in this tenant.", document_id=str(intent.document_id)
        )
    period = _booking_period(state, intent.booking_date, intent.adjustment_period)
    require_postable(state, period)
    _require_accounts(state, (line.account_number for line in intent.lines))
    codes = _resolve_tax_codes(state, intent)
    if intent.fx is not None and any(code.self_assessed for code in codes.values()):
        raise errors.FxSelfAssessmentUnsupported(
            "Foreign-currency bookings cannot use self-assessing tax codes "
            "(intra-EU acquisition, § 13b).",
        )
    total_cents = _require_balance((line.side, line.amount_cents) for line in intent.lines)
    if intent.fx is not None:
        _require_fx_matches(intent, total_cents)
    pairs = _pairs_for(intent, codes)
    fingerprint = booking_fingerprint(intent)
    if not intent.skip_duplicate_check:
        existing = lookups.by_fingerprint.get(fingerprint)
        if existing is not None:
            raise errors.DuplicateSuspected(
                "A similar booking was already posted (same date, accounts and amounts). "
                "Send skip_duplicate_check: true to post it anyway.",
                intent_id=str(existing.intent_id),
            )
    lines = _journal_lines(pairs, intent.fx, total_cents)
    event = BookingPosted(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel=intent.channel,
        recorded_at=now,
        intent_id=intent.intent_id,
        kind="booking",
        booking_date=intent.booking_date,
        period=period,
        description=intent.description,
        lines=lines,
        total_cents=total_cents,
        fx=intent.fx,
        external_reference=intent.external_reference,
        custom_metadata=intent.custom_metadata,
        document_id=intent.document_id,
        idempotency_key=intent.idempotency_key,
        request_hash=intent.request_hash,
        fingerprint=fingerprint,
    )
    return _posted(state, lookups, event)


def _record_and_book_invoice(
    state: TenantState, lookups: Lookups, intent: RecordInvoice, now: datetime
) -> Decision:
    """The invoice and its journal intent in one decision: both are stored, or neither."""
    invoices.validate(state, lookups, intent)
    booked = _post_booking(state, lookups, invoices.booking_for(state, intent), now)
    [event] = booked.events
    assert isinstance(event, BookingPosted)
    linked = msgspec.structs.replace(intent, intent_id=event.intent_id, book=False)
    recorded = invoices.record(state, lookups, linked, now)
    return Decision(events=(*booked.events, *recorded.events), result=recorded.result)


def _invoice_time(
    state: TenantState, lookups: Lookups, intent: InvoiceTime, now: datetime
) -> Decision:
    """The invoice for a client's time, its booking, and its entries marked invoiced — in one
    decision. A retry (the same client and entries: the same invoice id) answers the first."""
    if intent.invoice_id in state.firm.invoices:
        return Decision(events=(), result=Accepted(subject=str(intent.invoice_id)))
    record = billing.invoice_for(state, lookups.time_entries, intent)
    booked = _record_and_book_invoice(state, lookups, record, now)
    stamp = stamp_of(intent, now)
    issued = PracticeInvoiceIssued(
        **stamp,
        invoice_id=intent.invoice_id,
        client_entity_id=intent.client_entity_id,
        party_id=intent.party_id,
        invoice_number=record.invoice_number,
        invoice_date=record.invoice_date,
        entry_ids=intent.entry_ids,
        total_gross_cents=record.total_gross_cents,
        line_count=len(record.lines),
    )
    marked = []
    for entry_id in intent.entry_ids:
        entry = lookups.time_entries[entry_id]
        lookups.time_entries[entry_id] = msgspec.structs.replace(
            entry, status="invoiced", invoice_id=intent.invoice_id
        )
        marked.append(TimeEntryInvoiced(**stamp, entry_id=entry_id, invoice_id=intent.invoice_id))
    return Decision(
        events=(*booked.events, issued, *marked), result=Accepted(subject=str(intent.invoice_id))
    )


def _approve_review_case(
    state: TenantState, lookups: Lookups, intent: ApproveReviewCase, now: datetime
) -> Decision:
    """The incoming invoice, its booking, the case approved and its inbox item confirmed — in
    one decision."""
    case = inbox_cases.known(lookups, intent.case_id)
    record = inbox_cases.invoice_of(intent, case)
    number = record.invoice_number.strip()
    existing = lookups.invoice_numbers.get((record.party_id, number))
    if existing is not None:
        raise errors.DuplicateSuspected(
            f"The vendor already has an invoice numbered {number}: a duplicate? Correct the "
            "number (PATCH) or reject the case.",
            invoice_id=str(existing),
        )
    booked = _record_and_book_invoice(state, lookups, record, now)
    booking = next(e for e in booked.events if isinstance(e, BookingPosted))
    events = [*booked.events, inbox_cases.approved(intent, case, booking.intent_id, now)]
    item = lookups.inbox_items.get(case.inbox_id)
    if item is not None and item.status in ("pending", "exception"):
        confirm = ResolveInboxItem(
            tenant_id=intent.tenant_id,
            actor=intent.actor,
            channel=intent.channel,
            inbox_id=case.inbox_id,
            status="confirmed",
        )
        events.extend(inbox_items.resolve(lookups, confirm, now).events)
    return Decision(events=tuple(events), result=Accepted(subject=str(intent.case_id)))


def _reconcile(
    state: TenantState, lookups: Lookups, intent: ReconcileBankTransaction, now: datetime
) -> Decision:
    """The settlement intent (if any) and the reconciliation, in one decision."""
    plan = reconciliation.plan_reconcile(state, lookups, intent)
    booked = () if plan.booking is None else _post_booking(state, lookups, plan.booking, now).events
    event = reconciliation.reconciled(intent, plan, lookups, now)
    return Decision(events=(*booked, event), result=Accepted(subject=str(intent.tx_id)))


def _unmatch(
    state: TenantState,
    lookups: Lookups,
    intent: UnmatchBankTransaction,
    now: datetime,
    today: date,
) -> Decision:
    """The settlement's reversal (if any) and the transaction open again, in one decision; a
    member of a match group reopens its whole group."""
    group_id = reconciliation.group_of(lookups, intent)
    if group_id is not None:
        grouped = UnmatchMatchGroup(
            tenant_id=intent.tenant_id,
            actor=intent.actor,
            channel=intent.channel,
            group_id=group_id,
            reversal_intent_id=intent.reversal_intent_id,
        )
        undone = _unmatch_group(state, lookups, grouped, now, today)
        return Decision(events=undone.events, result=Accepted(subject=str(intent.tx_id)))
    reversal = reconciliation.plan_unmatch(lookups, intent)
    reversed_ = () if reversal is None else _reverse(state, lookups, reversal, now, today).events
    event = reconciliation.unmatched(intent, lookups, reversal is not None, now)
    return Decision(events=(*reversed_, event), result=Accepted(subject=str(intent.tx_id)))


def _create_match_group(
    state: TenantState, lookups: Lookups, intent: CreateMatchGroup, now: datetime
) -> Decision:
    """The group's settlement intent and the group, in one decision."""
    plan = match_groups.plan(state, lookups, intent, now)
    booked = _post_booking(state, lookups, plan.booking, now).events
    match_groups.created(lookups, plan.event)
    return Decision(events=(*booked, plan.event), result=Accepted(subject=str(intent.group_id)))


def _unmatch_group(
    state: TenantState,
    lookups: Lookups,
    intent: UnmatchMatchGroup,
    now: datetime,
    today: date,
) -> Decision:
    """The group's settlement reversed and its transactions open again, in one decision."""
    reversal = match_groups.plan_unmatch(lookups, intent)
    reversed_ = _reverse(state, lookups, reversal, now, today).events
    event = match_groups.unmatched(intent, lookups, now)
    return Decision(events=(*reversed_, event), result=Accepted(subject=str(intent.group_id)))


def _booking_period(state: TenantState, day: date, adjustment_period: int | None) -> str:
    assert state.tenant is not None
    if not BOOKING_DATE_MIN <= day <= BOOKING_DATE_MAX:
        raise errors.InvalidInput(
            f"booking_date {day.isoformat()} is outside the books: use a date from "
            f"{BOOKING_DATE_MIN.isoformat()} to {BOOKING_DATE_MAX.isoformat()}.",
            booking_date=day.isoformat(),
        )
    fiscal_year_start = state.tenant.fiscal_year_start
    if adjustment_period is not None and not is_fiscal_year_end_month(day, fiscal_year_start):
        month = last_month_of_fiscal_year(fiscal_year_start)
        raise errors.InvalidAdjustmentPeriod(
            f"Adjustment period {adjustment_period} shares the last month of the fiscal year "
            f"(month {month:02d}); booking_date {day.isoformat()} is not in that month.",
            booking_date=day.isoformat(),
            fiscal_year_end_month=month,
        )
    return period_of(day, adjustment_period)


def _require_accounts(state: TenantState, numbers: Iterable[str]) -> None:
    wanted = list(dict.fromkeys(numbers))
    missing = [number for number in wanted if number not in state.accounts]
    if missing:
        raise errors.AccountNotFound(
            f"Account {missing[0]} does not exist in this tenant's chart.",
            account_numbers=missing,
        )
    inactive = [number for number in wanted if number in state.inactive_accounts]
    if inactive:
        raise errors.AccountInactive(
            f"Account {inactive[0]} is inactive.", account_numbers=inactive
        )


def _resolve_tax_codes(state: TenantState, intent: PostBooking) -> dict[str, TaxCode]:
    codes: dict[str, TaxCode] = {}
    for index, line in enumerate(intent.lines):
        if line.tax_code is None:
            continue
        code = state.tax_code(line.tax_code)
        if code is None or not code.is_active:
            state_word = "is inactive" if code is not None else "does not exist"
            raise errors.InvalidTaxCode(
                f"Tax code {line.tax_code!r} on line {index + 1} {state_word}.",
                line=index + 1,
                tax_code=line.tax_code,
            )
        codes[line.tax_code] = code
    if codes:
        tax_accounts = state.tax_accounts
        for index, line in enumerate(intent.lines):
            if line.tax_code is None and line.account_number in tax_accounts:
                raise errors.MixedTaxModes(
                    f"Line {index + 1} books tax account {line.account_number} by hand while "
                    "other lines use tax codes; use one way or the other.",
                    line=index + 1,
                    account_number=line.account_number,
                )
    return codes


def _require_balance(sided_amounts: Iterable[tuple[str, int]]) -> int:
    debit_cents = credit_cents = 0
    for side, amount_cents in sided_amounts:
        if side == "debit":
            debit_cents += amount_cents
        else:
            credit_cents += amount_cents
    if debit_cents != credit_cents:
        raise errors.BalanceMismatch(
            f"Debits ({_euros(debit_cents)}) do not equal credits ({_euros(credit_cents)}).",
            total_debit=_euros(debit_cents),
            total_credit=_euros(credit_cents),
            difference=_euros(debit_cents - credit_cents),
        )
    return debit_cents


def _require_fx_matches(intent: PostBooking, total_cents: int) -> None:
    fx = intent.fx
    assert fx is not None
    expected_cents = round_to_cents(fx.amount / fx.rate)
    if abs(expected_cents - total_cents) > FX_TOLERANCE_CENTS:
        raise errors.FxMismatch(
            f"{fx.amount} {fx.currency} at rate {fx.rate} is {_euros(expected_cents)} EUR, "
            f"but the booking totals {_euros(total_cents)} EUR.",
            expected_eur=_euros(expected_cents),
            booking_total_eur=_euros(total_cents),
        )


def _pairs_for(intent: PostBooking, codes: dict[str, TaxCode]) -> tuple[Pair, ...]:
    sided = tuple(
        SidedLine(
            account_number=line.account_number,
            side=line.side,
            amount_cents=line.amount_cents,
            tax_code=codes[line.tax_code].code if line.tax_code else None,
            tax_cents=line.tax_cents,
        )
        for line in intent.lines
    )
    expanded, tax_pairs = expand_lines(sided, {code.code: code for code in codes.values()})
    try:
        return pair_lines(expanded, tax_pairs)
    except SelfPairingError as error:
        raise errors.InvalidInput(
            f"Account {error.account_number} would be booked against itself; "
            "a booking must move value between different accounts.",
            account_number=error.account_number,
        ) from None


def booking_fingerprint(intent: PostBooking) -> str:
    """Date, external reference and the multiset of input lines: what 'a similar booking'
    means (docs/api.md). Bookings with different references are different documents.

    Computed from the request alone, so the writer can look candidates up before deciding.
    """
    parts = sorted(
        f"{line.account_number}:{line.side}:{line.amount_cents}:{(line.tax_code or '').upper()}"
        for line in intent.lines
    )
    reference = intent.external_reference or ""
    digest = hashlib.sha256(
        f"{intent.booking_date.isoformat()}|{reference}|{'|'.join(parts)}".encode()
    )
    return digest.hexdigest()[:32]


def _journal_lines(pairs: tuple[Pair, ...], fx, total_cents: int) -> tuple[JournalLine, ...]:
    fx_amounts = _allocate_fx(pairs, fx.amount, total_cents) if fx else [None] * len(pairs)
    return tuple(
        JournalLine(
            journal_number=0,
            account_debit=pair.account_debit,
            account_credit=pair.account_credit,
            amount_cents=pair.amount_cents,
            tax_code=pair.tax_code,
            fx_amount=fx_amount,
            audit_hash="",
            prev_hash="",
        )
        for pair, fx_amount in zip(pairs, fx_amounts, strict=True)
    )


def _allocate_fx(
    pairs: tuple[Pair, ...], document_amount: Decimal, total_cents: int
) -> list[Decimal]:
    """Share the document amount over the pairs in proportion, the rest on the largest pair."""
    quantum = Decimal(1).scaleb(min(document_amount.as_tuple().exponent, -2))  # type: ignore[arg-type]
    shares = [
        (document_amount * pair.amount_cents / total_cents).quantize(quantum) for pair in pairs
    ]
    largest = max(range(len(pairs)), key=lambda index: pairs[index].amount_cents)
    shares[largest] += document_amount - sum(shares)
    return shares


def _posted(state: TenantState, lookups: Lookups, event: BookingPosted) -> Decision:
    """Chain the event's lines onto the tenant's head and remember the intent for the batch."""
    chained = chain_lines(event, state.head.journal_number + 1, state.head.audit_hash)
    known = known_from_event(chained)
    lookups.remember(known)
    return Decision(events=(chained,), result=posted_from_known(known, replayed=False))


def known_from_event(event: BookingPosted) -> KnownIntent:
    return KnownIntent(
        intent_id=event.intent_id,
        kind=event.kind,
        booking_date=event.booking_date,
        period=event.period,
        description=event.description,
        event_count=len(event.lines),
        total_cents=event.total_cents,
        first_journal_number=event.lines[0].journal_number if event.lines else None,
        last_journal_number=event.lines[-1].journal_number if event.lines else None,
        reverses_intent_id=event.reverses_intent_id,
        idempotency_key=event.idempotency_key,
        request_hash=event.request_hash,
        external_reference=event.external_reference,
        fingerprint=event.fingerprint,
        fx=event.fx,
        channel=event.channel,
        lines=tuple(
            KnownLine(
                account_debit=line.account_debit,
                account_credit=line.account_credit,
                amount_cents=line.amount_cents,
                tax_code=line.tax_code,
                fx_amount=str(line.fx_amount) if line.fx_amount is not None else None,
            )
            for line in event.lines
        ),
    )


# --- opening balances ----------------------------------------------------------------------


def _post_opening_balances(
    state: TenantState, lookups: Lookups, intent: PostOpeningBalances, now: datetime
) -> Decision:
    entries = [e for e in intent.balances if e.debit_cents or e.credit_cents]
    for entry in entries:
        if entry.debit_cents and entry.credit_cents:
            raise errors.InvalidBalanceEntry(
                f"Account {entry.account_number}: give either a debit or a credit, not both.",
                account_number=entry.account_number,
            )
        if entry.account_number == OPENING_BALANCE_ACCOUNT:
            raise errors.InvalidBalanceEntry(
                f"Account {OPENING_BALANCE_ACCOUNT} is the contra account of opening balances "
                "and cannot carry one itself.",
                account_number=entry.account_number,
            )
    if not entries:
        raise errors.InvalidInput("No opening balance has an amount.")
    if OPENING_BALANCE_ACCOUNT not in state.accounts:
        raise errors.Account9000Missing(
            f"Account {OPENING_BALANCE_ACCOUNT} (Saldenvorträge Sachkonten) is missing."
        )
    missing = [e.account_number for e in entries if e.account_number not in state.accounts]
    if missing:
        raise errors.AccountsNotFound(
            f"{len(missing)} account(s) do not exist: {', '.join(missing[:10])}.",
            account_numbers=missing,
        )
    not_allowed = [
        e.account_number
        for e in entries
        if state.accounts[e.account_number].type not in BALANCE_SHEET_TYPES
    ]
    if not_allowed:
        raise errors.AccountTypeNotAllowed(
            "Opening balances take balance-sheet accounts only (asset, liability, equity): "
            f"{', '.join(not_allowed[:10])}.",
            account_numbers=not_allowed,
        )
    total_cents = _require_balance(
        ("debit", e.debit_cents) if e.debit_cents else ("credit", e.credit_cents) for e in entries
    )
    existing = lookups.opening_balances_by_date.get(intent.booking_date)
    if existing is not None:
        raise errors.OpeningBalancesExist(
            f"Opening balances for {intent.booking_date.isoformat()} were already posted; "
            "reverse them first to post a corrected set.",
            intent_id=str(existing),
        )
    period = _booking_period(state, intent.booking_date, None)
    require_postable(state, period)
    lines = tuple(
        JournalLine(
            journal_number=0,
            account_debit=e.account_number if e.debit_cents else OPENING_BALANCE_ACCOUNT,
            account_credit=OPENING_BALANCE_ACCOUNT if e.debit_cents else e.account_number,
            amount_cents=e.debit_cents or e.credit_cents,
            audit_hash="",
            prev_hash="",
        )
        for e in entries
    )
    event = BookingPosted(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel=intent.channel,
        recorded_at=now,
        intent_id=intent.intent_id,
        kind="opening_balances",
        booking_date=intent.booking_date,
        period=period,
        description=f"Eröffnungsbilanz {intent.booking_date.isoformat()}",
        lines=lines,
        total_cents=total_cents,
        idempotency_key=intent.idempotency_key,
        request_hash=intent.request_hash,
    )
    return _posted(state, lookups, event)


# --- reversal ------------------------------------------------------------------------------


def _reverse(
    state: TenantState, lookups: Lookups, intent: ReverseBooking, now: datetime, today: date
) -> Decision:
    original = lookups.by_intent_id.get(intent.original_intent_id)
    if original is None:
        raise errors.NotFound(
            "No booking with this intent_id exists in this tenant.",
            intent_id=str(intent.original_intent_id),
        )
    if original.reversed_by_intent_id is not None:
        raise errors.AlreadyReversed(
            "This booking was already reversed.",
            reversal_intent_id=str(original.reversed_by_intent_id),
        )
    if original.channel == "bank_reconciliation" and intent.channel != "bank_reconciliation":
        raise errors.ReconciledSettlement(
            "This booking settles a reconciled bank transaction; undo it with "
            "POST /v1/bank-transactions/{id}/unmatch (or the match group's unmatch), which "
            "reverses it and reopens the transaction and the invoices.",
            intent_id=str(original.intent_id),
        )
    if intent.posting_mode == "original_period":
        booking_date, period = original.booking_date, original.period
    else:
        booking_date, period = today, _booking_period(state, today, None)
    require_postable(state, period)
    lines = tuple(
        JournalLine(
            journal_number=0,
            account_debit=line.account_credit,
            account_credit=line.account_debit,
            amount_cents=line.amount_cents,
            tax_code=line.tax_code,
            fx_amount=Decimal(line.fx_amount) if line.fx_amount is not None else None,
            audit_hash="",
            prev_hash="",
        )
        for line in original.lines
    )
    event = BookingPosted(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel=intent.channel,
        recorded_at=now,
        intent_id=intent.intent_id,
        kind="reversal",
        booking_date=booking_date,
        period=period,
        description=f"Storno: {original.description}"[:DESCRIPTION_CHARS_MAX],
        lines=lines,
        total_cents=original.total_cents,
        fx=original.fx,
        reverses_intent_id=original.intent_id,
        reason=intent.reason,
        idempotency_key=intent.idempotency_key,
        request_hash=intent.request_hash,
    )
    decision = _posted(state, lookups, event)
    lookups.mark_reversed(original, intent.intent_id)
    return decision


# --- master data ---------------------------------------------------------------------------


def _create_tenant(state: TenantState, intent: CreateTenant, now: datetime) -> Decision:
    assert not state.exists, "a tenant id is minted once"
    stamp = {
        "tenant_id": intent.tenant_id,
        "actor": intent.actor,
        "channel": intent.channel,
        "recorded_at": now,
    }
    framework = intent.account_framework
    accounts = tuple(
        AccountSpec(
            number=a.number,
            name=a.name,
            type=a.type,
            category=a.category,  # type: ignore[arg-type]
            report_group=a.report_group,
            automatic=a.automatic,
        )
        for a in load_chart(framework)
    )
    codes = tuple(
        TaxCodeDefined(
            **stamp,
            code=code.code,
            label=code.label,
            description=None,
            rate_bp=code.rate_bp,
            vat_account=getattr(code, framework)[0],
            self_assess_account=getattr(code, framework)[1],
            kind=code.kind,  # type: ignore[arg-type]
            is_system=True,
        )
        for code in system_tax_codes(framework)
    )
    events: tuple[Event, ...] = (
        TenantCreated(
            **stamp,
            company_name=intent.company_name,
            tax_id=intent.tax_id,
            vat_id=intent.vat_id,
            legal_form=intent.legal_form,
            fiscal_year_start=intent.fiscal_year_start,
            vat_registered=intent.vat_registered,
            account_framework=framework,
        ),
        ChartInstalled(**stamp, framework=framework, accounts=accounts),
        *codes,
    )
    return Decision(events=events, result=Accepted(subject=str(intent.tenant_id)))


def _create_account(state: TenantState, intent: CreateAccount, now: datetime) -> Decision:
    existing = state.accounts.get(intent.number)
    if existing is not None:
        kind = "a system account" if _is_system_account(state, intent.number) else "in use"
        raise errors.DuplicateAccount(
            f"Account {intent.number} already exists ({kind}: {existing.name}).",
            account_number=intent.number,
        )
    account = AccountSpec(
        number=intent.number,
        name=intent.name,
        type=intent.type,
        category=intent.category,
        report_group=intent.report_group,
    )
    event = AccountCreated(**stamp_of(intent, now), account=account)
    return Decision(events=(event,), result=Accepted(subject=intent.number))


def _is_system_account(state: TenantState, number: str) -> bool:
    assert state.tenant is not None
    return any(a.number == number for a in load_chart(state.tenant.account_framework))


def _require_tax_accounts(state: TenantState, *numbers: str | None) -> None:
    for number in numbers:
        if number is None:
            continue
        if number not in state.accounts:
            raise errors.AccountNotFound(
                f"Account {number} does not exist in this tenant's chart.",
                account_number=number,
            )
        if number in state.inactive_accounts:
            raise errors.AccountInactive(f"Account {number} is inactive.", account_number=number)


def _require_self_assessment_accounts(
    code: str, vat_account: str | None, self_assess_account: str | None
) -> None:
    """A self-assessing code books input VAT against output VAT: two different accounts.

    With one account for both, its tax pair would book that account against itself; without a
    vat_account, `expand_line` would drop the tax silently.
    """
    if self_assess_account is not None and vat_account in (None, self_assess_account):
        raise errors.InvalidInput(
            f"Tax code {code}: a self-assessing code needs a vat_account different from its "
            "self_assess_account.",
            code=code,
            vat_account=vat_account,
            self_assess_account=self_assess_account,
        )


def _define_tax_code(state: TenantState, intent: DefineTaxCode, now: datetime) -> Decision:
    if state.tax_code(intent.code) is not None:
        raise errors.DuplicateTaxCode(
            f"Tax code {intent.code!r} already exists (codes are compared case-insensitively).",
            code=state.tax_codes[intent.code.upper()].code,
        )
    _require_self_assessment_accounts(intent.code, intent.vat_account, intent.self_assess_account)
    _require_tax_accounts(state, intent.vat_account, intent.self_assess_account)
    kind = intent.kind or ("reverse_charge" if intent.self_assess_account else "input")
    if (kind in SELF_ASSESSING_KINDS) != (intent.self_assess_account is not None):
        raise errors.InvalidInput(
            f"A tax code of kind {kind} "
            + ("needs" if kind in SELF_ASSESSING_KINDS else "takes no")
            + " self_assess_account.",
            kind=kind,
        )
    event = TaxCodeDefined(
        **stamp_of(intent, now),
        code=intent.code,
        label=intent.label,
        description=intent.description,
        rate_bp=intent.rate_bp,
        vat_account=intent.vat_account,
        self_assess_account=intent.self_assess_account,
        kind=kind,
        is_system=False,
    )
    return Decision(events=(event,), result=Accepted(subject=intent.code))


def _existing_code(state: TenantState, code: str) -> TaxCode:
    current = state.tax_code(code)
    if current is None:
        raise errors.TaxCodeNotFound(f"Tax code {code!r} does not exist.", code=code)
    return current


def _change_tax_code(state: TenantState, intent: ChangeTaxCode, now: datetime) -> Decision:
    current = _existing_code(state, intent.code)
    changes = {
        name: value
        for name in (
            "label",
            "description",
            "rate_bp",
            "vat_account",
            "self_assess_account",
            "is_active",
        )
        if not isinstance(value := getattr(intent, name), Unset)
    }
    if current.is_system and {"rate_bp", "vat_account", "self_assess_account"} & {
        name for name, value in changes.items() if value != getattr(current, name)
    }:
        raise errors.InvalidInput(
            f"{current.code} is a system tax code: its rate and accounts are fixed. "
            "Define a custom code instead.",
            code=current.code,
        )
    updated = msgspec.structs.replace(current, **changes)
    if updated == current:
        raise errors.NoChanges("The request changes nothing.", code=current.code)
    _require_self_assessment_accounts(
        current.code, updated.vat_account, updated.self_assess_account
    )
    _require_tax_accounts(
        state,
        updated.vat_account if "vat_account" in changes else None,
        updated.self_assess_account if "self_assess_account" in changes else None,
    )
    event = TaxCodeChanged(
        **stamp_of(intent, now),
        code=current.code,
        label=updated.label,
        description=updated.description,
        rate_bp=updated.rate_bp,
        vat_account=updated.vat_account,
        self_assess_account=updated.self_assess_account,
        is_active=updated.is_active,
    )
    return Decision(events=(event,), result=Accepted(subject=current.code))


def _deactivate_tax_code(state: TenantState, intent: DeactivateTaxCode, now: datetime) -> Decision:
    current = _existing_code(state, intent.code)
    if current.is_system:
        raise errors.SystemTaxCodeDeleteForbidden(
            f"{current.code} is a system tax code and cannot be deleted; "
            "deactivate it with PATCH is_active=false if you do not use it.",
            code=current.code,
        )
    if not current.is_active:
        return Decision(events=(), result=Accepted(subject=current.code))
    change = ChangeTaxCode(
        tenant_id=intent.tenant_id,
        actor=intent.actor,
        channel=intent.channel,
        code=current.code,
        is_active=False,
    )
    return _change_tax_code(state, change, now)


def _create_user(state: TenantState, intent: CreateUser, now: datetime) -> Decision:
    email = intent.email.lower()
    if email in (known.lower() for known in state.user_emails.values()):
        raise errors.DuplicateEmail(
            f"A user with e-mail {intent.email} already exists.", email=intent.email
        )
    event = UserCreated(
        **stamp_of(intent, now),
        user_id=intent.user_id,
        email=intent.email,
        name=intent.name,
        role=intent.role,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.user_id)))


def _issue_api_key(state: TenantState, intent: IssueApiKey, now: datetime) -> Decision:
    if intent.user_id not in state.user_emails:
        raise errors.UserNotFound("The user does not exist.", user_id=str(intent.user_id))
    event = ApiKeyIssued(
        **stamp_of(intent, now),
        key_id=intent.key_id,
        user_id=intent.user_id,
        label=intent.label,
        key_prefix=intent.key_prefix,
        key_hash=intent.key_hash,
        scopes=intent.scopes,
        expires_at=intent.expires_at,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.key_id)))


def _revoke_api_key(state: TenantState, intent: RevokeApiKey, now: datetime) -> Decision:
    revoked = state.api_keys.get(intent.key_id)
    if revoked is None:
        raise errors.ApiKeyNotFound("The API key does not exist.", key_id=str(intent.key_id))
    if revoked:
        return Decision(events=(), result=Accepted(subject=str(intent.key_id)))
    event = ApiKeyRevoked(**stamp_of(intent, now), key_id=intent.key_id)
    return Decision(events=(event,), result=Accepted(subject=str(intent.key_id)))


def _change_user(
    state: TenantState, intent: ChangeUserRole | DeactivateUser, now: datetime
) -> Decision:
    """A role change or a deactivation; the owner keeps both, a deactivated user stays so."""
    if intent.user_id not in state.user_emails or intent.user_id in state.inactive_users:
        raise errors.UserNotFound(
            "No active user with this id exists.", user_id=str(intent.user_id)
        )
    if state.user_roles.get(intent.user_id) == "owner":
        raise errors.InvalidInput(
            "The owner's role and access cannot be changed here.", user_id=str(intent.user_id)
        )
    stamp = stamp_of(intent, now)
    if isinstance(intent, DeactivateUser):
        event: Event = UserDeactivated(**stamp, user_id=intent.user_id)
    elif state.user_roles.get(intent.user_id) == intent.role:
        raise errors.NoChanges(f"The user already is {intent.role}.", user_id=str(intent.user_id))
    else:
        event = UserRoleChanged(**stamp, user_id=intent.user_id, role=intent.role)
    return Decision(events=(event,), result=Accepted(subject=str(intent.user_id)))


def _change_api_key(state: TenantState, intent: ChangeApiKey, now: datetime) -> Decision:
    if state.api_keys.get(intent.key_id) is not False:  # unknown or revoked
        raise errors.ApiKeyNotFound("The API key does not exist.", key_id=str(intent.key_id))
    event = ApiKeyChanged(
        **stamp_of(intent, now),
        key_id=intent.key_id,
        label=intent.label,
        scopes=intent.scopes,
        expires_at=intent.expires_at,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.key_id)))


def _euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


__all__ = [
    "Accepted",
    "Decision",
    "Posted",
    "booking_fingerprint",
    "decide",
    "known_from_event",
    "posted_from_known",
]
