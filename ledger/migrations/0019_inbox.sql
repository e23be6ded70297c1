-- The invoice inbox: the tenant's address, the files that reached it, and the log of every
-- mail that came in.
alter table tenants add column inbox_address text;
create unique index tenants_inbox_address on tenants (inbox_address) where inbox_address is not null;

create table inbox_items (
    id             uuid        primary key,
    tenant_id      uuid        not null,
    document_id    uuid        not null,
    ingestion_id   uuid,
    status         text        not null,  -- pending, exception, confirmed, rejected
    reason         text,
    source_email   text,
    source_subject text,
    original_name  text        not null,
    extraction     jsonb,
    vendor_match   jsonb,
    compliance     jsonb,
    version        integer     not null,
    created_at     timestamptz not null,
    resolved_at    timestamptz
);
create index inbox_items_status on inbox_items (tenant_id, status, created_at);
create index inbox_items_document on inbox_items (tenant_id, document_id);

create table ingestion_log (
    id           uuid        primary key,
    tenant_id    uuid        not null,
    received_via text        not null,  -- api, cli, smtp
    message_id   text,
    sender       text,
    subject      text,
    recipient    text,
    outcome      text        not null,  -- accepted, partly_accepted, rejected
    reason       text,
    attachments  jsonb       not null,
    created_at   timestamptz not null
);
create index ingestion_log_tenant on ingestion_log (tenant_id, created_at);
