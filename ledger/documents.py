"""Documents: what a file is (by its first bytes, not by what the client says), its safe name,
and the decision to store it — once per tenant and content (docs/api.md, "Documents")."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Final

import msgspec

from ledger import errors
from ledger.events import DocumentExtracted, DocumentUploaded
from ledger.intents import RecordExtraction, UploadDocument, stamp_of
from ledger.outcomes import Accepted, Decision, DocumentStored
from ledger.state import Lookups

DOCUMENT_BYTES_MAX: Final = 10 * 1024 * 1024  # reference §3.1
ORIGINAL_NAME_CHARS_MAX: Final = 255
PDF: Final = "application/pdf"
PNG: Final = "image/png"
JPEG: Final = "image/jpeg"
XML: Final = "application/xml"
ACCEPTED_TYPES: Final = (PDF, PNG, JPEG, XML)
# What clients send for the same type; all of them mean the type on the right.
TYPE_ALIASES: Final = {
    "application/pdf": PDF,
    "application/x-pdf": PDF,
    "image/png": PNG,
    "image/jpeg": JPEG,
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "application/xml": XML,
    "text/xml": XML,
}
UNDECLARED_TYPES: Final = frozenset({"", "application/octet-stream"})
_XML_START = re.compile(rb"^(\xef\xbb\xbf)?\s*<[?!A-Za-z]")
_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]')


def detect_type(content: bytes) -> str | None:
    """The accepted type the file's magic bytes show, or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if _XML_START.match(content[:1024]):
        return XML
    return None


def checked_type(content: bytes, declared: str) -> str:
    """The file's type; refuses empty files, other types, and a declared type that lies."""
    if not content:
        raise errors.EmptyFile("The file is empty.")
    if len(content) > DOCUMENT_BYTES_MAX:
        raise errors.FileTooLarge(
            f"The file has {len(content):,} bytes; at most {DOCUMENT_BYTES_MAX:,} are accepted.",
            size_bytes=len(content),
            max_bytes=DOCUMENT_BYTES_MAX,
        )
    detected = detect_type(content)
    if detected is None:
        raise errors.InvalidFileType(
            "Only PDF, JPEG, PNG and XML (e-invoice) files are accepted; this file is none "
            "of them.",
            declared_type=declared or None,
        )
    claimed = declared.split(";", 1)[0].strip().lower()
    if claimed not in UNDECLARED_TYPES and TYPE_ALIASES.get(claimed) != detected:
        raise errors.MimeMismatch(
            f"The file was sent as {claimed} but its content is {detected}.",
            declared_type=claimed,
            detected_type=detected,
        )
    return detected


def safe_name(name: str | None, mime_type: str) -> str:
    """The client's file name without directories, control characters or reserved signs."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", _UNSAFE_NAME_CHARS.sub("_", base)).strip(" .")
    if not base:
        base = "document." + {PDF: "pdf", PNG: "png", JPEG: "jpg", XML: "xml"}[mime_type]
    return base[:ORIGINAL_NAME_CHARS_MAX]


def record_extraction(lookups: Lookups, intent: RecordExtraction, now: datetime) -> Decision:
    version = lookups.document_versions.get(intent.document_id)
    if version is None:
        raise errors.NotFound("No document with this id exists.", id=str(intent.document_id))
    lookups.document_versions[intent.document_id] = version + 1
    event = DocumentExtracted(
        **stamp_of(intent, now),
        document_id=intent.document_id,
        version=version + 1,
        result=intent.result,
    )
    return Decision(events=(event,), result=Accepted(subject=str(intent.document_id)))


def decide_upload(lookups: Lookups, intent: UploadDocument, now: datetime) -> Decision:
    """A new document, or the one already stored with the same bytes."""
    existing = lookups.documents_by_sha256.get(intent.sha256)
    if existing is not None:
        return Decision(events=(), result=existing)
    event = DocumentUploaded(
        **stamp_of(intent, now),
        document_id=intent.document_id,
        sha256=intent.sha256,
        mime_type=intent.mime_type,
        original_name=intent.original_name,
        size_bytes=intent.size_bytes,
    )
    stored = DocumentStored(
        document_id=intent.document_id,
        sha256=intent.sha256,
        mime_type=intent.mime_type,
        original_name=intent.original_name,
        size_bytes=intent.size_bytes,
        created_at=now,
    )
    # A second upload of the same bytes in this batch answers with this document.
    lookups.documents_by_sha256[intent.sha256] = msgspec.structs.replace(stored, duplicate=True)
    lookups.document_ids.add(intent.document_id)
    return Decision(events=(event,), result=stored)
