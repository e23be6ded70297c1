"""Rules the shipped standard charts SKR04 and SKR03 obey (ledger/chart.py, ledger/data/charts).

These tests prove, without a database, that both charts load as package data; that every
account has one of the five types and a report_group from that type's vocabulary; that account
numbers are unique, numeric, sorted, keep their leading zeros and stay clear of the DATEV
Personenkonten; that names, categories and report groups fit the API limits; that the accounts
the ledger relies on (bank, cash, receivables, payables, input and output VAT, revenue, the
opening-balance account 9000) exist with the expected type and report_group; that the outliers
of the Odoo source (capital and private accounts, VAT payables, input VAT, 9xxx carry-forward
accounts, appropriation accounts) are typed correctly; that the DATEV Automatikkonten flag sits
exactly on the listed accounts; and that the loader stays free of web and projection code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ledger.chart
from ledger.chart import (
    ACCOUNT_TYPES,
    FRAMEWORKS,
    OPENING_BALANCE_ACCOUNT,
    PERSONENKONTEN,
    REPORT_GROUPS,
    ChartAccount,
    load_chart,
)

NAME_MAX = 255
CATEGORY_MAX = 100
REPORT_GROUP_MAX = 40

# formats.md § 5.5 (DATEV 2026 charts).
AUTOMATIKKONTEN = {
    "skr04": {"4120", "4125", "4300", "4310", "4315", "4336", "4338", "4400", "4449"},
    "skr03": {"8120", "8125", "8300", "8310", "8315", "8336", "8338", "8400", "8449"},
}
# Listed, but absent from the Odoo source and not added (DATEV name not verified).
AUTOMATIKKONTEN_NOT_SHIPPED = {"skr04": {"4449"}, "skr03": {"8449"}}

KEY_ACCOUNTS = [
    # (framework, number, type, report_group)
    ("skr04", "1200", "asset", "receivables"),
    ("skr04", "1401", "asset", "input_vat"),
    ("skr04", "1402", "asset", "input_vat"),
    ("skr04", "1404", "asset", "input_vat"),
    ("skr04", "1406", "asset", "input_vat"),
    ("skr04", "1407", "asset", "input_vat"),
    ("skr04", "3801", "liability", "vat_liabilities"),
    ("skr04", "3802", "liability", "vat_liabilities"),
    ("skr04", "3804", "liability", "vat_liabilities"),
    ("skr04", "3806", "liability", "vat_liabilities"),
    ("skr04", "3837", "liability", "vat_liabilities"),
    ("skr04", "3300", "liability", "payables"),
    ("skr04", "4400", "revenue", "revenue"),
    ("skr04", "4300", "revenue", "revenue"),
    ("skr04", "1600", "asset", "cash"),
    ("skr04", "1800", "asset", "cash"),
    ("skr04", "9000", "equity", "carry_forward"),
    ("skr03", "1400", "asset", "receivables"),
    ("skr03", "1401", "asset", "receivables"),
    ("skr03", "1571", "asset", "input_vat"),
    ("skr03", "1572", "asset", "input_vat"),
    ("skr03", "1574", "asset", "input_vat"),
    ("skr03", "1576", "asset", "input_vat"),
    ("skr03", "1577", "asset", "input_vat"),
    ("skr03", "1771", "liability", "vat_liabilities"),
    ("skr03", "1772", "liability", "vat_liabilities"),
    ("skr03", "1774", "liability", "vat_liabilities"),
    ("skr03", "1776", "liability", "vat_liabilities"),
    ("skr03", "1787", "liability", "vat_liabilities"),
    ("skr03", "1600", "liability", "payables"),
    ("skr03", "8400", "revenue", "revenue"),
    ("skr03", "8300", "revenue", "revenue"),
    ("skr03", "1000", "asset", "cash"),
    ("skr03", "1200", "asset", "cash"),
    ("skr03", "9000", "equity", "carry_forward"),
]


def chart(framework: str) -> dict[str, ChartAccount]:
    return {account.number: account for account in load_chart(framework)}


def in_range(number: str, first: int, last: int) -> bool:
    """Four-digit Sachkonto within [first, last]."""
    return len(number) == 4 and first <= int(number) <= last


# --- loading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_both_charts_load_as_package_data(framework: str) -> None:
    accounts = load_chart(framework)
    assert isinstance(accounts, tuple)
    assert len(accounts) > 1000
    assert all(isinstance(account, ChartAccount) for account in accounts)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_loading_a_chart_twice_returns_the_cached_tuple(framework: str) -> None:
    assert load_chart(framework) is load_chart(framework)


@pytest.mark.parametrize("framework", ["skr05", "SKR04", "", "skr04.csv"])
def test_an_unknown_framework_is_rejected_with_value_error(framework: str) -> None:
    with pytest.raises(ValueError, match="Unknown account framework"):
        load_chart(framework)


def test_chart_accounts_are_immutable() -> None:
    account = load_chart("skr04")[0]
    with pytest.raises(AttributeError):
        account.name = "changed"  # type: ignore[misc]


# --- vocabulary --------------------------------------------------------------------------------


def test_the_five_account_types_are_asset_liability_equity_revenue_expense() -> None:
    assert ACCOUNT_TYPES == ("asset", "liability", "equity", "revenue", "expense")
    assert set(REPORT_GROUPS) == set(ACCOUNT_TYPES)


def test_each_report_group_belongs_to_exactly_one_type() -> None:
    groups = [group for type_groups in REPORT_GROUPS.values() for group in type_groups]
    assert len(groups) == len(set(groups))


def test_the_vocabulary_holds_the_groups_bwa_and_balance_sheet_rely_on() -> None:
    required = {
        "asset": {
            "intangible_assets",
            "fixed_assets",
            "financial_assets",
            "inventory",
            "receivables",
            "other_assets",
            "input_vat",
            "cash",
            "prepaid_expenses",
        },
        "liability": {
            "provisions",
            "payables",
            "liabilities",
            "vat_liabilities",
            "deferred_income",
        },
        "equity": {"equity", "private", "carry_forward"},
        "revenue": {"revenue", "other_income", "interest_income"},
        "expense": {
            "material_expense",
            "personnel_expense",
            "depreciation",
            "other_opex",
            "interest_expense",
            "taxes",
        },
    }
    for account_type, groups in required.items():
        assert groups <= set(REPORT_GROUPS[account_type]), account_type


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_account_has_one_of_the_five_types(framework: str) -> None:
    wrong = [a.number for a in load_chart(framework) if a.type not in ACCOUNT_TYPES]
    assert wrong == []


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_report_group_comes_from_the_vocabulary_of_its_type(framework: str) -> None:
    wrong = [
        (a.number, a.type, a.report_group)
        for a in load_chart(framework)
        if a.report_group not in REPORT_GROUPS[a.type]
    ]
    assert wrong == []


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_type_is_used(framework: str) -> None:
    assert {a.type for a in load_chart(framework)} == set(ACCOUNT_TYPES)


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_account_numbers_are_unique_numeric_and_at_most_eight_digits(framework: str) -> None:
    numbers = [a.number for a in load_chart(framework)]
    assert len(numbers) == len(set(numbers))
    assert all(n.isascii() and n.isdigit() and 4 <= len(n) <= 8 for n in numbers)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_accounts_are_sorted_by_number_as_string(framework: str) -> None:
    numbers = [a.number for a in load_chart(framework)]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize(("framework", "number"), [("skr04", "0050"), ("skr03", "0010")])
def test_leading_zeros_of_account_numbers_are_kept(framework: str, number: str) -> None:
    accounts = chart(framework)
    assert number in accounts
    assert number.lstrip("0") not in accounts


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_personenkonten_are_debitoren_10000_to_69999_and_kreditoren_70000_to_99999(
    framework: str,
) -> None:
    ranges = PERSONENKONTEN[framework]
    assert (ranges.customers.first, ranges.customers.last) == (10000, 69999)
    assert (ranges.vendors.first, ranges.vendors.last) == (70000, 99999)
    assert ranges.customers.contains("10000")
    assert ranges.customers.contains("69999")
    assert ranges.vendors.contains("70000")
    assert ranges.vendors.contains("99999")
    assert not ranges.customers.contains("70000")
    assert not ranges.vendors.contains("69999")
    assert not ranges.customers.contains("1200")
    assert not ranges.customers.contains("05601")
    assert not ranges.customers.contains("1x000")


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_no_chart_account_lies_in_a_personenkonten_range(framework: str) -> None:
    ranges = PERSONENKONTEN[framework]
    clashing = [
        a.number
        for a in load_chart(framework)
        if ranges.customers.contains(a.number) or ranges.vendors.contains(a.number)
    ]
    assert clashing == []


# --- texts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_names_categories_and_report_groups_fit_the_api_limits(framework: str) -> None:
    for account in load_chart(framework):
        assert 0 < len(account.name) <= NAME_MAX, account.number
        assert 0 < len(account.name_en) <= NAME_MAX, account.number
        assert 0 < len(account.category) <= CATEGORY_MAX, account.number
        assert 0 < len(account.report_group) <= REPORT_GROUP_MAX, account.number


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_names_have_no_stray_whitespace(framework: str) -> None:
    for account in load_chart(framework):
        for text in (account.name, account.name_en, account.category):
            assert text == text.strip(), account.number
            assert "  " not in text, account.number


@pytest.mark.parametrize(
    ("framework", "number", "name"),
    [
        ("skr04", "0150", "Geschäfts- oder Firmenwert"),
        (
            "skr04",
            "3741",
            "Verbindlichkeiten im Rahmen der sozialen Sicherheit - Restlaufzeit bis 1 Jahr",
        ),
        ("skr04", "3801", "Umsatzsteuer 7 %"),
        ("skr04", "3806", "Umsatzsteuer 19 %"),
        ("skr04", "5192", "Energiestoffe (Fertigung) 19 % Vorsteuer"),
        ("skr03", "1400", "Forderungen aus Lieferungen und Leistungen"),
        ("skr03", "1920", "Sonderausgaben beschränkt abzugsfähig (TH), FK"),
    ],
)
def test_typos_and_wrong_names_of_the_source_are_fixed(
    framework: str, number: str, name: str
) -> None:
    assert chart(framework)[number].name == name


@pytest.mark.parametrize("number", ["1322", "1386", "1626", "1628", "1696"])
def test_skr03_names_that_the_source_has_in_english_are_german(number: str) -> None:
    name = chart("skr03")[number].name
    assert not name.startswith(("Bills", "Receivables", "Trade", "Liabilities")), name


# --- key accounts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("framework", "number", "account_type", "report_group"),
    KEY_ACCOUNTS,
    ids=[f"{f}-{n}" for f, n, _, _ in KEY_ACCOUNTS],
)
def test_key_account_exists_with_its_type_and_report_group(
    framework: str, number: str, account_type: str, report_group: str
) -> None:
    account = chart(framework).get(number)
    assert account is not None, f"{framework} {number} is missing"
    assert (account.type, account.report_group) == (account_type, report_group)


def test_skr04_bank_1800_is_a_cash_asset() -> None:
    bank = chart("skr04")["1800"]
    assert (bank.name, bank.type, bank.report_group) == ("Bank", "asset", "cash")


def test_skr03_bank_1200_is_a_cash_asset() -> None:
    bank = chart("skr03")["1200"]
    assert (bank.name, bank.type, bank.report_group) == ("Bank", "asset", "cash")


def test_skr04_kasse_1600_and_skr03_kasse_1000_are_cash_assets() -> None:
    for framework, number in (("skr04", "1600"), ("skr03", "1000")):
        kasse = chart(framework)[number]
        assert (kasse.name, kasse.type, kasse.report_group) == ("Kasse", "asset", "cash")


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_opening_balance_account_9000_is_carry_forward_equity(framework: str) -> None:
    assert OPENING_BALANCE_ACCOUNT == "9000"
    account = chart(framework)[OPENING_BALANCE_ACCOUNT]
    assert account.name == "Saldenvorträge, Sachkonten"
    assert (account.type, account.report_group) == ("equity", "carry_forward")


# --- outliers of the source --------------------------------------------------------------------


def test_skr04_capital_and_private_accounts_2000_to_2999_are_equity() -> None:
    block = [a for a in load_chart("skr04") if in_range(a.number, 2000, 2999)]
    assert block
    assert {a.type for a in block} == {"equity"}
    private = {a.number for a in block if a.report_group == "private"}
    assert private == {a.number for a in block if in_range(a.number, 2100, 2799)}


def test_skr03_private_accounts_1800_to_1999_are_private_equity() -> None:
    block = [a for a in load_chart("skr03") if in_range(a.number, 1800, 1999)]
    assert block
    assert {(a.type, a.report_group) for a in block} == {("equity", "private")}


def test_skr03_capital_accounts_0800_to_0929_are_equity_except_the_nachschuss_receivable() -> None:
    block = {a.number: a for a in load_chart("skr03") if in_range(a.number, 800, 929)}
    assert {"0870", "0880", "0900", "0920"} <= block.keys()
    assert block.pop("0839").type == "asset"  # Nachschüsse (Forderungen, Gegenkonto 0845)
    assert {a.type for a in block.values()} == {"equity"}


@pytest.mark.parametrize(
    ("framework", "first", "last"), [("skr04", 3800, 3899), ("skr03", 1700, 1799)]
)
def test_umsatzsteuer_accounts_are_vat_liabilities(framework: str, first: int, last: int) -> None:
    vat = [
        a
        for a in load_chart(framework)
        if in_range(a.number, first, last) and a.name.startswith("Umsatzsteuer")
    ]
    assert len(vat) >= 15
    assert {(a.type, a.report_group) for a in vat} == {("liability", "vat_liabilities")}


@pytest.mark.parametrize(
    ("framework", "first", "last"), [("skr04", 1400, 1499), ("skr03", 1500, 1599)]
)
def test_vorsteuer_accounts_are_input_vat_assets(framework: str, first: int, last: int) -> None:
    # "Geleistete Anzahlungen, 19 % Vorsteuer" (SKR03 1518) are prepayments on inventory.
    vorsteuer = [
        a
        for a in load_chart(framework)
        if in_range(a.number, first, last)
        and "Vorsteuer" in a.name
        and not a.name.startswith("Geleistete Anzahlungen")
    ]
    assert len(vorsteuer) >= 15
    assert {(a.type, a.report_group) for a in vorsteuer} == {("asset", "input_vat")}


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_carry_forward_means_exactly_the_9000_to_9099_vortragskonten(framework: str) -> None:
    accounts = load_chart(framework)
    carry = {a.number for a in accounts if a.report_group == "carry_forward"}
    assert carry == {a.number for a in accounts if in_range(a.number, 9000, 9099)}
    assert {"9000", "9008", "9009"} <= carry
    assert {a.type for a in accounts if a.number in carry} == {"equity"}


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_no_statistical_class_9_accounts_are_shipped(framework: str) -> None:
    assert [a.number for a in load_chart(framework) if in_range(a.number, 9100, 9999)] == []


@pytest.mark.parametrize(("framework", "number"), [("skr04", "7785"), ("skr03", "2485")])
def test_appropriation_of_the_result_is_equity_not_profit_and_loss(
    framework: str, number: str
) -> None:
    appropriation = [a for a in load_chart(framework) if a.category == "Ergebnisverwendung"]
    assert number in {a.number for a in appropriation}
    assert {a.type for a in appropriation} == {"equity"}


def test_skr04_class_4_is_revenue_and_classes_5_and_6_are_expense() -> None:
    for account in load_chart("skr04"):
        if len(account.number) != 4:
            continue
        if account.number.startswith("4"):
            assert account.type == "revenue", account.number
        elif account.number.startswith("5"):
            assert account.report_group == "material_expense", account.number
        elif account.number.startswith("6"):
            assert account.type == "expense", account.number


def test_skr03_class_3_is_material_expense_apart_from_inventory_stock() -> None:
    for account in load_chart("skr03"):
        if len(account.number) == 4 and account.number.startswith("3"):
            assert account.report_group in {"material_expense", "inventory"}, account.number


# --- Automatikkonten ---------------------------------------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_automatic_is_set_exactly_on_the_datev_automatikkonten(framework: str) -> None:
    accounts = chart(framework)
    flagged = {number for number, account in accounts.items() if account.automatic}
    assert flagged == AUTOMATIKKONTEN[framework] & accounts.keys()
    assert AUTOMATIKKONTEN[framework] - accounts.keys() <= AUTOMATIKKONTEN_NOT_SHIPPED[framework]


# --- layering ----------------------------------------------------------------------------------


def test_the_chart_loader_imports_no_web_projection_or_schema_code() -> None:
    tree = ast.parse(Path(ledger.chart.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    forbidden = ("litestar", "api", "projections", "schemas")
    assert [m for m in imported if m.split(".")[0] in forbidden] == []
