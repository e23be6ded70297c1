"""Documents module: upload and download of receipts and e-invoice files (reference §3.1)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from schemas.journal import Out


class DocumentOut(Out, kw_only=True):
    id: UUID
    mime_type: str
    original_name: str
    sha256: str
    size_bytes: int
    created_at: datetime
    duplicate: bool  # true: these bytes were already stored; `id` is the existing document
