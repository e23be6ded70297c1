-- Payment runs and their transfers, folded from the payment run events.
create table payment_runs (
    id              uuid        primary key,
    tenant_id       uuid        not null,
    bank_account_id uuid        not null,
    execution_date  date        not null,
    label           text,
    status          text        not null,  -- draft, approved, exported, completed, cancelled
    message_id      text,                  -- MsgId of the exported file
    total_cents     bigint      not null,
    item_count      integer     not null,
    version         integer     not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    exported_at     timestamptz
);
create index payment_runs_tenant on payment_runs (tenant_id, created_at, id);

create table payment_run_items (
    id              uuid    primary key,
    run_id          uuid    not null,
    position        integer not null,
    invoice_id      uuid    not null,
    vendor_id       uuid    not null,
    vendor_name     text    not null,
    vendor_iban     text    not null,
    vendor_bic      text,
    street          text,
    building_number text,
    zip             text,
    city            text,
    country         text,
    amount_cents    bigint  not null,
    reference       text    not null,
    end_to_end_id   text    not null,
    unique (run_id, position)
);
create index payment_run_items_invoice on payment_run_items (invoice_id);
