"""Which parser a statement file needs, and the statements it holds."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.bank_import import ParsedRow
from ledger.statements.camt import parse_camt
from ledger.statements.csv_files import GERMAN_BANK, CsvLayout, parse_csv
from ledger.statements.errors import StatementInvalid
from ledger.statements.mt940 import parse_mt940


@dataclass(frozen=True)
class Statement:
    source: str  # camt.053, camt.052, camt.054, mt940
    iban: str | None  # the account the bank says it is for, when it says
    rows: list[ParsedRow]


def read_statements(content: bytes, csv_layout: CsvLayout = GERMAN_BANK) -> list[Statement]:
    """camt (XML), MT940 or CSV, told apart by their first characters."""
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:64]
    if not head:
        raise StatementInvalid("The file is empty.")
    if head.startswith(b"<"):
        return [Statement(s.kind, s.iban, s.rows) for s in parse_camt(content)]
    if head.startswith((b":20:", b"{1:", b":NS:")) or b"\n:20:" in content[:512]:
        return [Statement("mt940", s.iban, s.rows) for s in parse_mt940(content)]
    return [Statement("csv", None, parse_csv(content, csv_layout))]
