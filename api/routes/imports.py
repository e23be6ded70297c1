"""Imports (migration): a DATEV EXTF Buchungsstapel into bookings (scope journal:write)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter

from api.auth import Caller
from api.bootstrap import Ledger
from api.datev_imports import import_datev
from ledger.datev_import import DATEV_FILE_BYTES_MAX
from schemas.imports import DatevImportOut


@dataclass
class DatevFileForm:
    file: UploadFile


@post(
    "/imports/datev",
    operation_id="PostDatevImport",
    opt={"scope": "journal:write"},
    status_code=200,
    tags=["Imports"],
    request_max_body_size=DATEV_FILE_BYTES_MAX + 64 * 1024,
)
async def post_datev_import(
    data: Annotated[DatevFileForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    dry_run: Annotated[bool, QueryParameter(name="dry_run")] = False,
) -> DatevImportOut:
    """Book a DATEV Buchungsstapel (Formatversion 9-13, Windows-1252 or UTF-8 with BOM): each
    row one booking with the tax code of its BU-Schlüssel — all rows, or none when one cannot
    be booked. `dry_run=true` books nothing and reports every booking and every problem."""
    content = await data.file.read()
    return await import_datev(
        ledger, caller.tenant_id, caller.actor, "api", content, dry_run=dry_run
    )


ROUTES = [post_datev_import]
