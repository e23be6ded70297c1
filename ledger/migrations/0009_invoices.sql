-- Outgoing and incoming invoices and credit notes, folded from the invoice events. Status and
-- remaining amount are computed when read (they depend on today and on settlements).

create table invoices (
    id                uuid        primary key,
    tenant_id         uuid        not null,
    direction         text        not null,  -- outgoing (customer), incoming (vendor)
    party_id          uuid        not null,
    invoice_type      text        not null,  -- invoice, credit_note
    invoice_number    text        not null,
    invoice_date      date        not null,
    due_date          date,
    currency          text        not null,
    total_net_cents   bigint      not null,
    total_tax_cents   bigint      not null,
    total_gross_cents bigint      not null,
    intent_id         uuid,
    document_id       uuid,
    notes             text,
    settled_cents     bigint      not null,  -- paid by settlements (bank reconciliation)
    version           integer     not null,  -- the invoice stream's version
    created_at        timestamptz not null,
    updated_at        timestamptz not null
);
create unique index invoices_number on invoices (tenant_id, party_id, invoice_number);
create index invoices_tenant_date on invoices (tenant_id, direction, invoice_date, id);

create table invoice_lines (
    invoice_id       uuid    not null,
    position         integer not null,
    description      text    not null,
    quantity         numeric not null,
    unit_price       numeric not null,
    tax_rate_bp      integer not null,
    tax_amount_cents bigint  not null,
    line_total_cents bigint  not null,
    account_number   text,
    primary key (invoice_id, position)
);
