"""SEPA credit transfer files (pain.001.001.03 and .09) from a payment run.

Written with lxml rather than `sepaxml`: we need the DK transliteration of umlauts
(formats.md §2.4: Ä -> AE, ß -> ss), structured creditor addresses (required from November
2026) and the run's own EndToEndIds; sepaxml's `clean` drops umlauts' second letter and has no
structured address. Its ISO 20022 XSDs are used: every file is validated before it is handed
out (a failure is a bug, not bad input). The text rules are in docs/api.md ("Payment runs").
"""

from __future__ import annotations

import importlib.resources
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Final

from lxml import etree

NAME_CHARS_MAX: Final = 70
REMITTANCE_CHARS_MAX: Final = 140
# DK rules for the letters German banks must accept but the EPC set lacks.
DK_LETTERS: Final = str.maketrans(
    {"Ä": "AE", "Ö": "OE", "Ü": "UE", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "&": "+"}
)
_OUTSIDE_EPC = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_SPACES = re.compile(r" {2,}")


def sepa_text(text: str, limit: int) -> str:
    """Text in the EPC character set: umlauts per DK, accents dropped, anything else a space."""
    spelled = unicodedata.normalize("NFKD", text.translate(DK_LETTERS))
    ascii_only = "".join(c for c in spelled if not unicodedata.combining(c))
    cleaned = _SPACES.sub(" ", _OUTSIDE_EPC.sub(" ", ascii_only)).strip()
    return cleaned[:limit].rstrip()


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    amount_cents: int
    creditor_name: str
    creditor_iban: str
    creditor_bic: str | None
    street: str | None
    building_number: str | None
    zip: str | None
    city: str | None
    country: str | None
    remittance: str


@dataclass(frozen=True)
class CreditTransferFile:
    version: str  # pain.001.001.03 | pain.001.001.09
    message_id: str
    created_at: datetime
    initiating_party: str
    debtor_name: str
    debtor_iban: str
    debtor_bic: str | None
    execution_date: date
    transfers: tuple[Transfer, ...]

    @property
    def control_sum(self) -> Decimal:
        return Decimal(sum(t.amount_cents for t in self.transfers)).scaleb(-2)


def render(payment: CreditTransferFile) -> bytes:
    """The pain.001 document, UTF-8 without BOM, validated against the ISO XSD."""
    v09 = payment.version == "pain.001.001.09"
    namespace = f"urn:iso:std:iso:20022:tech:xsd:{payment.version}"
    root = etree.Element(f"{{{namespace}}}Document", nsmap={None: namespace})
    initiation = _add(root, namespace, "CstmrCdtTrfInitn")
    add = _adder(namespace)

    header = add(initiation, "GrpHdr")
    add(header, "MsgId", payment.message_id)
    add(header, "CreDtTm", payment.created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    add(header, "NbOfTxs", str(len(payment.transfers)))
    add(header, "CtrlSum", f"{payment.control_sum:.2f}")
    add(add(header, "InitgPty"), "Nm", sepa_text(payment.initiating_party, NAME_CHARS_MAX))

    info = add(initiation, "PmtInf")
    add(info, "PmtInfId", payment.message_id)
    add(info, "PmtMtd", "TRF")
    add(info, "BtchBookg", "true")
    add(info, "NbOfTxs", str(len(payment.transfers)))
    add(info, "CtrlSum", f"{payment.control_sum:.2f}")
    add(add(add(info, "PmtTpInf"), "SvcLvl"), "Cd", "SEPA")
    execution = add(info, "ReqdExctnDt", None if v09 else payment.execution_date.isoformat())
    if v09:
        add(execution, "Dt", payment.execution_date.isoformat())
    add(add(info, "Dbtr"), "Nm", sepa_text(payment.debtor_name, NAME_CHARS_MAX))
    add(add(add(info, "DbtrAcct"), "Id"), "IBAN", payment.debtor_iban)
    _agent(add, add(info, "DbtrAgt"), payment.debtor_bic, v09)
    add(info, "ChrgBr", "SLEV")
    for transfer in payment.transfers:
        _transfer(add, add(info, "CdtTrfTxInf"), transfer, v09)

    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    _schema(payment.version).assertValid(etree.fromstring(document))
    return document


def _transfer(add, element: etree._Element, transfer: Transfer, v09: bool) -> None:
    add(add(element, "PmtId"), "EndToEndId", transfer.end_to_end_id)
    amount = add(
        add(element, "Amt"), "InstdAmt", f"{Decimal(transfer.amount_cents).scaleb(-2):.2f}"
    )
    amount.set("Ccy", "EUR")
    if transfer.creditor_bic:
        _agent(add, add(element, "CdtrAgt"), transfer.creditor_bic, v09)
    creditor = add(element, "Cdtr")
    add(creditor, "Nm", sepa_text(transfer.creditor_name, NAME_CHARS_MAX))
    if transfer.city and transfer.country:  # structured: town and country at least
        address = add(creditor, "PstlAdr")
        parts = (
            ("StrtNm", transfer.street, 70),
            ("BldgNb", transfer.building_number, 16),
            ("PstCd", transfer.zip, 16),
            ("TwnNm", transfer.city, 35),
        )
        for tag, value, limit in parts:
            if value and sepa_text(value, limit):
                add(address, tag, sepa_text(value, limit))
        add(address, "Ctry", transfer.country)
    add(add(add(element, "CdtrAcct"), "Id"), "IBAN", transfer.creditor_iban)
    add(add(element, "RmtInf"), "Ustrd", sepa_text(transfer.remittance, REMITTANCE_CHARS_MAX))


def _agent(add, element: etree._Element, bic: str | None, v09: bool) -> None:
    institution = add(element, "FinInstnId")
    if bic:
        add(institution, "BICFI" if v09 else "BIC", bic)
    else:  # IBAN-only: SEPA needs no BIC
        add(add(institution, "Othr"), "Id", "NOTPROVIDED")


def _adder(namespace: str):
    def add(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
        return _add(parent, namespace, tag, text)

    return add


def _add(
    parent: etree._Element, namespace: str, tag: str, text: str | None = None
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    if text is not None:
        element.text = text
    return element


@cache
def _schema(version: str) -> etree.XMLSchema:
    """The ISO 20022 XSD shipped in the sepaxml wheel."""
    path = importlib.resources.files("sepaxml") / "schemas" / f"{version}.xsd"
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))
