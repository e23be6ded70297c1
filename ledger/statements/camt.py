"""camt.052 (account report), camt.053 (statement) and camt.054 (notification), versions 02
and 08, read safely: no DTD, no entities, no network, a size limit (docs/api.md).

One entry (`Ntry`) is one transaction: its signed amount, booking and value date, the
remittance text of its details (`Ustrd` lines, else the structured creditor reference), the
end-to-end id when the entry holds one transfer, and the counterparty — the debtor of money
coming in, the creditor of money going out.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final

from lxml import etree

from ledger.bank_import import ParsedRow
from ledger.statements.errors import StatementInvalid
from ledger.untrusted_xml import safe_root

STATEMENT_BYTES_MAX: Final = 50 * 1024 * 1024  # a camt.053 of 10,000 entries is ~25 MB
CONTAINERS: Final = {
    "BkToCstmrStmt": ("Stmt", "camt.053"),
    "BkToCstmrAcctRpt": ("Rpt", "camt.052"),
    "BkToCstmrDbtCdtNtfctn": ("Ntfctn", "camt.054"),
}


@dataclass(frozen=True)
class CamtStatement:
    kind: str  # camt.053 | camt.052 | camt.054
    iban: str | None
    rows: list[ParsedRow]


def parse_camt(content: bytes) -> list[CamtStatement]:
    root = _safe_root(content)
    if _local(root.tag) != "Document":
        raise StatementInvalid("Not a camt document: the root element is not <Document>.")
    container = next(iter(root), None)
    if container is None or _local(container.tag) not in CONTAINERS:
        raise StatementInvalid(
            "Not a camt.052/053/054 document: expected BkToCstmrStmt, BkToCstmrAcctRpt or "
            "BkToCstmrDbtCdtNtfctn under <Document>."
        )
    record_tag, kind = CONTAINERS[_local(container.tag)]
    _NAMESPACE.set(etree.QName(root).namespace or "")
    records = _children(container, record_tag)
    if not records:
        raise StatementInvalid(
            f"The {kind} document holds no <{record_tag}> element.", element=record_tag
        )
    return [
        CamtStatement(
            kind=kind,
            iban=_text(record, "Acct/Id/IBAN"),
            rows=[_row(entry) for entry in _children(record, "Ntry")],
        )
        for record in records
    ]


def _safe_root(content: bytes) -> etree._Element:
    return safe_root(content, bytes_max=STATEMENT_BYTES_MAX, refusal=StatementInvalid, what="file")


def _row(entry: etree._Element) -> ParsedRow:
    line = entry.sourceline
    amount_text = _text(entry, "Amt")
    currency = _attribute(entry, "Amt", "Ccy")
    indicator = _text(entry, "CdtDbtInd")
    booked = _date(entry, "BookgDt", line) or _date(entry, "ValDt", line)
    if amount_text is None or currency is None or indicator not in ("CRDT", "DBIT") or not booked:
        raise StatementInvalid(
            f"The entry at line {line} lacks Amt with Ccy, CdtDbtInd or BookgDt.",
            line=line,
            element="Ntry",
        )
    try:
        cents = int(Decimal(amount_text).scaleb(2).to_integral_value(rounding="ROUND_HALF_UP"))
    except InvalidOperation:
        raise StatementInvalid(
            f"The amount {amount_text!r} at line {line} is not a number.", line=line
        ) from None
    details = _all(entry, "NtryDtls/TxDtls")
    party = "Dbtr" if indicator == "CRDT" else "Cdtr"
    return ParsedRow(
        tx_date=booked,
        amount_cents=cents if indicator == "CRDT" else -cents,
        currency=currency,
        value_date=_date(entry, "ValDt", line),
        counterparty_name=_first(details, [f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm"]),
        counterparty_iban=_first(details, [f"RltdPties/{party}Acct/Id/IBAN"]),
        reference=_remittance(details) or _text(entry, "AddtlNtryInf"),
        bank_reference=_text(entry, "AcctSvcrRef"),
        end_to_end_id=_first(details, ["Refs/EndToEndId"]) if len(details) == 1 else None,
        tx_type=_text(entry, "BkTxCd/Prtry/Cd") or _text(entry, "BkTxCd/Domn/Cd"),
    )


def _remittance(details: list[etree._Element]) -> str | None:
    texts = [
        text.strip()
        for detail in details
        for text in (_texts(detail, "RmtInf/Ustrd") or _texts(detail, "RmtInf/Strd/CdtrRefInf/Ref"))
        if text and text.strip()
    ]
    return " ".join(texts)[:500] or None


def _date(element: etree._Element, path: str, line: int | None) -> date | None:
    text = _text(element, f"{path}/Dt") or _text(element, f"{path}/DtTm")
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise StatementInvalid(
            f"The date {text!r} in {path} at line {line} is not a date.", line=line, element=path
        ) from None


def _first(details: list[etree._Element], paths: list[str]) -> str | None:
    for detail in details:
        for path in paths:
            value = _text(detail, path)
            if value:
                return value
    return None


# Paths in the document's own namespace: the same code reads versions 02 and 08, and
# ElementPath lookups are an order of magnitude cheaper than local-name() XPath.
_NAMESPACE: ContextVar[str] = ContextVar("camt_namespace", default="")


@lru_cache(maxsize=256)
def _qualified(namespace: str, path: str) -> str:
    prefix = f"{{{namespace}}}" if namespace else ""
    return "/".join(prefix + step for step in path.split("/"))


def _all(element: etree._Element, path: str) -> list[etree._Element]:
    return element.findall(_qualified(_NAMESPACE.get(), path))


def _children(element: etree._Element, tag: str) -> list[etree._Element]:
    return [child for child in element if _local(child.tag) == tag]


def _text(element: etree._Element, path: str) -> str | None:
    found = _all(element, path)
    return found[0].text.strip() if found and found[0].text else None


def _texts(element: etree._Element, path: str) -> list[str]:
    return [found.text for found in _all(element, path) if found.text]


def _attribute(element: etree._Element, path: str, name: str) -> str | None:
    found = _all(element, path)
    return found[0].get(name) if found else None


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""
