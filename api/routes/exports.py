"""Export routes: the GoBD data carrier for tax auditors (GDPdU) as a ZIP file, and the DATEV
Buchungsstapel (with the Debitoren/Kreditoren in a ZIP on request)."""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date
from typing import IO, Annotated, Final

from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Stream

from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.routes.query import require_date_range
from projections import queries
from projections.exports import datev
from projections.gdpdu import export_gdpdu

SPOOL_IN_MEMORY_MAX: Final = 16 * 1024 * 1024  # larger archives go to a temporary file
CHUNK_BYTES: Final = 256 * 1024


@get(
    "/exports/gdpdu",
    operation_id="GetGdpduExport",
    opt={"scope": "auswertungen:read"},
    tags=["Exports"],
    media_type="application/zip",
)
async def gdpdu_export(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    start_date: Annotated[date, QueryParameter(name="startDate")],
    end_date: Annotated[date, QueryParameter(name="endDate")],
) -> Stream:
    """The tax auditor's data carrier (GoBD Z3): journal, accounts, tax codes, periods and
    lock requests as CSV with an `index.xml` (GDPdU description standard) and its DTD."""
    require_date_range(start_date, end_date)
    with _spooled() as spool, _zip_entries(spool) as open_entry:
        async with ledger.pool.acquire() as conn:
            tenant = await queries.tenant(conn, caller.tenant_id)
            assert tenant is not None
            await export_gdpdu(
                conn,
                caller.tenant_id,
                tenant["company_name"],
                start_date,
                end_date,
                open_entry,
                created_at=ledger.clock(),
            )
    name = f"gdpdu-{start_date.isoformat()}-{end_date.isoformat()}.zip"
    return Stream(
        _chunks(spool),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@get(
    "/reports/datev-export",
    operation_id="GetDatevExport",
    opt={"scope": "auswertungen:read"},
    tags=["Exports"],
    media_type="text/csv",
)
async def datev_export(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    start_date: Annotated[date, QueryParameter(name="startDate")],
    end_date: Annotated[date, QueryParameter(name="endDate")],
    master_data: Annotated[bool, QueryParameter(name="master_data")] = False,
) -> Stream:
    """The bookings dated `startDate` to `endDate` (one fiscal year) as a DATEV EXTF
    Buchungsstapel (header 700, Formatversion 13, Windows-1252); with `master_data=true` a ZIP
    that also holds the Debitoren/Kreditoren (Formatkategorie 16) of the accounts it books."""
    require_date_range(start_date, end_date)
    name = f"EXTF_Buchungsstapel_{start_date:%Y%m%d}_{end_date:%Y%m%d}"
    with _spooled() as spool:
        async with ledger.pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            batch = await datev.prepare(
                conn,
                caller.tenant_id,
                start_date,
                end_date,
                created_at=ledger.clock(),
                exported_by=caller.actor.label,
            )
            if isinstance(batch, datev.Refusal):
                raise ApiError(batch.code, batch.message, **batch.details)
            if master_data:
                with _zip_entries(spool) as open_entry:
                    await datev.write_files(conn, batch, open_entry, name=name, master_data=True)
            else:

                @contextlib.contextmanager
                def into_spool(_: str) -> Iterator[IO[bytes]]:
                    yield spool

                await datev.write_files(conn, batch, into_spool, name=name, master_data=False)
    file_name = f"{name}.zip" if master_data else f"{name}.csv"
    return Stream(
        _chunks(spool),
        media_type="application/zip" if master_data else "text/csv; charset=windows-1252",
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


@contextlib.contextmanager
def _spooled() -> Iterator[IO[bytes]]:
    """A temporary file for an answer, rewound once written; closed at once if writing fails
    (else by `_chunks`, once it is sent)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_MAX)  # noqa: SIM115
    try:
        yield spool
        spool.seek(0)
    except BaseException:
        spool.close()
        raise


@contextlib.contextmanager
def _zip_entries(spool: IO[bytes]) -> Iterator[Callable[[str], AbstractContextManager[IO[bytes]]]]:
    """A ZIP archive in `spool`, and the opener of its entries an exporter writes into."""
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        @contextlib.contextmanager
        def open_entry(name: str) -> Iterator[IO[bytes]]:
            with archive.open(name, "w", force_zip64=True) as entry:
                yield entry

        yield open_entry


async def _chunks(spool: IO[bytes]) -> AsyncIterator[bytes]:
    with spool:
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk


ROUTES = [gdpdu_export, datev_export]
