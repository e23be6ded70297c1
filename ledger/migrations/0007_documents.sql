-- Documents: the bytes, content-addressed per tenant and append-only (ADR 0005), and the
-- read table folded from `document_uploaded` events.

create table document_blobs (
    tenant_id  uuid        not null,
    sha256     text        not null,  -- hex of the SHA-256 of `content`
    content    bytea       not null,
    stored_at  timestamptz not null default now(),
    primary key (tenant_id, sha256)
);
-- Stored bytes never change (GoBD Rz. 58 ff.): the same trigger function as `events`.
create trigger document_blobs_append_only before update or delete on document_blobs
    for each row execute function reject_event_change();
create trigger document_blobs_no_truncate before truncate on document_blobs
    for each statement execute function reject_event_change();

create table documents (
    id            uuid        primary key,
    tenant_id     uuid        not null,
    sha256        text        not null,
    mime_type     text        not null,
    original_name text        not null,
    size_bytes    bigint      not null,
    created_at    timestamptz not null,
    created_by    text        not null,
    channel       text        not null,
    unique (tenant_id, sha256)
);
