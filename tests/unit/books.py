"""Test helpers for the pure decision function: an SKR04 tenant in memory and intent builders.

`Books` holds what the writer holds for one tenant (its `TenantState` and the batch's
`Lookups`) and decides intents the way the writer does: `decide(...)`, then `state.apply` of
every event. Amounts are written as euros_cents, so `119_00` reads as 119.00 EUR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from ledger.decide import Decision, Posted, decide
from ledger.errors import Rejected
from ledger.events import Actor, BookingPosted, Event
from ledger.intents import (
    AnyIntent,
    BookingLine,
    CreateTenant,
    Intent,
    OpeningBalance,
    PostBooking,
    PostOpeningBalances,
    ReverseBooking,
)
from ledger.state import Lookups, TenantState

ACTOR = Actor(actor_type="api_key", label="unit test key", key_prefix="ll_unit")
NOW = datetime(2026, 5, 20, 8, 15, 0, tzinfo=UTC)
TODAY = date(2026, 5, 20)
BOOKING_DAY = date(2026, 3, 15)


def debit(account: str, amount_cents: int, tax_code: str | None = None) -> BookingLine:
    return BookingLine(
        account_number=account, side="debit", amount_cents=amount_cents, tax_code=tax_code
    )


def credit(account: str, amount_cents: int, tax_code: str | None = None) -> BookingLine:
    return BookingLine(
        account_number=account, side="credit", amount_cents=amount_cents, tax_code=tax_code
    )


def balance(account: str, debit_cents: int = 0, credit_cents: int = 0) -> OpeningBalance:
    return OpeningBalance(
        account_number=account, debit_cents=debit_cents, credit_cents=credit_cents
    )


@dataclass
class Books:
    """One tenant's state and lookups, and the events decided so far."""

    state: TenantState
    lookups: Lookups = field(default_factory=Lookups)
    events: list[Event] = field(default_factory=list)

    @classmethod
    def open(cls, *, fiscal_year_start: int = 1, framework: str = "skr04") -> Books:
        """A tenant created through `decide(CreateTenant)`, its events folded into the state."""
        books = cls.missing()
        books.decide(
            CreateTenant(
                tenant_id=books.tenant_id,
                actor=ACTOR,
                channel="api",
                company_name="Muster GmbH",
                fiscal_year_start=fiscal_year_start,
                account_framework=framework,  # type: ignore[arg-type]
            )
        )
        return books

    @classmethod
    def missing(cls) -> Books:
        """Books of a tenant id that was never created."""
        return cls(state=TenantState(tenant_id=uuid4()))

    @property
    def tenant_id(self) -> UUID:
        return self.state.tenant_id

    @property
    def bookings(self) -> list[BookingPosted]:
        return [event for event in self.events if isinstance(event, BookingPosted)]

    def decide(self, intent: AnyIntent, *, today: date = TODAY) -> Decision:
        decision = decide(self.state, self.lookups, intent, NOW, today)
        for event in decision.events:
            self.state.apply(event)
        self.events.extend(decision.events)
        return decision

    def post(self, intent: AnyIntent, *, today: date = TODAY) -> Posted:
        result = self.decide(intent, today=today).result
        assert isinstance(result, Posted)
        return result

    def refuse(self, intent: AnyIntent, *, today: date = TODAY) -> Rejected:
        """The refusal of `intent`; fails the test when the intent is accepted."""
        events_before = len(self.events)
        with pytest.raises(Rejected) as refused:
            self.decide(intent, today=today)
        assert len(self.events) == events_before
        return refused.value

    def intent(self, intent_type: type[Intent], **fields: Any) -> Any:
        """Any intent of this tenant, sent by the test key over the API."""
        return intent_type(tenant_id=self.tenant_id, actor=ACTOR, channel="api", **fields)

    def booking(
        self,
        *lines: BookingLine,
        day: date = BOOKING_DAY,
        description: str = "Test booking",
        **extra: Any,
    ) -> PostBooking:
        return self.intent(
            PostBooking,
            intent_id=uuid4(),
            booking_date=day,
            description=description,
            lines=lines,
            **extra,
        )

    def opening_balances(
        self, *balances: OpeningBalance, day: date = date(2026, 1, 1), **extra: Any
    ) -> PostOpeningBalances:
        return self.intent(
            PostOpeningBalances, intent_id=uuid4(), booking_date=day, balances=balances, **extra
        )

    def reversal(self, original_intent_id: UUID, **extra: Any) -> ReverseBooking:
        return self.intent(
            ReverseBooking, intent_id=uuid4(), original_intent_id=original_intent_id, **extra
        )
