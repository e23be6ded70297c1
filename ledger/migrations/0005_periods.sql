-- Read tables of period closing (folded from the period events of the master-data stream).

-- One row per period that ever changed state; a period without a row is open.
create table periods (
    tenant_id       uuid        not null,
    period          text        not null,  -- YYYY-MM, YYYY-P13, YYYY-P14
    status          text        not null,  -- open, soft_locked, locked
    locked_by       text,
    locked_at       timestamptz,
    closing_hash    text,
    approved_by     text,
    lock_request_id uuid,
    line_count      bigint,                -- lines the closing hash covers
    primary key (tenant_id, period)
);

create table period_lock_requests (
    request_id   uuid        primary key,
    tenant_id    uuid        not null,
    period       text        not null,
    status       text        not null,  -- pending, approved, cancelled, expired
    requested_by text        not null,
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    decided_by   text,
    decided_at   timestamptz
);
create index period_lock_requests_period on period_lock_requests (tenant_id, period, created_at);

-- Bookings per period for the period list (GET /v1/periods).
create index intents_period on intents (tenant_id, period);
