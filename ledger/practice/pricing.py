"""What the partner programme charges a firm per client: a monthly fee by client tier, less a
volume discount by the number of clients. Configuration with documented defaults
(docs/api.md, "Practice"), never a rule hidden in code; the API reads the overrides from the
environment (LEDGER_PRACTICE_TIER_FEES, LEDGER_PRACTICE_VOLUME_DISCOUNTS)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Final

from ledger.money import divide_half_up

TIER_FEES_CENTS: Final = {"STARTER": 7_900, "PROFESSIONAL": 14_900, "BUSINESS": 29_900}
# (at least this many active clients, discount in basis points): 5 clients 10 %, 20 clients 20 %.
VOLUME_DISCOUNTS_BP: Final = ((5, 1_000), (20, 2_000))


@dataclass(frozen=True)
class Pricing:
    tier_fees_cents: dict[str, int] = field(default_factory=lambda: dict(TIER_FEES_CENTS))
    volume_discounts_bp: tuple[tuple[int, int], ...] = VOLUME_DISCOUNTS_BP

    def fee_cents(self, tier: str) -> int:
        return self.tier_fees_cents[tier]

    def discount_bp(self, client_count: int) -> int:
        """The discount of the highest step the client count reaches (0 below the first)."""
        reached = [bp for least, bp in self.volume_discounts_bp if client_count >= least]
        return max(reached, default=0)

    def discounted_cents(self, fee_cents: int, discount_bp: int) -> int:
        return fee_cents - divide_half_up(fee_cents * discount_bp, 10_000)

    @classmethod
    def parse(cls, tier_fees: str | None, volume_discounts: str | None) -> Pricing:
        """`STARTER=79,PROFESSIONAL=149,BUSINESS=299` (euros a month) and `5=10,20=20`
        (clients=percent); either may be None for the default. Raises ValueError on nonsense."""
        fees = dict(TIER_FEES_CENTS)
        for tier, value in _pairs(tier_fees):
            if tier not in fees:
                raise ValueError(f"unknown client tier {tier!r}")
            fees[tier] = _hundredths(value)
        steps = VOLUME_DISCOUNTS_BP
        if volume_discounts is not None:
            pairs = _pairs(volume_discounts)
            steps = tuple(sorted((int(count), _hundredths(percent)) for count, percent in pairs))
            if any(bp > 10_000 or count < 1 for count, bp in steps):
                raise ValueError("a volume discount is at most 100 % from at least one client")
        return cls(tier_fees_cents=fees, volume_discounts_bp=steps)


def _pairs(text: str | None) -> list[tuple[str, str]]:
    if not text:
        return []
    pairs = []
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"expected KEY=VALUE, got {item!r}")
        pairs.append((key.strip(), value.strip()))
    return pairs


def _hundredths(value: str) -> int:
    """Euros -> cents, percent -> basis points."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"not an amount: {value!r}")
    return int(amount * 100)
