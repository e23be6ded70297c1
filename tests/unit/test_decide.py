"""The pure decision function (ledger/decide.py): every acceptance shape and every refusal.

Each test opens an SKR04 tenant in memory by deciding `CreateTenant` and folding its events
into a `TenantState` (tests/unit/books.py), then decides intents through
`decide(state, lookups, intent, now, today)` exactly as the writer does: no database, no event
loop, no fakes. It proves the worked examples of the reference (VSt19 and § 13b), that every
refusal of bookings, opening balances, reversals, accounts, tax codes, users and API keys
carries its error class, `code` and the `details` a client needs, that when several rules fail
the first in the documented order wins, that retries replay the original answer without
events, and that reversals mirror every pair into the period `posting_mode` asks for.
Amounts are written as euros_cents: `119_00` is 119.00 EUR.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import msgspec
import pytest

from ledger import errors
from ledger.chain import verify_chain
from ledger.decide import Accepted, Decision
from ledger.events import (
    AccountCreated,
    ApiKeyIssued,
    ApiKeyRevoked,
    BookingPosted,
    ChartInstalled,
    Fx,
    TaxCodeChanged,
    TaxCodeDefined,
    TenantCreated,
    UserCreated,
)
from ledger.intents import (
    BookingLine,
    ChangeTaxCode,
    CreateAccount,
    CreateUser,
    DeactivateTaxCode,
    DefineTaxCode,
    IssueApiKey,
    OpeningBalance,
    RevokeApiKey,
)
from ledger.taxcodes import SYSTEM_TAX_CODES
from tests.unit.books import BOOKING_DAY, TODAY, Books, balance, credit, debit

DOCUMENT_ID = UUID("5d0c8a2e-3b1f-4c6d-9e7a-8b9c0d1e2f30")
FX_USD = Fx(
    currency="USD",
    amount=Decimal("108.00"),  # at 1.08 USD per EUR: 100.00 EUR
    rate=Decimal("1.08"),
    rate_date=date(2026, 3, 14),
    rate_source="ECB",
)
FX_USD_119 = msgspec.structs.replace(FX_USD, amount=Decimal("128.52"))  # 119.00 EUR
OFFICE_SUPPLIES = (debit("6815", 119_00, "VSt19"), credit("1800", 119_00))


@pytest.fixture
def books() -> Books:
    return Books.open()


def pairs_of(decision: Decision) -> list[tuple[str, str, int, str | None]]:
    (event,) = decision.events
    assert isinstance(event, BookingPosted)
    return [
        (line.account_debit, line.account_credit, line.amount_cents, line.tax_code)
        for line in event.lines
    ]


def only_event(decision: Decision) -> Any:
    (event,) = decision.events
    return event


def assert_refused(error: errors.Rejected, kind: type[errors.Rejected], details: dict) -> None:
    assert type(error) is kind
    assert error.code == kind.code
    assert error.details == details
    assert error.message


# --- the tenant --------------------------------------------------------------------------------


def test_create_tenant_installs_the_skr04_chart_and_every_system_tax_code() -> None:
    books = Books.open()
    tenant, chart, *codes = books.events
    assert isinstance(tenant, TenantCreated)
    assert isinstance(chart, ChartInstalled)
    assert chart.framework == "skr04"
    assert [code.code for code in codes] == [code.code for code in SYSTEM_TAX_CODES]
    assert all(isinstance(code, TaxCodeDefined) and code.is_system for code in codes)
    assert {"1406", "1800", "3300", "3837", "6815", "9000"} <= books.state.accounts.keys()
    reverse_charge = books.state.tax_code("vst-13b19")
    assert reverse_charge is not None
    assert (reverse_charge.vat_account, reverse_charge.self_assess_account) == ("1407", "3837")


NEVER_CREATED = [
    pytest.param(lambda b: b.booking(*OFFICE_SUPPLIES), id="booking"),
    pytest.param(lambda b: b.opening_balances(balance("1800", 1_00)), id="opening-balances"),
    pytest.param(lambda b: b.reversal(uuid4()), id="reversal"),
    pytest.param(
        lambda b: b.intent(CreateAccount, number="6816", name="Zeitschriften", type="expense"),
        id="create-account",
    ),
    pytest.param(
        lambda b: b.intent(
            DefineTaxCode,
            code="X",
            label="X",
            description=None,
            rate_bp=0,
            vat_account=None,
            self_assess_account=None,
        ),
        id="define-tax-code",
    ),
    pytest.param(lambda b: b.intent(ChangeTaxCode, code="VSt19", label="x"), id="change-tax-code"),
    pytest.param(lambda b: b.intent(DeactivateTaxCode, code="VSt19"), id="deactivate-tax-code"),
    pytest.param(
        lambda b: b.intent(
            CreateUser, user_id=uuid4(), email="a@example.de", name="A", role="member"
        ),
        id="create-user",
    ),
    pytest.param(
        lambda b: b.intent(
            IssueApiKey,
            key_id=uuid4(),
            user_id=uuid4(),
            label="k",
            key_prefix="ll_0000",
            key_hash="0" * 64,
            scopes=("journal:read",),
        ),
        id="issue-api-key",
    ),
    pytest.param(lambda b: b.intent(RevokeApiKey, key_id=uuid4()), id="revoke-api-key"),
]


@pytest.mark.parametrize("make_intent", NEVER_CREATED)
def test_every_intent_on_a_tenant_that_was_never_created_is_tenant_not_found(
    make_intent: Callable[[Books], Any],
) -> None:
    books = Books.missing()
    assert_refused(books.refuse(make_intent(books)), errors.TenantNotFound, {})


# --- bookings: accepted ------------------------------------------------------------------------


def test_vst19_purchase_pairs_net_and_input_vat_against_the_bank(books: Books) -> None:
    # Reference: 6815 debit 119.00 with VSt19 against 1800 credit 119.00
    decision = books.decide(books.booking(*OFFICE_SUPPLIES))
    assert pairs_of(decision) == [
        ("6815", "1800", 100_00, "VSt19"),
        ("1406", "1800", 19_00, "VSt19"),
    ]
    posted = decision.result
    assert (posted.kind, posted.period, posted.total_cents) == ("booking", "2026-03", 119_00)
    assert (posted.event_count, posted.first_journal_number, posted.last_journal_number) == (
        2,
        1,
        2,
    )
    assert not posted.replayed


def test_section_13b_purchase_keeps_the_net_pair_and_adds_the_self_assessed_tax_pair(
    books: Books,
) -> None:
    # Reference: 5925 debit 1000.00 with VSt-13b19 against 3300 credit 1000.00
    decision = books.decide(
        books.booking(debit("5925", 1_000_00, "VSt-13b19"), credit("3300", 1_000_00))
    )
    assert pairs_of(decision) == [
        ("5925", "3300", 1_000_00, "VSt-13b19"),
        ("1407", "3837", 190_00, "VSt-13b19"),
    ]
    assert decision.result.total_cents == 1_000_00


def test_tax_codes_match_case_insensitively_and_are_stored_in_their_own_spelling(
    books: Books,
) -> None:
    decision = books.decide(books.booking(debit("6815", 119_00, "vst19"), credit("1800", 119_00)))
    assert {tax_code for *_, tax_code in pairs_of(decision)} == {"VSt19"}


def test_a_tax_free_code_only_tags_the_pair(books: Books) -> None:
    decision = books.decide(
        books.booking(debit("1200", 500_00), credit("4125", 500_00, "USt0-igL"))
    )
    assert pairs_of(decision) == [("1200", "4125", 500_00, "USt0-igL")]


def test_journal_numbers_continue_across_intents_and_the_chain_verifies(books: Books) -> None:
    first = books.post(books.booking(*OFFICE_SUPPLIES))
    second = books.post(books.booking(debit("1800", 50_00), credit("1600", 50_00)))
    third = books.post(books.booking(*OFFICE_SUPPLIES, day=date(2026, 3, 16)))
    numbers = [(p.first_journal_number, p.last_journal_number) for p in (first, second, third)]
    assert numbers == [(1, 2), (3, 3), (4, 5)]
    report = verify_chain(books.bookings)
    assert report.ok
    assert report.head_journal_number == books.state.head.journal_number == 5
    assert report.head_hash == books.state.head.audit_hash


def test_foreign_currency_amounts_are_shared_over_the_pairs_and_add_up_to_the_document(
    books: Books,
) -> None:
    decision = books.decide(books.booking(*OFFICE_SUPPLIES, fx=FX_USD_119))
    event = only_event(decision)
    assert [line.fx_amount for line in event.lines] == [Decimal("108.00"), Decimal("20.52")]
    assert sum(line.fx_amount for line in event.lines) == FX_USD_119.amount


def test_a_document_that_exists_in_the_tenant_is_linked(books: Books) -> None:
    books.lookups.document_ids.add(DOCUMENT_ID)
    decision = books.decide(books.booking(*OFFICE_SUPPLIES, document_id=DOCUMENT_ID))
    assert only_event(decision).document_id == DOCUMENT_ID


# --- bookings: refused -------------------------------------------------------------------------

BOOKING_REFUSALS = [
    pytest.param(
        [debit("6815", 100_00), credit("0001", 60_00), credit("0002", 40_00)],
        {},
        errors.AccountNotFound,
        {"account_numbers": ["0001", "0002"]},
        id="account-not-found-lists-every-missing-account",
    ),
    pytest.param(
        [debit("6815", 119_00, "VSt99"), credit("1800", 119_00)],
        {},
        errors.InvalidTaxCode,
        {"line": 1, "tax_code": "VSt99"},
        id="unknown-tax-code",
    ),
    pytest.param(
        [debit("6815", 100_00, "VSt19"), debit("1406", 19_00), credit("1800", 119_00)],
        {},
        errors.MixedTaxModes,
        {"line": 2, "account_number": "1406"},
        id="tax-account-by-hand-beside-tax-codes",
    ),
    pytest.param(
        [debit("6815", 100_00), credit("1800", 99_99)],
        {},
        errors.BalanceMismatch,
        {"total_debit": "100.00", "total_credit": "99.99", "difference": "0.01"},
        id="debits-exceed-credits",
    ),
    pytest.param(
        [debit("6815", 1_00), credit("1800", 600_00), credit("1600", 400_00)],
        {},
        errors.BalanceMismatch,
        {"total_debit": "1.00", "total_credit": "1000.00", "difference": "-999.00"},
        id="credits-exceed-debits",
    ),
    pytest.param(
        [debit("5925", 100_00, "VSt-13b19"), credit("3300", 100_00)],
        {"fx": FX_USD},
        errors.FxSelfAssessmentUnsupported,
        {},
        id="fx-with-self-assessing-code",
    ),
    pytest.param(
        [debit("6815", 100_02), credit("1800", 100_02)],
        {"fx": FX_USD},
        errors.FxMismatch,
        {"expected_eur": "100.00", "booking_total_eur": "100.02"},
        id="fx-two-cents-off",
    ),
    pytest.param(
        [debit("6815", 99_98), credit("1800", 99_98)],
        {"fx": FX_USD},
        errors.FxMismatch,
        {"expected_eur": "100.00", "booking_total_eur": "99.98"},
        id="fx-two-cents-short",
    ),
    pytest.param(
        [debit("1800", 100_00), credit("1800", 100_00)],
        {},
        errors.InvalidInput,
        {"account_number": "1800"},
        id="account-against-itself",
    ),
    pytest.param(
        list(OFFICE_SUPPLIES),
        {"document_id": DOCUMENT_ID},
        errors.DocumentNotFound,
        {"document_id": str(DOCUMENT_ID)},
        id="document-not-found",
    ),
    pytest.param(
        list(OFFICE_SUPPLIES),
        {"day": date(2026, 11, 30), "adjustment_period": 13},
        errors.InvalidAdjustmentPeriod,
        {"booking_date": "2026-11-30", "fiscal_year_end_month": 12},
        id="adjustment-period-outside-december",
    ),
]


@pytest.mark.parametrize(("lines", "extra", "kind", "details"), BOOKING_REFUSALS)
def test_a_booking_breaking_a_rule_is_refused_with_its_code_and_details(
    books: Books,
    lines: list[BookingLine],
    extra: dict[str, Any],
    kind: type[errors.Rejected],
    details: dict[str, Any],
) -> None:
    assert_refused(books.refuse(books.booking(*lines, **extra)), kind, details)
    assert books.state.head.journal_number == 0


def test_a_booking_on_an_inactive_account_is_refused(books: Books) -> None:
    books.state.inactive_accounts.add("1800")
    error = books.refuse(books.booking(*OFFICE_SUPPLIES))
    assert_refused(error, errors.AccountInactive, {"account_numbers": ["1800"]})


def test_a_booking_with_an_inactive_tax_code_is_refused(books: Books) -> None:
    books.decide(books.intent(ChangeTaxCode, code="VSt7", is_active=False))
    error = books.refuse(books.booking(debit("6815", 107_00), credit("1800", 107_00, "VSt7")))
    assert_refused(error, errors.InvalidTaxCode, {"line": 2, "tax_code": "VSt7"})
    assert "inactive" in error.message


@pytest.mark.parametrize("total_cents", [99_99, 100_00, 100_01])
def test_a_foreign_currency_total_within_one_cent_of_the_converted_amount_is_accepted(
    books: Books, total_cents: int
) -> None:
    posted = books.post(
        books.booking(debit("6815", total_cents), credit("1800", total_cents), fx=FX_USD)
    )
    assert posted.total_cents == total_cents


@pytest.mark.parametrize(
    ("fiscal_year_start", "day", "adjustment_period", "accepted_period"),
    [
        (1, date(2026, 12, 31), 13, "2026-P13"),
        (1, date(2026, 12, 1), 14, "2026-P14"),
        (1, date(2026, 6, 30), 13, None),
        (7, date(2026, 6, 30), 13, "2026-P13"),
        (7, date(2026, 6, 1), 14, "2026-P14"),
        (7, date(2026, 12, 31), 13, None),
        (4, date(2027, 3, 31), 13, "2027-P13"),
        (4, date(2026, 12, 31), 14, None),
    ],
)
def test_adjustment_periods_are_booked_in_the_last_month_of_the_fiscal_year(
    fiscal_year_start: int, day: date, adjustment_period: int, accepted_period: str | None
) -> None:
    books = Books.open(fiscal_year_start=fiscal_year_start)
    intent = books.booking(*OFFICE_SUPPLIES, day=day, adjustment_period=adjustment_period)
    if accepted_period is not None:
        assert books.post(intent).period == accepted_period
        return
    error = books.refuse(intent)
    end_month = (fiscal_year_start - 2) % 12 + 1
    details = {"booking_date": day.isoformat(), "fiscal_year_end_month": end_month}
    assert_refused(error, errors.InvalidAdjustmentPeriod, details)


# --- order of checks ---------------------------------------------------------------------------

PRECEDENCE = [
    pytest.param(
        [debit("0001", 100_00), credit("1800", 99_00)],
        {"document_id": DOCUMENT_ID, "day": date(2026, 11, 30), "adjustment_period": 13},
        errors.DocumentNotFound,
        id="document-before-period",
    ),
    pytest.param(
        [debit("0001", 100_00), credit("1800", 99_00)],
        {"day": date(2026, 11, 30), "adjustment_period": 13},
        errors.InvalidAdjustmentPeriod,
        id="period-before-accounts",
    ),
    pytest.param(
        [debit("0001", 100_00, "NOPE"), credit("1800", 99_00)],
        {},
        errors.AccountNotFound,
        id="unknown-account-before-tax-code-and-balance",
    ),
    pytest.param(
        [debit("6815", 100_00), credit("1401", 99_00, "NOPE"), credit("1406", 1_00)],
        {},
        errors.InvalidTaxCode,
        id="tax-code-before-mixed-modes-and-balance",
    ),
    pytest.param(
        [debit("6815", 100_00, "VSt19"), debit("1406", 19_00), credit("1800", 1_00)],
        {},
        errors.MixedTaxModes,
        id="mixed-modes-before-balance",
    ),
    pytest.param(
        [debit("5925", 100_00, "VSt-13b19"), credit("3300", 50_00)],
        {"fx": FX_USD},
        errors.FxSelfAssessmentUnsupported,
        id="fx-self-assessment-before-balance",
    ),
    pytest.param(
        [debit("6815", 500_00), credit("1800", 400_00)],
        {"fx": FX_USD},
        errors.BalanceMismatch,
        id="balance-before-fx-amount",
    ),
    pytest.param(
        [debit("1800", 500_00), credit("1800", 500_00)],
        {"fx": FX_USD},
        errors.FxMismatch,
        id="fx-amount-before-self-pairing",
    ),
]


@pytest.mark.parametrize(("lines", "extra", "kind"), PRECEDENCE)
def test_when_several_rules_fail_the_first_in_the_documented_order_is_reported(
    books: Books, lines: list[BookingLine], extra: dict[str, Any], kind: type[errors.Rejected]
) -> None:
    assert type(books.refuse(books.booking(*lines, **extra))) is kind


def test_an_unknown_account_is_reported_before_an_inactive_one(books: Books) -> None:
    books.state.inactive_accounts.add("1800")
    error = books.refuse(books.booking(debit("0001", 100_00), credit("1800", 100_00)))
    assert_refused(error, errors.AccountNotFound, {"account_numbers": ["0001"]})


def test_an_inactive_account_is_reported_before_an_unknown_tax_code(books: Books) -> None:
    books.state.inactive_accounts.add("1800")
    error = books.refuse(books.booking(debit("6815", 100_00, "NOPE"), credit("1800", 100_00)))
    assert type(error) is errors.AccountInactive


@pytest.mark.parametrize(
    ("inactive", "extra", "kind"),
    [
        pytest.param({"1800"}, {}, errors.AccountInactive, id="inactive-account"),
        pytest.param(set(), {"document_id": DOCUMENT_ID}, errors.DocumentNotFound, id="document"),
        pytest.param(set(), {"fx": FX_USD}, errors.FxMismatch, id="fx-amount"),
    ],
)
def test_a_suspected_duplicate_is_reported_after_every_other_rule(
    books: Books, inactive: set[str], extra: dict[str, Any], kind: type[errors.Rejected]
) -> None:
    books.post(books.booking(*OFFICE_SUPPLIES))
    books.state.inactive_accounts |= inactive
    assert type(books.refuse(books.booking(*OFFICE_SUPPLIES, **extra))) is kind


# --- duplicates --------------------------------------------------------------------------------


def test_same_date_accounts_and_amounts_is_a_suspected_duplicate_naming_the_first(
    books: Books,
) -> None:
    first = books.post(books.booking(*OFFICE_SUPPLIES, description="Rechnung 1"))
    # other text, other line order, other spelling of the tax code: still the same booking
    again = books.booking(
        credit("1800", 119_00), debit("6815", 119_00, "vst19"), description="Rechnung 1 (Kopie)"
    )
    error = books.refuse(again)
    assert_refused(error, errors.DuplicateSuspected, {"intent_id": str(first.intent_id)})


@pytest.mark.parametrize(
    "second",
    [
        pytest.param({"skip_duplicate_check": True}, id="skip-duplicate-check"),
        pytest.param({"day": date(2026, 3, 16)}, id="another-date"),
        pytest.param({"external_reference": "RE-2"}, id="another-document-reference"),
    ],
)
def test_a_similar_booking_is_posted_when_asked_to_or_on_another_date_or_document(
    books: Books, second: dict[str, Any]
) -> None:
    books.post(books.booking(*OFFICE_SUPPLIES))
    assert books.post(books.booking(*OFFICE_SUPPLIES, **second)).first_journal_number == 3


def test_a_reversed_booking_is_no_longer_a_duplicate_candidate(books: Books) -> None:
    first = books.post(books.booking(*OFFICE_SUPPLIES))
    books.post(books.reversal(first.intent_id))
    assert books.post(books.booking(*OFFICE_SUPPLIES)).first_journal_number == 5


# --- retries -----------------------------------------------------------------------------------

RETRYABLE = [
    pytest.param(lambda b, **key: b.booking(*OFFICE_SUPPLIES, **key), id="booking"),
    pytest.param(
        lambda b, **key: b.opening_balances(
            balance("1800", 500_00), balance("2000", credit_cents=500_00), **key
        ),
        id="opening-balances",
    ),
]


@pytest.mark.parametrize("make_intent", RETRYABLE)
def test_a_retry_with_the_same_idempotency_key_and_body_replays_the_original_answer(
    books: Books, make_intent: Callable[..., Any]
) -> None:
    original = books.post(make_intent(books, idempotency_key="k-1", request_hash="h-1"))
    retry = make_intent(books, idempotency_key="k-1", request_hash="h-1")
    assert retry.intent_id != original.intent_id
    decision = books.decide(retry)
    assert decision.events == ()
    assert decision.result == msgspec.structs.replace(original, replayed=True)
    assert decision.result.intent_id == original.intent_id


@pytest.mark.parametrize("make_intent", RETRYABLE)
def test_an_idempotency_key_reused_with_another_body_is_refused(
    books: Books, make_intent: Callable[..., Any]
) -> None:
    original = books.post(make_intent(books, idempotency_key="k-1", request_hash="h-1"))
    error = books.refuse(make_intent(books, idempotency_key="k-1", request_hash="h-2"))
    assert_refused(error, errors.IdempotencyKeyReused, {"intent_id": str(original.intent_id)})


def test_a_reversal_retried_with_its_idempotency_key_is_replayed_not_already_reversed(
    books: Books,
) -> None:
    original = books.post(books.booking(*OFFICE_SUPPLIES))
    reversal = books.post(books.reversal(original.intent_id, idempotency_key="r", request_hash="h"))
    decision = books.decide(
        books.reversal(original.intent_id, idempotency_key="r", request_hash="h")
    )
    assert decision.events == ()
    assert decision.result == msgspec.structs.replace(reversal, replayed=True)


def test_a_replay_is_answered_before_any_rule_is_checked_again(books: Books) -> None:
    original = books.post(books.booking(*OFFICE_SUPPLIES, idempotency_key="k", request_hash="h"))
    books.state.inactive_accounts.add("1800")
    decision = books.decide(books.booking(*OFFICE_SUPPLIES, idempotency_key="k", request_hash="h"))
    assert decision.result.intent_id == original.intent_id
    assert decision.result.replayed


def test_the_same_external_reference_and_body_replays_the_original_booking(books: Books) -> None:
    original = books.post(
        books.booking(*OFFICE_SUPPLIES, external_reference="RE-42", request_hash="h-1")
    )
    decision = books.decide(
        books.booking(*OFFICE_SUPPLIES, external_reference="RE-42", request_hash="h-1")
    )
    assert decision.events == ()
    assert decision.result == msgspec.structs.replace(original, replayed=True)


def test_the_same_external_reference_with_another_body_is_a_new_booking(books: Books) -> None:
    books.post(books.booking(*OFFICE_SUPPLIES, external_reference="RE-42", request_hash="h-1"))
    second = books.post(
        books.booking(
            debit("6815", 238_00, "VSt19"),
            credit("1800", 238_00),
            external_reference="RE-42",
            request_hash="h-2",
        )
    )
    assert not second.replayed
    assert second.first_journal_number == 3


# --- reversals ---------------------------------------------------------------------------------


def test_reversing_an_unknown_booking_is_not_found(books: Books) -> None:
    missing = uuid4()
    error = books.refuse(books.reversal(missing))
    assert_refused(error, errors.NotFound, {"intent_id": str(missing)})


def test_reversing_a_booking_twice_is_already_reversed_naming_the_reversal(books: Books) -> None:
    original = books.post(books.booking(*OFFICE_SUPPLIES))
    reversal = books.post(books.reversal(original.intent_id))
    error = books.refuse(books.reversal(original.intent_id))
    assert_refused(error, errors.AlreadyReversed, {"reversal_intent_id": str(reversal.intent_id)})


def test_a_reversal_mirrors_every_pair_of_the_original_in_order(books: Books) -> None:
    original_decision = books.decide(
        books.booking(
            debit("5925", 1_000_00, "VSt-13b19"),
            debit("6815", 119_00, "VSt19"),
            credit("3300", 1_119_00),
            description="Bauleistung und Bürobedarf",
        )
    )
    original = original_decision.result
    decision = books.decide(books.reversal(original.intent_id, reason="falscher Kreditor"))
    mirrored = [(c, d, amount, code) for d, c, amount, code in pairs_of(original_decision)]
    assert pairs_of(decision) == mirrored
    event = only_event(decision)
    assert (event.kind, event.reverses_intent_id, event.reason) == (
        "reversal",
        original.intent_id,
        "falscher Kreditor",
    )
    assert event.description == "Storno: Bauleistung und Bürobedarf"
    assert event.total_cents == original.total_cents
    assert decision.result.reverses_intent_id == original.intent_id
    assert decision.result.first_journal_number == original.last_journal_number + 1


def test_a_reversal_of_a_foreign_currency_booking_keeps_the_document_amounts(
    books: Books,
) -> None:
    original = books.decide(books.booking(*OFFICE_SUPPLIES, fx=FX_USD_119))
    reversal = books.decide(books.reversal(original.result.intent_id))
    assert only_event(reversal).fx == FX_USD_119
    fx_amounts = [line.fx_amount for line in only_event(original).lines]
    assert [line.fx_amount for line in only_event(reversal).lines] == fx_amounts


@pytest.mark.parametrize(
    ("day", "adjustment_period", "posting_mode", "reversal_date", "reversal_period"),
    [
        (BOOKING_DAY, None, "current_period", date(2027, 1, 15), "2027-01"),
        (BOOKING_DAY, None, "original_period", BOOKING_DAY, "2026-03"),
        (date(2026, 12, 31), 13, "original_period", date(2026, 12, 31), "2026-P13"),
        (date(2026, 12, 31), 14, "current_period", date(2027, 1, 15), "2027-01"),
    ],
)
def test_a_reversal_is_dated_today_or_in_the_original_period_as_asked(
    books: Books,
    day: date,
    adjustment_period: int | None,
    posting_mode: str,
    reversal_date: date,
    reversal_period: str,
) -> None:
    original = books.post(
        books.booking(*OFFICE_SUPPLIES, day=day, adjustment_period=adjustment_period)
    )
    reversal = books.post(
        books.reversal(original.intent_id, posting_mode=posting_mode), today=date(2027, 1, 15)
    )
    assert (reversal.booking_date, reversal.period) == (reversal_date, reversal_period)


def test_a_reversal_is_dated_with_the_today_passed_in_not_the_clock(books: Books) -> None:
    original = books.post(books.booking(*OFFICE_SUPPLIES))
    reversal = books.post(books.reversal(original.intent_id))
    assert (reversal.booking_date, reversal.period) == (TODAY, "2026-05")


# --- opening balances --------------------------------------------------------------------------

OPENING = (
    balance("1800", debit_cents=10_000_00),
    balance("1200", debit_cents=5_000_00),
    balance("4400"),  # empty entries are skipped, whatever the account
    balance("2000", credit_cents=12_000_00),
    balance("3300", credit_cents=3_000_00),
)


def test_opening_balances_book_each_account_against_9000(books: Books) -> None:
    decision = books.decide(books.opening_balances(*OPENING))
    assert pairs_of(decision) == [
        ("1800", "9000", 10_000_00, None),
        ("1200", "9000", 5_000_00, None),
        ("9000", "2000", 12_000_00, None),
        ("9000", "3300", 3_000_00, None),
    ]
    posted = decision.result
    assert (posted.kind, posted.period, posted.total_cents) == (
        "opening_balances",
        "2026-01",
        15_000_00,
    )
    assert posted.description == "Eröffnungsbilanz 2026-01-01"


OPENING_REFUSALS = [
    pytest.param(
        [balance("1800", 100_00, 100_00), balance("2000", credit_cents=100_00)],
        errors.InvalidBalanceEntry,
        {"account_number": "1800"},
        id="debit-and-credit-on-one-account",
    ),
    pytest.param(
        [balance("9000", debit_cents=100_00), balance("2000", credit_cents=100_00)],
        errors.InvalidBalanceEntry,
        {"account_number": "9000"},
        id="the-contra-account-9000-itself",
    ),
    pytest.param(
        [balance("1800"), balance("2000")],
        errors.InvalidInput,
        {},
        id="every-amount-zero",
    ),
    pytest.param(
        [
            balance("0001", debit_cents=1_00),
            balance("1800", debit_cents=1_00),
            balance("0002", credit_cents=1_00),
            balance("0003", credit_cents=1_00),
        ],
        errors.AccountsNotFound,
        {"account_numbers": ["0001", "0002", "0003"]},
        id="accounts-not-found-lists-all",
    ),
    pytest.param(
        [
            balance("4400", credit_cents=1_00),
            balance("1800", debit_cents=2_00),
            balance("6815", credit_cents=1_00),
        ],
        errors.AccountTypeNotAllowed,
        {"account_numbers": ["4400", "6815"]},
        id="revenue-and-expense-accounts",
    ),
    pytest.param(
        [balance("1800", debit_cents=100_00), balance("2000", credit_cents=90_00)],
        errors.BalanceMismatch,
        {"total_debit": "100.00", "total_credit": "90.00", "difference": "10.00"},
        id="unbalanced",
    ),
]


@pytest.mark.parametrize(("balances", "kind", "details"), OPENING_REFUSALS)
def test_opening_balances_breaking_a_rule_are_refused_with_code_and_details(
    books: Books,
    balances: list[OpeningBalance],
    kind: type[errors.Rejected],
    details: dict[str, Any],
) -> None:
    assert_refused(books.refuse(books.opening_balances(*balances)), kind, details)


def test_opening_balances_need_account_9000_before_any_other_account_is_looked_up(
    books: Books,
) -> None:
    del books.state.accounts["9000"]
    intent = books.opening_balances(*OPENING, balance("0001", debit_cents=1_00))
    assert_refused(books.refuse(intent), errors.Account9000Missing, {})


def test_a_second_set_of_opening_balances_for_the_same_date_is_refused(books: Books) -> None:
    first = books.post(books.opening_balances(*OPENING))
    error = books.refuse(books.opening_balances(*OPENING))
    assert_refused(error, errors.OpeningBalancesExist, {"intent_id": str(first.intent_id)})


def test_opening_balances_may_be_posted_again_once_the_first_set_is_reversed(
    books: Books,
) -> None:
    first = books.post(books.opening_balances(*OPENING))
    books.post(books.reversal(first.intent_id))
    corrected = books.post(books.opening_balances(*OPENING))
    assert corrected.first_journal_number == 9


def test_opening_balances_for_another_date_are_a_set_of_their_own(books: Books) -> None:
    books.post(books.opening_balances(*OPENING))
    assert books.post(books.opening_balances(*OPENING, day=date(2027, 1, 1))).period == "2027-01"


@pytest.mark.parametrize(
    ("balances", "kind"),
    [
        pytest.param(
            [balance("0001", 1_00, 1_00), balance("9000", debit_cents=1_00)],
            errors.InvalidBalanceEntry,
            id="entry-shape-before-accounts",
        ),
        pytest.param(
            [balance("0001"), balance("6815")],
            errors.InvalidInput,
            id="nothing-to-post-before-accounts",
        ),
        pytest.param(
            [balance("0001", debit_cents=1_00), balance("4400", credit_cents=5_00)],
            errors.AccountsNotFound,
            id="missing-before-type",
        ),
        pytest.param(
            [balance("6815", debit_cents=1_00), balance("2000", credit_cents=5_00)],
            errors.AccountTypeNotAllowed,
            id="type-before-balance",
        ),
    ],
)
def test_opening_balance_rules_are_checked_in_the_documented_order(
    books: Books, balances: list[OpeningBalance], kind: type[errors.Rejected]
) -> None:
    assert type(books.refuse(books.opening_balances(*balances))) is kind


def test_an_unbalanced_set_is_reported_before_an_existing_one(books: Books) -> None:
    books.post(books.opening_balances(*OPENING))
    error = books.refuse(books.opening_balances(balance("1800", debit_cents=1_00)))
    assert type(error) is errors.BalanceMismatch


# --- accounts ----------------------------------------------------------------------------------


def create_account(books: Books, number: str) -> Any:
    return books.intent(CreateAccount, number=number, name="Zeitschriften", type="expense")


def test_a_new_account_can_be_booked_on(books: Books) -> None:
    decision = books.decide(create_account(books, "6816"))
    assert isinstance(only_event(decision), AccountCreated)
    assert decision.result == Accepted(subject="6816")
    assert books.post(books.booking(debit("6816", 10_00), credit("1800", 10_00))).event_count == 1


@pytest.mark.parametrize(
    ("number", "first_create", "wording"),
    [("1800", False, "a system account"), ("6816", True, "in use")],
)
def test_an_existing_account_number_is_a_duplicate_account(
    books: Books, number: str, first_create: bool, wording: str
) -> None:
    if first_create:
        books.decide(create_account(books, number))
    error = books.refuse(create_account(books, number))
    assert_refused(error, errors.DuplicateAccount, {"account_number": number})
    assert wording in error.message


# --- tax codes ---------------------------------------------------------------------------------


def define(books: Books, code: str, **fields: Any) -> Any:
    values = {
        "label": f"{code} label",
        "description": None,
        "rate_bp": 1900,
        "vat_account": "1406",
        "self_assess_account": None,
        **fields,
    }
    return books.intent(DefineTaxCode, code=code, **values)


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({}, "input"),
        ({"vat_account": "1407", "self_assess_account": "3837"}, "reverse_charge"),
        ({"vat_account": "3806", "kind": "output"}, "output"),
        ({"vat_account": None, "rate_bp": 0, "kind": "tax_free"}, "tax_free"),
    ],
)
def test_a_defined_tax_code_is_custom_and_derives_its_kind(
    books: Books, fields: dict[str, Any], kind: str
) -> None:
    event = only_event(books.decide(define(books, "Custom19", **fields)))
    assert (event.kind, event.is_system) == (kind, False)
    code = books.state.tax_code("CUSTOM19")
    assert code is not None
    assert code.code == "Custom19"


@pytest.mark.parametrize(("existing", "again"), [(None, "vst19"), ("Bau19", "BAU19")])
def test_a_tax_code_differing_only_in_case_is_a_duplicate(
    books: Books, existing: str | None, again: str
) -> None:
    if existing is not None:
        books.decide(define(books, existing))
    error = books.refuse(define(books, again))
    assert_refused(error, errors.DuplicateTaxCode, {"code": existing or "VSt19"})


TAX_ACCOUNT_REFUSALS = [
    pytest.param({"vat_account": "0001"}, set(), errors.AccountNotFound, "0001", id="vat-missing"),
    pytest.param(
        {"vat_account": "1407", "self_assess_account": "0002"},
        set(),
        errors.AccountNotFound,
        "0002",
        id="self-assess-missing",
    ),
    pytest.param({}, {"1406"}, errors.AccountInactive, "1406", id="vat-inactive"),
]


@pytest.mark.parametrize(("fields", "inactive", "kind", "account"), TAX_ACCOUNT_REFUSALS)
def test_a_new_tax_code_needs_active_accounts(
    books: Books,
    fields: dict[str, Any],
    inactive: set[str],
    kind: type[errors.Rejected],
    account: str,
) -> None:
    books.state.inactive_accounts |= inactive
    assert_refused(
        books.refuse(define(books, "Custom", **fields)), kind, {"account_number": account}
    )


@pytest.mark.parametrize(("fields", "inactive", "kind", "account"), TAX_ACCOUNT_REFUSALS)
def test_a_changed_tax_code_needs_active_accounts(
    books: Books,
    fields: dict[str, Any],
    inactive: set[str],
    kind: type[errors.Rejected],
    account: str,
) -> None:
    books.decide(define(books, "Custom", vat_account="1401"))
    books.state.inactive_accounts |= inactive
    change = books.intent(ChangeTaxCode, code="custom", **{"vat_account": "1406", **fields})
    assert_refused(books.refuse(change), kind, {"account_number": account})


SELF_ASSESSING_WITHOUT_TWO_ACCOUNTS = [
    pytest.param("1407", "1407", id="one-account-for-both"),
    pytest.param(None, "3837", id="no-vat-account"),
]


@pytest.mark.parametrize(
    ("vat_account", "self_assess_account"), SELF_ASSESSING_WITHOUT_TWO_ACCOUNTS
)
def test_a_new_self_assessing_tax_code_needs_two_different_accounts(
    books: Books, vat_account: str | None, self_assess_account: str
) -> None:
    # Otherwise its tax pair would book one account against itself (or silently vanish).
    intent = define(books, "RC", vat_account=vat_account, self_assess_account=self_assess_account)
    details = {
        "code": "RC",
        "vat_account": vat_account,
        "self_assess_account": self_assess_account,
    }
    assert_refused(books.refuse(intent), errors.InvalidInput, details)


def test_a_self_assessing_tax_code_cannot_be_changed_to_one_account_for_both(
    books: Books,
) -> None:
    books.decide(define(books, "RC", vat_account="1407", self_assess_account="3837"))
    error = books.refuse(books.intent(ChangeTaxCode, code="RC", self_assess_account="1407"))
    details = {"code": "RC", "vat_account": "1407", "self_assess_account": "1407"}
    assert_refused(error, errors.InvalidInput, details)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda b: b.intent(ChangeTaxCode, code="NOPE", label="x"), id="change"),
        pytest.param(lambda b: b.intent(DeactivateTaxCode, code="NOPE"), id="deactivate"),
    ],
)
def test_changing_an_unknown_tax_code_is_tax_code_not_found(
    books: Books, change: Callable[[Books], Any]
) -> None:
    assert_refused(books.refuse(change(books)), errors.TaxCodeNotFound, {"code": "NOPE"})


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({}, id="nothing-given"),
        pytest.param({"label": "Vorsteuer 19 %"}, id="same-label"),
        pytest.param({"rate_bp": 1900, "is_active": True}, id="same-rate-and-state"),
    ],
)
def test_a_change_that_changes_nothing_is_refused(books: Books, fields: dict[str, Any]) -> None:
    error = books.refuse(books.intent(ChangeTaxCode, code="vst19", **fields))
    assert_refused(error, errors.NoChanges, {"code": "VSt19"})


@pytest.mark.parametrize(
    ("code", "fields"),
    [
        ("VSt19", {"rate_bp": 1600}),
        ("VSt19", {"vat_account": "1401"}),
        ("VSt-13b19", {"self_assess_account": "3804"}),
        ("VSt19", {"label": "Neu", "rate_bp": 1600}),
    ],
)
def test_the_rate_and_accounts_of_a_system_tax_code_are_fixed(
    books: Books, code: str, fields: dict[str, Any]
) -> None:
    error = books.refuse(books.intent(ChangeTaxCode, code=code, **fields))
    assert_refused(error, errors.InvalidInput, {"code": code})


@pytest.mark.parametrize(
    "fields",
    [
        {"label": "Vorsteuer 19 % (Inland)"},
        {"label": "Vorsteuer 19 % (Inland)", "rate_bp": 1900, "vat_account": "1406"},
        {"description": "Regelsatz"},
        {"is_active": False},
    ],
)
def test_label_description_and_state_of_a_system_tax_code_may_change(
    books: Books, fields: dict[str, Any]
) -> None:
    event = only_event(books.decide(books.intent(ChangeTaxCode, code="VSt19", **fields)))
    assert isinstance(event, TaxCodeChanged)
    assert (event.code, event.rate_bp, event.vat_account) == ("VSt19", 1900, "1406")
    code = books.state.tax_code("VSt19")
    assert code is not None
    assert all(getattr(code, name) == value for name, value in fields.items())


def test_the_rate_of_a_custom_tax_code_may_change(books: Books) -> None:
    books.decide(define(books, "Custom", rate_bp=1600))
    books.decide(books.intent(ChangeTaxCode, code="Custom", rate_bp=1900))
    code = books.state.tax_code("Custom")
    assert code is not None
    assert code.rate_bp == 1900


def test_a_system_tax_code_cannot_be_deleted(books: Books) -> None:
    error = books.refuse(books.intent(DeactivateTaxCode, code="ust19"))
    assert_refused(error, errors.SystemTaxCodeDeleteForbidden, {"code": "USt19"})


def test_deleting_a_custom_tax_code_deactivates_it_once(books: Books) -> None:
    books.decide(define(books, "Custom"))
    event = only_event(books.decide(books.intent(DeactivateTaxCode, code="Custom")))
    assert isinstance(event, TaxCodeChanged)
    assert not event.is_active
    again = books.decide(books.intent(DeactivateTaxCode, code="Custom"))
    assert again.events == ()
    assert again.result == Accepted(subject="Custom")


# --- users and API keys ------------------------------------------------------------------------


def create_user(books: Books, email: str) -> Any:
    return books.intent(CreateUser, user_id=uuid4(), email=email, name="Anna", role="member")


def issue_key(books: Books, user_id: UUID) -> Any:
    return books.intent(
        IssueApiKey,
        key_id=uuid4(),
        user_id=user_id,
        label="Buchhaltung",
        key_prefix="ll_1a2b",
        key_hash="ab" * 32,
        scopes=("journal:write",),
    )


def test_a_second_user_with_the_same_email_in_any_case_is_refused(books: Books) -> None:
    assert isinstance(only_event(books.decide(create_user(books, "anna@example.de"))), UserCreated)
    error = books.refuse(create_user(books, "Anna@Example.DE"))
    assert type(error) is errors.DuplicateEmail
    assert "Anna@Example.DE" in error.message


def test_an_api_key_for_an_unknown_user_is_refused(books: Books) -> None:
    stranger = uuid4()
    error = books.refuse(issue_key(books, stranger))
    assert_refused(error, errors.UserNotFound, {"user_id": str(stranger)})


def test_an_api_key_is_issued_to_a_user_and_revoked_once(books: Books) -> None:
    user = create_user(books, "anna@example.de")
    books.decide(user)
    key = issue_key(books, user.user_id)
    assert isinstance(only_event(books.decide(key)), ApiKeyIssued)
    revoke = books.intent(RevokeApiKey, key_id=key.key_id)
    assert isinstance(only_event(books.decide(revoke)), ApiKeyRevoked)
    assert books.state.api_keys[key.key_id] is True
    assert books.decide(revoke).events == ()


def test_revoking_an_unknown_api_key_is_refused(books: Books) -> None:
    key_id = uuid4()
    error = books.refuse(books.intent(RevokeApiKey, key_id=key_id))
    assert_refused(error, errors.ApiKeyNotFound, {"key_id": str(key_id)})
