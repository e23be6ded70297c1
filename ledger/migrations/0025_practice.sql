-- The practice layer (issue 9): read tables folded from the practice events
-- (projections/practice.py), and the access counts of report links (telemetry, no event).

create table practice_firms (
    tenant_id          uuid        primary key,
    partner_tier       text        not null,
    default_rate_cents bigint      not null,
    fee_account        text        not null,
    tax_code           text        not null,
    invoice_prefix     text        not null,
    is_active          boolean     not null,
    onboarded_at       timestamptz not null,
    updated_at         timestamptz not null
);

create table practice_clients (
    link_id           uuid        primary key,
    firm_id           uuid        not null,
    client_id         uuid        not null,
    name              text        not null,
    entity_type       text,
    industry          text,
    tier              text        not null,
    billing_mode      text        not null,
    monthly_fee_cents bigint      not null,
    created_at        timestamptz not null,
    unique (firm_id, client_id)
);
create index practice_clients_client on practice_clients (client_id);

create table practice_invoices (
    invoice_id        uuid        primary key,
    firm_id           uuid        not null,
    client_id         uuid        not null,
    party_id          uuid        not null,
    invoice_number    text        not null,
    invoice_date      date        not null,
    entry_count       integer     not null,
    line_count        integer     not null,
    total_gross_cents bigint      not null,
    created_at        timestamptz not null
);
create index practice_invoices_firm on practice_invoices (firm_id, client_id, invoice_date);

create table time_entries (
    id          uuid        primary key,
    firm_id     uuid        not null,
    client_id   uuid        not null,
    work_date   date        not null,
    minutes     integer     not null,
    description text,
    billable    boolean     not null,
    rate_cents  bigint      not null,
    value_cents bigint      not null,
    status      text        not null,  -- unbilled, invoiced, deleted
    invoice_id  uuid,
    created_by  text        not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);
create index time_entries_firm on time_entries (firm_id, client_id, work_date);

create table engagements (
    id              uuid        primary key,
    firm_id         uuid        not null,
    client_id       uuid        not null,
    name            text        not null,
    engagement_type text        not null,
    recurrence      text        not null,
    start_date      date        not null,
    notes           text,
    status          text        not null,
    ended_on        date,
    version         integer     not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null
);
create index engagements_firm on engagements (firm_id, created_at);

create table engagement_tasks_done (
    engagement_id uuid        not null,
    task_id       text        not null,
    completed_by  text        not null,
    completed_at  timestamptz not null,
    primary key (engagement_id, task_id)
);

create table report_links (
    id         uuid        primary key,
    tenant_id  uuid        not null,
    entity_id  uuid        not null,
    report     text        not null,
    date_from  date        not null,
    date_to    date        not null,
    language   text        not null,
    token_hash text        not null unique,
    expires_at timestamptz not null,
    revoked_at timestamptz,
    created_at timestamptz not null
);

create table report_link_access (
    link_id        uuid        primary key,
    access_count   bigint      not null,
    last_access_at timestamptz not null
);
