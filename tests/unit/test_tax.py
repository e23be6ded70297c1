"""Tax-code expansion (ledger/tax.py): a gross line with a tax code becomes net plus tax.

Proves on the SKR04 system codes that a standard code splits a gross line into net on the
line's account and tax on the code's VAT account, on the line's side (debit and credit alike);
that a self-assessing code (§ 13b, intra-EU acquisition) keeps the line at its net amount and
adds a tax pair input-VAT debit / output-VAT credit, mirrored for a credit line; that a tax-free
code (no VAT account) only tags the line; and that a tax that rounds to zero adds no tax line or
pair. Hypothesis then expands random line sets and checks that each side keeps its total and
that every self-assessment pair carries net x rate (half up) between the code's two accounts.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.intents import Side
from ledger.money import tax_cents_from_net
from ledger.tax import SidedLine, TaxCode, TaxPair, expand_line, expand_lines
from ledger.taxcodes import SYSTEM_TAX_CODES

CODES = {
    code.code: TaxCode(
        code=code.code,
        label=code.label,
        description=None,
        rate_bp=code.rate_bp,
        vat_account=code.skr04[0],
        self_assess_account=code.skr04[1],
        kind=code.kind,
        is_system=True,
    )
    for code in SYSTEM_TAX_CODES
}


def line(account: str, side: Side, amount_cents: int, tax_code: str | None = None) -> SidedLine:
    return SidedLine(
        account_number=account, side=side, amount_cents=amount_cents, tax_code=tax_code
    )


# --- standard codes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gross", "code", "expected"),
    [
        # 6815 debit 119.00 with VSt19 -> 6815 debit 100.00, 1406 debit 19.00
        (
            line("6815", "debit", 11_900),
            "VSt19",
            [line("6815", "debit", 10_000, "VSt19"), line("1406", "debit", 1_900, "VSt19")],
        ),
        # 4400 credit 119.00 with USt19 -> 4400 credit 100.00, 3806 credit 19.00
        (
            line("4400", "credit", 11_900),
            "USt19",
            [line("4400", "credit", 10_000, "USt19"), line("3806", "credit", 1_900, "USt19")],
        ),
        # 4300 credit 107.00 with USt7 -> 4300 credit 100.00, 3801 credit 7.00
        (
            line("4300", "credit", 10_700),
            "USt7",
            [line("4300", "credit", 10_000, "USt7"), line("3801", "credit", 700, "USt7")],
        ),
        # A credit note on expenses: 6815 credit 1.00 with VSt19 -> 0.84 + 0.16 on the credit side
        (
            line("6815", "credit", 100),
            "VSt19",
            [line("6815", "credit", 84, "VSt19"), line("1406", "credit", 16, "VSt19")],
        ),
    ],
)
def test_standard_code_splits_gross_into_net_and_tax_on_the_lines_side(
    gross: SidedLine, code: str, expected: list[SidedLine]
) -> None:
    parts, pair = expand_line(gross, CODES[code])
    assert list(parts) == expected
    assert pair is None


def test_vst19_splits_gross_119_into_net_100_and_input_vat_19() -> None:
    expanded, pairs = expand_lines(
        (line("6815", "debit", 11_900, "VSt19"), line("1800", "credit", 11_900)), CODES
    )
    assert expanded == [
        line("6815", "debit", 10_000, "VSt19"),
        line("1406", "debit", 1_900, "VSt19"),
        line("1800", "credit", 11_900),
    ]
    assert pairs == []


# --- self-assessing codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("side", "account_debit", "account_credit"),
    [("debit", "1407", "3837"), ("credit", "3837", "1407")],
)
def test_vst13b19_keeps_the_net_line_and_adds_a_tax_pair_mirrored_for_a_credit_line(
    side: Side, account_debit: str, account_credit: str
) -> None:
    parts, pair = expand_line(line("5925", side, 100_000), CODES["VSt-13b19"])
    assert parts == (line("5925", side, 100_000, "VSt-13b19"),)
    assert pair == TaxPair(
        account_debit=account_debit,
        account_credit=account_credit,
        amount_cents=19_000,
        tax_code="VSt-13b19",
    )


def test_intra_eu_acquisition_at_7_percent_pairs_1402_against_3802() -> None:
    parts, pair = expand_line(line("5400", "debit", 10_000), CODES["VSt-igE7"])
    assert parts == (line("5400", "debit", 10_000, "VSt-igE7"),)
    assert pair == TaxPair(
        account_debit="1402", account_credit="3802", amount_cents=700, tax_code="VSt-igE7"
    )


# --- tax-free codes and zero tax -----------------------------------------------------------------


@pytest.mark.parametrize("code", ["USt0-igL", "USt0-Ausfuhr", "USt0-frei"])
def test_tax_free_code_only_tags_the_line(code: str) -> None:
    parts, pair = expand_line(line("4125", "credit", 50_000), CODES[code])
    assert parts == (line("4125", "credit", 50_000, code),)
    assert pair is None


@pytest.mark.parametrize(
    ("amount_cents", "code"),
    [(1, "VSt19"), (2, "VSt19"), (1, "USt7"), (2, "VSt-13b19"), (7, "VSt-igE7")],
)
def test_a_tax_that_rounds_to_zero_adds_no_tax_line_and_no_pair(
    amount_cents: int, code: str
) -> None:
    parts, pair = expand_line(line("5400", "debit", amount_cents), CODES[code])
    assert parts == (line("5400", "debit", amount_cents, code),)
    assert pair is None


def test_lines_without_a_tax_code_pass_through_in_order() -> None:
    lines = (line("1800", "debit", 500), line("1600", "credit", 500))
    assert expand_lines(lines, CODES) == (list(lines), [])


# --- properties --------------------------------------------------------------------------------

sided_lines = st.builds(
    line,
    account=st.sampled_from(["5400", "5925", "6815", "4400", "1800", "3300"]),
    side=st.sampled_from(["debit", "credit"]),
    amount_cents=st.integers(min_value=1, max_value=10**12),
    tax_code=st.none() | st.sampled_from(sorted(CODES)),
)


def side_totals(lines: list[SidedLine] | tuple[SidedLine, ...]) -> Counter[str]:
    totals: Counter[str] = Counter()
    for each in lines:
        totals[each.side] += each.amount_cents
    return totals


@given(st.lists(sided_lines, min_size=1, max_size=12))
def test_expansion_keeps_each_sides_total_and_self_assessment_pairs_balance(
    lines: list[SidedLine],
) -> None:
    expanded, pairs = expand_lines(tuple(lines), CODES)
    assert side_totals(expanded) == side_totals(lines)
    assert all(part.amount_cents > 0 for part in expanded)
    expected_pairs = []
    for each in lines:
        code = CODES.get(each.tax_code or "")
        if code is None or not code.self_assessed:
            continue
        tax_cents = tax_cents_from_net(each.amount_cents, code.rate_bp)
        if tax_cents == 0:
            continue
        accounts = (code.vat_account, code.self_assess_account)
        debit, credit = accounts if each.side == "debit" else accounts[::-1]
        expected_pairs.append((debit, credit, tax_cents))
    assert [(p.account_debit, p.account_credit, p.amount_cents) for p in pairs] == expected_pairs
    for pair in pairs:
        assert pair.account_debit != pair.account_credit
        assert pair.amount_cents > 0
