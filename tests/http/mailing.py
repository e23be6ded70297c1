"""Mails for the inbox tests: an RFC 5322 message with the attachments a test names."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from pathlib import Path

XRECHNUNG = (
    Path(__file__).parents[1] / "fixtures" / "einvoice" / "zugferd_2p1_XRECHNUNG_Einfach.xml"
).read_bytes()
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e527de"
    "fc0000000049454e44ae426082"
)


def mail(*attachments: tuple[str, bytes, str], to: str = "inbox@example.test") -> bytes:
    message = EmailMessage()
    message["From"] = "Buchhaltung Lieferant <rechnung@lieferant.example>"
    message["To"] = to
    message["Subject"] = "Rechnung 471102"
    message["Message-ID"] = f"<{uuid.uuid4()}@lieferant.example>"
    message.set_content("Anbei unsere Rechnung.")
    for name, content, mime in attachments:
        maintype, subtype = mime.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)
