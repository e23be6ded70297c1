-- Customers (Debitoren) and vendors (Kreditoren), folded from the party events; what they owe
-- or are owed is the balance of their personal account (account_balances).

create table parties (
    id              uuid        primary key,
    tenant_id       uuid        not null,
    kind            text        not null,  -- customer, vendor
    account_number  text        not null,
    name            text        not null,
    tax_id          text,
    vat_id          text,
    iban            text,
    bic             text,
    street          text,
    building_number text,
    zip             text,
    city            text,
    country         text,
    default_account text,
    notes           text,
    is_active       boolean     not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null
);
create index parties_tenant_kind_name on parties (tenant_id, kind, lower(name));
