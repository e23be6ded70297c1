"""Printable reports (seed 001: `GET /api/reports/pdf`, HTML) and links that share them with
someone without an account (scope auswertungen:read; opening a shared link is public)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import asyncpg
from litestar import Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import convert, report_pages
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from ledger.intents import RevokeReportLink
from schemas import limits
from schemas.practice import ReportKind, ReportLinkOut, ReportLinksOut, ShareIn, ShareOut

TAGS = ["Reports"]
READ = {"scope": "auswertungen:read"}
HTML = "text/html"  # Litestar adds "; charset=utf-8"
# A shared report is a page for people: no caching by proxies, no framing, nothing external.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


@get(
    "/reports/pdf",
    operation_id="GetPrintableReport",
    opt=READ,
    tags=TAGS,
    media_type=HTML,
)
async def printable_report(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    entity_id: Annotated[uuid.UUID, QueryParameter(name="entityId")],
    book_id: Annotated[str, QueryParameter(name="bookId", max_length=100)],
    report: Annotated[ReportKind, QueryParameter(name="report")],
    date_from: Annotated[date, QueryParameter(name="from")],
    date_to: Annotated[date, QueryParameter(name="to")],
    lang: Annotated[Literal["de", "en"], QueryParameter(name="lang")] = "de",
) -> Response[str]:
    """The balance sheet (as at `to`), income statement or trial balance of the caller's
    entity or a client's of its firm, as a printable HTML page (German or English)."""
    await report_pages.readable_entity(ledger, caller, entity_id)
    report_pages.require_book(book_id, entity_id)
    report_pages.require_range(date_from, date_to)
    async with ledger.pool.acquire() as conn:
        html = await report_pages.page_html(
            conn, entity_id, report, date_from, date_to, lang, ledger.clock()
        )
    return Response(html, media_type=HTML, headers=PAGE_HEADERS)


@post(
    "/reports/share",
    operation_id="CreateReportLink",
    opt=READ,
    status_code=201,
    tags=TAGS,
    request_max_body_size=limits.PUBLIC_BODY_BYTES_MAX,
)
async def create_link(
    data: JSONBody[ShareIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ShareOut:
    """A link that serves the report to anyone holding it, until it expires (7 days unless
    `expiresInDays` says otherwise, at most 90) or is revoked."""
    report_pages.require_book(data.parameters.book_id, data.entity_id)
    link_id, url, expires_at = await report_pages.share(
        ledger,
        caller,
        data.entity_id,
        data.report_type,
        data.parameters.from_,
        data.parameters.to,
        data.parameters.lang,
        data.expires_in_days,
    )
    return ShareOut(id=link_id, share_url=url, expires_at=expires_at)


async def _links(
    ledger: Ledger, tenant_id: uuid.UUID, link_id: uuid.UUID | None = None
) -> list[ReportLinkOut]:
    now = ledger.clock()
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            "select l.*, a.access_count, a.last_access_at from report_links l"
            " left join report_link_access a on a.link_id = l.id where l.tenant_id = $1"
            " and ($2::uuid is null or l.id = $2) order by l.created_at desc, l.id",
            tenant_id,
            link_id,
        )
    return [_link_out(row, now) for row in rows]


def _link_out(row: asyncpg.Record, now: datetime) -> ReportLinkOut:
    status = "revoked" if row["revoked_at"] else "expired" if row["expires_at"] <= now else "active"
    return ReportLinkOut(
        id=row["id"],
        entity_id=row["entity_id"],
        report_type=row["report"],
        date_from=row["date_from"],
        date_to=row["date_to"],
        lang=row["language"],
        status=status,
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        access_count=row["access_count"] or 0,
        last_access_at=row["last_access_at"],
        created_at=row["created_at"],
    )


@get("/reports/links", operation_id="ListReportLinks", opt=READ, tags=TAGS)
async def list_links(
    caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ReportLinksOut:
    """The caller's entity's links, newest first, with how often each was opened."""
    return ReportLinksOut(links=await _links(ledger, caller.tenant_id))


@delete(
    "/reports/links/{link_id:str}",
    operation_id="RevokeReportLink",
    opt=READ,
    status_code=200,
    tags=TAGS,
)
async def revoke_link(
    link_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ReportLinkOut:
    """Revoke a link: it answers 410 from now on. Revoking again answers the same."""
    parsed = convert.parse_uuid(link_id)
    if parsed is None:
        raise ApiError("REPORT_LINK_NOT_FOUND", "No report link with this id exists.")
    await ledger.writers.submit_one(RevokeReportLink(**caller.stamp(), link_id=parsed))
    [link] = await _links(ledger, caller.tenant_id, parsed)
    return link


@get(
    "/reports/share/{token:str}",
    operation_id="OpenSharedReport",
    opt={"public": True},
    tags=TAGS,
    media_type=HTML,
)
async def open_link(token: FromPath[str], ledger: NamedDependency[Ledger]) -> Response[str]:
    """The shared report (no key needed); each opening is counted. Unknown: 404; expired or
    revoked: 410 REPORT_LINK_GONE."""
    if not token.startswith(report_pages.TOKEN_PREFIX) or len(token) > 100:
        raise ApiError("REPORT_LINK_NOT_FOUND", "No shared report has this link.")
    html = await report_pages.open_shared(ledger, token)
    return Response(html, media_type=HTML, headers=PAGE_HEADERS)


ROUTES = [printable_report, create_link, list_links, revoke_link, open_link]
