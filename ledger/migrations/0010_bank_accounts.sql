-- Bank accounts, folded from the bank account events.
create table bank_accounts (
    id             uuid        primary key,
    tenant_id      uuid        not null,
    name           text        not null,
    iban           text        not null,
    bic            text,
    account_number text        not null,
    currency       text        not null,
    sepa_version   text        not null,
    created_at     timestamptz not null,
    updated_at     timestamptz not null
);
create index bank_accounts_tenant on bank_accounts (tenant_id, name);
