"""Document extraction (scope journal:write): read an uploaded document's invoice fields —
exactly from an e-invoice, by patterns from a PDF's text, by OCR from a scan — and keep the
result on the document."""

from __future__ import annotations

import anyio.to_thread
import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from ledger.blobs import read_blob
from ledger.einvoice.extract import extract
from ledger.intents import RecordExtraction
from schemas.extraction import ExtractIn, ExtractionOut


@post(
    "/ocr/extract",
    operation_id="ExtractDocument",
    opt={"scope": "journal:write"},
    status_code=200,
    tags=["Documents"],
)
async def extract_document(
    data: JSONBody[ExtractIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ExtractionOut:
    """The invoice fields of a document and the layer that read them: `einvoice` (XRechnung,
    ZUGFeRD / Factur-X, exact), `pdf_text` (a PDF's text and patterns), `ocr` (a scan).
    Kept on the document as its `ocr_result`. Nothing readable: 422 `OCR_FAILED`."""
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select sha256, mime_type from documents where tenant_id = $1 and id = $2",
            caller.tenant_id,
            data.document_id,
        )
        content = None if row is None else await read_blob(conn, caller.tenant_id, row["sha256"])
    if row is None:
        raise ApiError("NOT_FOUND", "No document with this id exists.", id=str(data.document_id))
    if content is None:
        raise ApiError(
            "FILE_NOT_FOUND", "The document's file is missing.", id=str(data.document_id)
        )
    # Parsing PDFs and running OCR take CPU time: off the event loop.
    result = await anyio.to_thread.run_sync(extract, content, row["mime_type"])
    await ledger.writers.submit_one(
        RecordExtraction(**caller.stamp(), document_id=data.document_id, result=result)
    )
    return ExtractionOut(
        document_id=data.document_id,
        **msgspec.structs.asdict(result),
    )


ROUTES = [extract_document]
