"""Reading an incoming mail (RFC 5322 with MIME attachments) as the inbox takes it, by the
reference's rules: PDF, JPEG, PNG and XML attachments only (by their bytes, not their
declared type), at most 20 per mail and 10 MB each; everything else is named with the reason
it was left out. Pure: the bytes in, the parsed mail out.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Final, Literal

import msgspec

from ledger.documents import DOCUMENT_BYTES_MAX, detect_type, safe_name
from ledger.errors import Rejected

ATTACHMENTS_MAX: Final = 20
MAIL_BYTES_MAX: Final = 30 * 1024 * 1024
Outcome = Literal["accepted", "rejected_type", "too_large", "too_many", "empty"]


class MailInvalid(Rejected):
    code = "MAIL_INVALID"


class Attachment(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    content: bytes
    sha256: str
    mime_type: str | None  # what the bytes are (None: none of the accepted types)
    outcome: Outcome
    reason: str | None = None


class ParsedMail(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str | None
    sender: str | None
    recipients: tuple[str, ...]
    subject: str | None
    attachments: tuple[Attachment, ...]


def parse_mail(raw: bytes) -> ParsedMail:
    if not raw.strip():
        raise MailInvalid("The message is empty.")
    if len(raw) > MAIL_BYTES_MAX:
        raise MailInvalid(
            f"The message has {len(raw):,} bytes; at most {MAIL_BYTES_MAX:,} are taken.",
            size_bytes=len(raw),
        )
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or message["From"] is None:
        raise MailInvalid("This is not an e-mail message (RFC 5322): it has no From header.")
    attachments, accepted = [], 0
    for part in message.iter_attachments():
        attachment = _attachment(part, accepted)
        accepted += attachment.outcome == "accepted"
        attachments.append(attachment)
    recipients = tuple(
        address.lower()
        for _, address in getaddresses(
            [
                str(value)
                for header in ("To", "Cc", "Delivered-To")
                for value in message.get_all(header, [])
            ]
        )
        if address
    )
    return ParsedMail(
        message_id=_header(message, "Message-ID"),
        sender=(parseaddr(str(message["From"]))[1] or None),
        recipients=recipients,
        subject=_header(message, "Subject"),
        attachments=tuple(attachments),
    )


def _attachment(part: EmailMessage, accepted_so_far: int) -> Attachment:
    content = part.get_payload(decode=True) or b""
    if not isinstance(content, bytes):
        content = str(content).encode()
    mime_type = detect_type(content) if content else None
    name = safe_name(part.get_filename(), mime_type or "application/pdf")
    common = {"name": name, "content": content, "sha256": hashlib.sha256(content).hexdigest()}
    if not content:
        return Attachment(**common, mime_type=None, outcome="empty", reason="The file is empty.")
    if len(content) > DOCUMENT_BYTES_MAX:
        return Attachment(
            **common,
            mime_type=mime_type,
            outcome="too_large",
            reason=f"{len(content):,} bytes; at most {DOCUMENT_BYTES_MAX:,}.",
        )
    if mime_type is None:
        return Attachment(
            **common,
            mime_type=None,
            outcome="rejected_type",
            reason="Only PDF, JPEG, PNG and XML files are taken.",
        )
    if accepted_so_far >= ATTACHMENTS_MAX:
        return Attachment(
            **common,
            mime_type=mime_type,
            outcome="too_many",
            reason=f"At most {ATTACHMENTS_MAX} attachments per mail are taken.",
        )
    return Attachment(**common, mime_type=mime_type, outcome="accepted")


def _header(message: EmailMessage, name: str) -> str | None:
    value = message[name]
    return None if value is None else str(value).strip()[:500] or None
