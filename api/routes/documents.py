"""Documents routes: upload (multipart), download as attachment, preview inline."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Annotated, Final
from urllib.parse import quote

from litestar import Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from ledger.blobs import read_blob, store_blob
from ledger.documents import DOCUMENT_BYTES_MAX, checked_type, safe_name
from ledger.intents import UploadDocument
from ledger.outcomes import DocumentStored
from projections.documents import document
from schemas.documents import DocumentOut

# Room for the multipart envelope around a file of the largest accepted size; a body larger
# than this is 413 PAYLOAD_TOO_LARGE before it is read, a file above the limit 400.
MULTIPART_OVERHEAD_BYTES: Final = 64 * 1024
TAGS = ["Documents"]
# A stored file is shown as what it is, never run: no type sniffing, no scripts (XML, PDF).
SAFE_FILE_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, max-age=0",
}


@dataclass
class UploadForm:
    file: UploadFile


@post(
    "/documents",
    operation_id="PostDocument",
    opt={"scope": "journal:write"},
    status_code=200,
    tags=TAGS,
    request_max_body_size=DOCUMENT_BYTES_MAX + MULTIPART_OVERHEAD_BYTES,
)
async def upload_document(
    data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> DocumentOut:
    """Store a receipt or e-invoice (PDF, JPEG, PNG, XML; at most 10 MB) once per content:
    the same bytes again answer the existing document (`duplicate: true`)."""
    content = await data.file.read()
    mime_type = checked_type(content, data.file.content_type or "")
    sha256 = hashlib.sha256(content).hexdigest()
    async with ledger.pool.acquire() as conn:
        await store_blob(conn, caller.tenant_id, sha256, content)
    stored = await ledger.writers.submit_one(
        UploadDocument(
            **caller.stamp(),
            document_id=uuid.uuid4(),
            sha256=sha256,
            mime_type=mime_type,
            original_name=safe_name(data.file.filename, mime_type),
            size_bytes=len(content),
        )
    )
    assert isinstance(stored, DocumentStored)
    return DocumentOut(
        id=stored.document_id,
        mime_type=stored.mime_type,
        original_name=stored.original_name,
        sha256=stored.sha256,
        size_bytes=stored.size_bytes,
        created_at=stored.created_at,
        duplicate=stored.duplicate,
    )


@get(
    "/documents/{document_id:str}/file",
    operation_id="GetDocumentFile",
    opt={"scope": "journal:read"},
    tags=TAGS,
)
async def document_file(
    document_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> Response[bytes]:
    """The stored bytes as a download (`Content-Disposition: attachment`)."""
    return await _file_response(ledger, caller, document_id, "attachment")


@get(
    "/documents/{document_id:str}/preview",
    operation_id="GetDocumentPreview",
    opt={"scope": "journal:read"},
    tags=TAGS,
)
async def document_preview(
    document_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> Response[bytes]:
    """The stored bytes for showing in the browser (`Content-Disposition: inline`)."""
    return await _file_response(ledger, caller, document_id, "inline")


async def _file_response(
    ledger: Ledger, caller: Caller, document_id: str, disposition: str
) -> Response[bytes]:
    parsed = convert.require_uuid(document_id, "document")
    async with ledger.pool.acquire() as conn:
        row = await document(conn, caller.tenant_id, parsed)
        content = None if row is None else await read_blob(conn, caller.tenant_id, row["sha256"])
    if row is None or content is None:
        raise ApiError("NOT_FOUND", "No document with this id exists.", document_id=document_id)
    name = row["original_name"]
    return Response(
        content,
        media_type=row["mime_type"],
        headers={
            **SAFE_FILE_HEADERS,
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name, safe='')}",
        },
    )


ROUTES = [upload_document, document_file, document_preview]
