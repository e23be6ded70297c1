"""Statement files: every camt and MT940 fixture parses to what the original project read
from it; a file is imported whole or refused whole, naming where; hostile XML reads nothing."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.statements.errors import StatementInvalid
from ledger.statements.files import read_statements
from tests.conftest import Tenant, error_details

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bank"
CAMT = sorted((FIXTURES / "camt").glob("*.expected.json"))
MT940 = sorted((FIXTURES / "mt940").glob("*.expected.yml"))
OWN_IBAN = "NL26VAYB8060476890"  # the account of the camt.053 fixtures


def expected_camt_entries(path: Path) -> list[dict]:
    """genkgo/camt's entries, with the fields we read mapped to our names."""
    message = json.loads(path.read_text())
    records = message.get("getRecords") or []
    nested = [e for r in records if isinstance(r, dict) for e in (r.get("getEntries") or [])]
    entries = [e for e in nested if isinstance(e, dict)] or message["getEntries"]
    mapped = []
    for entry in entries:
        detail = entry.get("getTransactionDetail") or {}
        party_kind = "Debtor" if entry["getCreditDebitIndicator"] == "CRDT" else "Creditor"
        parties = [
            p
            for p in detail.get("getRelatedParties") or []
            if isinstance(p, dict) and p["getRelatedPartyType"]["__CLASS__"].endswith(party_kind)
        ]
        reference = detail.get("getReference")
        mapped.append(
            {
                "amount_cents": int(entry["getAmount"]["getAmount"]),
                "currency": entry["getAmount"]["getCurrency"]["getCode"],
                "tx_date": entry["getBookingDate"]["0"][:10],
                "value_date": (entry.get("getValueDate") or {}).get("0", "")[:10] or None,
                "counterparty_name": parties[0]["getRelatedPartyType"]["getName"]
                if parties
                else None,
                "message": (detail.get("getRemittanceInformation") or {}).get("getMessage"),
                "end_to_end_id": reference.get("getEndToEndId")
                if isinstance(reference, dict)
                else None,
            }
        )
    return mapped


@pytest.mark.parametrize("expected", CAMT, ids=lambda p: p.name)
def test_every_camt_fixture_reads_as_the_original_project_read_it(expected: Path):
    xml = expected.with_name(expected.name.replace(".expected.json", ".xml"))
    rows = {r.amount_cents: r for s in read_statements(xml.read_bytes()) for r in s.rows}
    for want in expected_camt_entries(expected):
        row = rows[want["amount_cents"]]
        assert (row.currency, row.tx_date.isoformat()) == (want["currency"], want["tx_date"])
        assert row.value_date is None or row.value_date.isoformat() == want["value_date"]
        if want["counterparty_name"] is not None:
            assert row.counterparty_name == want["counterparty_name"]
        if want["message"]:
            assert row.reference.startswith(want["message"])
        if want["end_to_end_id"] and row.end_to_end_id:
            assert row.end_to_end_id == want["end_to_end_id"]


def expected_mt940(path: Path) -> list[tuple[Decimal, str | None]]:
    """(amount, applicant name) of each transaction in the mt-940 package's YAML dump."""
    blocks = path.read_text(encoding="utf-8").split("- !!python/object:mt940.models.Transaction\n")[
        1:
    ]
    found = []
    for block in blocks:
        amount = re.search(
            r"amount: !!python/object:mt940\.models\.Amount\n\s+amount: \S+\n\s+- '([-\d.]+)'",
            block,
        )
        name = re.search(r"\n    applicant_name: (.*)", block)
        value = name.group(1).strip() if name else "null"
        found.append((Decimal(amount.group(1)), None if value == "null" else value))
    return found


@pytest.mark.parametrize("expected", MT940, ids=lambda p: p.name)
def test_every_mt940_fixture_reads_as_the_original_project_read_it(expected: Path):
    sta = expected.with_name(expected.name.replace(".expected.yml", ".sta"))
    rows = [r for s in read_statements(sta.read_bytes()) for r in s.rows]
    want = expected_mt940(expected)
    assert [Decimal(r.amount_cents).scaleb(-2) for r in rows] == [amount for amount, _ in want]
    assert [r.counterparty_name for r in rows] == [
        " ".join(name.split()) if name else None for _, name in want
    ]


async def bank_account(tenant: Tenant, iban: str = OWN_IBAN) -> dict:
    response = await tenant.post(
        "/v1/bank-accounts", {"name": "Hausbank", "iban": iban, "account_number": "1800"}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def upload(tenant: Tenant, path: str, content: bytes, name: str = "auszug.xml", **form):
    return await tenant.client.post(
        path, headers=tenant.headers, files={"file": (name, content, "application/xml")}, data=form
    )


async def test_a_camt053_file_finds_its_account_by_iban_and_imports_once(tenant: Tenant):
    await bank_account(tenant)
    content = (FIXTURES / "camt" / "camt053.v2.multi.statement.xml").read_bytes()

    first = await upload(tenant, "/v1/bank-transactions/import-file", content)
    again = await upload(tenant, "/v1/bank-transactions/import-file", content)

    assert first.status_code == 200, first.text
    assert (first.json()["total_rows"], first.json()["imported"]) == (2, 2)
    assert (again.json()["imported"], again.json()["skipped_duplicates"]) == (0, 2)
    listed = (await tenant.get("/v1/bank-transactions")).json()["transactions"]
    assert {t["source"] for t in listed} == {"camt.053"}


async def test_an_mt940_file_is_uploaded_to_a_named_account(tenant: Tenant):
    account = await bank_account(tenant, "DE02120300000000202051")
    content = (FIXTURES / "mt940" / "sepa_mt9401.sta").read_bytes()
    response = await upload(tenant, f"/v1/bank-accounts/{account['id']}/upload", content, "a.sta")
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 97


async def test_a_statement_for_another_iban_is_refused(tenant: Tenant):
    account = await bank_account(tenant, "DE02120300000000202051")
    content = (FIXTURES / "camt" / "camt053.v2.minimal.xml").read_bytes()
    response = await upload(tenant, f"/v1/bank-accounts/{account['id']}/upload", content)
    assert "NL26VAYB8060476890" in error_details(response, 400, "STATEMENT_INVALID")["iban"]
    no_account = await upload(tenant, "/v1/bank-transactions/import-file", content)
    error_details(no_account, 400, "STATEMENT_INVALID")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ((FIXTURES / "camt" / "camt053.v2.wrong.xml").read_bytes(), "<Stmt>"),
        (b"<Document><BkToCstmrStmt><Stmt><Ntry><Amt>x", "line"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
            b"<Stmt><Ntry><Amt Ccy='EUR'>1.00</Amt></Ntry></Stmt></BkToCstmrStmt></Document>",
            "line 1",
        ),
        (b"hello", "no column"),  # neither XML nor MT940: read as CSV, which it is not
        (b"", "empty"),
    ],
)
async def test_a_file_that_cannot_be_read_is_refused_whole_naming_where(
    tenant: Tenant, content: bytes, words: str
):
    account = await bank_account(tenant)
    response = await upload(tenant, f"/v1/bank-accounts/{account['id']}/upload", content)
    error_details(response, 400, "STATEMENT_INVALID")
    assert words in response.json()["error"]["message"]
    assert (await tenant.get("/v1/bank-transactions")).json()["total"] == 0


@pytest.mark.parametrize(
    "hostile",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;'
        b'&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Document>&lol2;</Document>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy='EUR'>&xxe;</Amt></Ntry></Stmt>"
        b"</BkToCstmrStmt></Document>",
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_hostile_xml_is_refused_without_reading_anything(hostile: bytes):
    with pytest.raises(StatementInvalid) as refused:
        read_statements(hostile)
    assert "root" not in str(refused.value)  # nothing of /etc/passwd


GERMAN_CSV = (
    "Auftragskonto;Buchungstag;Valutadatum;Buchungstext;Verwendungszweck;"
    "Beguenstigter/Zahlungspflichtiger;Kontonummer/IBAN;BIC (SWIFT-Code);Betrag;Waehrung;Info\r\n"
    "DE02120300000000202051;02.03.26;02.03.26;GUTSCHRIFT;RE-2026-001 Danke;Kunde AG;"
    "DE89370400440532013000;COBADEFFXXX;1.190,00;EUR;Umsatz gebucht\r\n"
    "DE02120300000000202051;03.03.26;03.03.26;LASTSCHRIFT;Miete März;Vermieter Müller;"
    "DE44500105175407324931;INGDDEFFXXX;-1.500,50;EUR;Umsatz gebucht\r\n"
).encode("cp1252")


async def test_a_german_bank_csv_is_read_by_the_preset(tenant: Tenant):
    account = await bank_account(tenant, "DE02120300000000202051")
    response = await upload(
        tenant, f"/v1/bank-accounts/{account['id']}/upload", GERMAN_CSV, "umsaetze.csv"
    )
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 2
    listed = (await tenant.get("/v1/bank-transactions")).json()["transactions"]
    rent = next(t for t in listed if t["amount"] < 0)
    assert (rent["amount"], rent["tx_date"], rent["counterparty_name"]) == (
        -1500.5,
        "2026-03-03",
        "Vermieter Müller",
    )
    assert (rent["reference"], rent["tx_type"], rent["source"]) == (
        "Miete März",
        "LASTSCHRIFT",
        "csv",
    )
    again = await upload(tenant, f"/v1/bank-accounts/{account['id']}/upload", GERMAN_CSV, "u.csv")
    assert again.json()["skipped_duplicates"] == 2


async def test_another_layout_is_read_by_a_mapping(tenant: Tenant):
    account = await bank_account(tenant, "DE02120300000000202051")
    content = b"Date,Amount,Payee,Memo\n2026-03-04,-12.34,Shop,Card 1\n2026-03-05,100.00,Bob,Gift\n"
    mapping = (
        '{"columns": {"tx_date": "Date", "amount": "Amount", "counterparty_name": "Payee",'
        ' "reference": "Memo"}, "delimiter": ",", "decimal_comma": false,'
        ' "date_format": "YYYY-MM-DD", "encoding": "utf-8"}'
    )
    response = await upload(
        tenant,
        "/v1/bank-transactions/import-file",
        content,
        "export.csv",
        bank_account_id=account["id"],
        csv_mapping=mapping,
    )
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 2
    error_details(
        await upload(
            tenant,
            "/v1/bank-transactions/import-file",
            content,
            "x.csv",
            bank_account_id=account["id"],
            csv_mapping='{"columns": {"tx_date": "Date"}, "delimiter": "x"}',
        ),
        400,
        "INVALID_INPUT",
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"Buchungstag;Betrag\r\n32.13.26;1,00\r\n", "line 2"),
        (b"Buchungstag;Betrag\r\n02.03.26;1,001\r\n", "two decimals"),
        (b"Buchungstag;Betrag\r\n02.03.26;zehn\r\n", "not a number"),
        (b"Datum der Buchung;Summe\r\n02.03.26;1,00\r\n", "no column"),
        (b"Buchungstag;Betrag\r\n", "no transaction"),
    ],
)
async def test_a_csv_that_cannot_be_read_is_refused_whole(tenant: Tenant, content, words):
    account = await bank_account(tenant, "DE02120300000000202051")
    response = await upload(tenant, f"/v1/bank-accounts/{account['id']}/upload", content, "u.csv")
    error_details(response, 400, "STATEMENT_INVALID")
    assert words.lower() in response.json()["error"]["message"].lower()
    assert (await tenant.get("/v1/bank-transactions")).json()["total"] == 0
