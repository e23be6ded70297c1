"""Documents over HTTP: upload checked by magic bytes, stored once per content, downloaded
unchanged, and `document_id` on bookings checked against them (reference §3.1)."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from ledger.documents import DOCUMENT_BYTES_MAX
from tests.conftest import Tenant, booking, error_details, journal_of, refused

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
XML = b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice/>'


async def upload(
    tenant: Tenant, content: bytes, name: str = "beleg.pdf", mime: str = "application/pdf"
):
    return await tenant.client.post(
        "/v1/documents", headers=tenant.headers, files={"file": (name, content, mime)}
    )


async def uploaded(tenant: Tenant, content: bytes = PDF, **kwargs) -> dict:
    response = await upload(tenant, content, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("content", "name", "mime"),
    [
        (PDF, "rechnung.pdf", "application/pdf"),
        (PNG, "scan.png", "image/png"),
        (JPEG, "foto.jpg", "image/jpeg"),
        (XML, "xrechnung.xml", "application/xml"),
        (XML, "xrechnung.xml", "text/xml"),
        (PDF, "ohne-typ.pdf", "application/octet-stream"),
    ],
)
async def test_an_accepted_file_is_stored_and_comes_back_byte_for_byte(
    tenant: Tenant, content: bytes, name: str, mime: str
):
    document = await uploaded(tenant, content, name=name, mime=mime)

    assert document["original_name"] == name
    assert document["sha256"] == hashlib.sha256(content).hexdigest()
    assert document["size_bytes"] == len(content)
    assert document["duplicate"] is False
    download = await tenant.get(f"/v1/documents/{document['id']}/file")
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"].startswith(document["mime_type"])
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    preview = await tenant.get(f"/v1/documents/{document['id']}/preview")
    assert preview.headers["content-disposition"].startswith("inline;")
    assert preview.content == content


async def test_the_same_bytes_again_answer_the_existing_document(tenant: Tenant):
    first = await uploaded(tenant, PDF, name="a.pdf")
    again = await uploaded(tenant, PDF, name="b.pdf")

    assert again["id"] == first["id"]
    assert again["original_name"] == "a.pdf"
    assert again["duplicate"] is True
    async with tenant.ledger.pool.acquire() as conn:
        count = await conn.fetchval(
            "select count(*) from events where tenant_id = $1 and topic = 'document_uploaded.v1'",
            tenant.tenant_id,
        )
    assert count == 1


async def test_other_tenants_store_their_own_copy(tenant: Tenant, other_tenant: Tenant):
    mine = await uploaded(tenant)
    theirs = await uploaded(other_tenant)
    assert mine["id"] != theirs["id"]
    assert theirs["duplicate"] is False


@pytest.mark.parametrize(
    ("content", "mime", "code"),
    [
        (b"", "application/pdf", "EMPTY_FILE"),
        (b"GIF89a" + b"\x00" * 16, "image/gif", "INVALID_FILE_TYPE"),
        (b"PK\x03\x04 a zip", "application/pdf", "INVALID_FILE_TYPE"),
        (PNG, "application/pdf", "MIME_MISMATCH"),
        (PDF, "image/png", "MIME_MISMATCH"),
    ],
)
async def test_a_file_that_is_not_what_it_claims_or_not_accepted_is_refused(
    tenant: Tenant, content: bytes, mime: str, code: str
):
    error_details(await upload(tenant, content, mime=mime), 400, code)
    async with tenant.ledger.pool.acquire() as conn:
        assert not await conn.fetchval(
            "select count(*) from documents where tenant_id = $1", tenant.tenant_id
        )


async def test_a_file_above_10_mb_is_too_large(tenant: Tenant):
    content = b"%PDF-" + b"0" * DOCUMENT_BYTES_MAX
    details = error_details(await upload(tenant, content), 400, "FILE_TOO_LARGE")
    assert details["max_bytes"] == DOCUMENT_BYTES_MAX


async def test_a_request_far_above_the_limit_is_refused_before_it_is_read(tenant: Tenant):
    content = b"%PDF-" + b"0" * (2 * DOCUMENT_BYTES_MAX)
    error_details(await upload(tenant, content), 413, "PAYLOAD_TOO_LARGE")


async def test_a_path_in_the_file_name_is_dropped(tenant: Tenant):
    document = await uploaded(tenant, name="../../etc/passwd\r\n.pdf")
    assert document["original_name"] == "passwd__.pdf"
    download = await tenant.get(f"/v1/documents/{document['id']}/file")
    assert "passwd__.pdf" in download.headers["content-disposition"]
    assert "\n" not in download.headers["content-disposition"]


async def test_an_upload_without_a_file_is_invalid_input(tenant: Tenant):
    response = await tenant.client.post(
        "/v1/documents", headers=tenant.headers, files={"other": ("x.pdf", PDF, "application/pdf")}
    )
    error_details(response, 400, "INVALID_INPUT")


async def test_unknown_and_malformed_document_ids(tenant: Tenant):
    error_details(await tenant.get(f"/v1/documents/{uuid.uuid4()}/file"), 404, "NOT_FOUND")
    error_details(await tenant.get("/v1/documents/not-a-uuid/preview"), 400, "INVALID_INPUT")


async def test_a_booking_names_a_document_of_its_tenant(tenant: Tenant, other_tenant: Tenant):
    mine = await uploaded(tenant)
    theirs = await uploaded(other_tenant, PNG, name="x.png", mime="image/png")
    lines = (("6815", "debit", "10.00"), ("1800", "credit", "10.00"))

    posted = await tenant.post("/v1/bookings", booking(*lines, document_id=mine["id"]))
    assert posted.status_code == 201, posted.text
    [*_, line] = await journal_of(tenant)
    assert line["document_id"] == mine["id"]
    audit = (await tenant.get(f"/v1/journal/{posted.json()['intent_id']}")).json()
    assert mine["id"] in str(audit["linked_intents"])

    details = await refused(
        tenant,
        "/v1/bookings",
        booking(*lines, document_id=theirs["id"], skip_duplicate_check=True),
        400,
        "DOCUMENT_NOT_FOUND",
    )
    assert details == {"document_id": theirs["id"]}
