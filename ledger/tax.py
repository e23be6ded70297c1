"""Tax-code expansion: a gross line with a tax code becomes net plus tax lines.

Two shapes (reference §1.7):
- standard code: gross -> net on the line's account + tax on the code's `vat_account`, both on
  the line's side. 6815 debit 119.00 with VSt19 -> 6815 debit 100.00, 1406 debit 19.00.
- self-assessing code (intra-EU acquisition, § 13b): the line stays at its amount, which is the
  net amount, and a balanced tax pair is added: `vat_account` debit / `self_assess_account`
  credit (mirrored when the line is a credit). 5925 debit 1000.00 with VSt-13b19 -> 5925 debit
  1000.00 plus the pair 1407 / 3837 190.00.
Tax-free codes (no `vat_account`) leave the line as it is and only tag it.

Rounding (docs/api.md, "Rounding"): net = gross / (1 + rate) half up to the cent, tax = gross -
net, so the parts always add up to the gross; self-assessed tax = net x rate, half up. A line
may carry its document's own tax (`tax_cents`, from an invoice booked with `book: true`); then
net = gross - that tax.
"""

from __future__ import annotations

import msgspec

from ledger.intents import Side
from ledger.money import net_cents_from_gross, tax_cents_from_net


class TaxCode(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    label: str
    description: str | None
    rate_bp: int
    vat_account: str | None
    self_assess_account: str | None
    kind: str
    is_system: bool
    is_active: bool = True

    @property
    def self_assessed(self) -> bool:
        return self.self_assess_account is not None


class SidedLine(msgspec.Struct, frozen=True, kw_only=True):
    """An expanded line: one account, one side, a positive amount in cents."""

    account_number: str
    side: Side
    amount_cents: int
    tax_code: str | None = None
    tax_cents: int | None = None  # a document's own tax in this gross line; None: computed


class TaxPair(msgspec.Struct, frozen=True, kw_only=True):
    """A self-assessment pair, stored as its own debit/credit event."""

    account_debit: str
    account_credit: str
    amount_cents: int
    tax_code: str


def expand_line(line: SidedLine, code: TaxCode) -> tuple[tuple[SidedLine, ...], TaxPair | None]:
    """One tax-coded line -> its expanded lines and, for self-assessing codes, the tax pair."""
    assert line.amount_cents > 0
    tagged = msgspec.structs.replace(line, tax_code=code.code, tax_cents=None)
    if code.vat_account is None or code.rate_bp == 0:
        return (tagged,), None
    if code.self_assess_account is not None:
        tax_cents = tax_cents_from_net(line.amount_cents, code.rate_bp)
        if tax_cents == 0:
            return (tagged,), None
        debit, credit = code.vat_account, code.self_assess_account
        if line.side == "credit":
            debit, credit = credit, debit
        return (tagged,), TaxPair(
            account_debit=debit, account_credit=credit, amount_cents=tax_cents, tax_code=code.code
        )
    if line.tax_cents is not None:  # the invoice's own figure (checked against its lines)
        tax_cents = line.tax_cents
        net_cents = line.amount_cents - tax_cents
    else:
        net_cents = net_cents_from_gross(line.amount_cents, code.rate_bp)
        tax_cents = line.amount_cents - net_cents
    if tax_cents == 0:
        return (tagged,), None
    expanded = (
        msgspec.structs.replace(tagged, amount_cents=net_cents),
        SidedLine(
            account_number=code.vat_account,
            side=line.side,
            amount_cents=tax_cents,
            tax_code=code.code,
        ),
    )
    assert sum(part.amount_cents for part in expanded) == line.amount_cents
    return expanded, None


def expand_lines(
    lines: tuple[SidedLine, ...], codes: dict[str, TaxCode]
) -> tuple[list[SidedLine], list[TaxPair]]:
    """Expand every tax-coded line; `codes` maps each line's tax code to its definition."""
    expanded: list[SidedLine] = []
    pairs: list[TaxPair] = []
    for line in lines:
        if line.tax_code is None:
            expanded.append(line)
            continue
        parts, pair = expand_line(line, codes[line.tax_code])
        expanded.extend(parts)
        if pair is not None:
            pairs.append(pair)
    return expanded, pairs
