"""A camt.053.001.02 statement of n entries, for the import benchmark."""

from __future__ import annotations

import random
from datetime import date, timedelta

ENTRY = """<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>
<BkTxCd><Prtry><Cd>NTRF+166</Cd><Issr>DK</Issr></Prtry></BkTxCd><NtryDtls><TxDtls>
<Refs><EndToEndId>E2E-{ref}</EndToEndId></Refs><RltdPties><{party}><Nm>Firma {party_no}</Nm>
</{party}><{party}Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></{party}Acct></RltdPties>
<RmtInf><Ustrd>Rechnung RE-2026-{ref} Kunde {party_no}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
"""


def camt053(entries: int, iban: str, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    body = []
    for n in range(entries):
        credit = rng.random() < 0.5
        body.append(
            ENTRY.format(
                amount=f"{rng.randrange(100, 500_000) / 100:.2f}",
                indicator="CRDT" if credit else "DBIT",
                day=(start + timedelta(days=n % 300)).isoformat(),
                ref=f"{n:07d}",
                party="Dbtr" if credit else "Cdtr",
                party_no=rng.randrange(1, 500),
            )
        )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-11-22T10:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>1</Id><CreDtTm>2026-11-22T10:00:00</CreDtTm><Acct><Id><IBAN>{iban}</IBAN>"
        f"</Id><Ccy>EUR</Ccy></Acct>{''.join(body)}</Stmt></BkToCstmrStmt></Document>"
    )
    return document.encode("utf-8")
