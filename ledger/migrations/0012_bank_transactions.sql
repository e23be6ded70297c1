-- Bank transactions, folded from the import events; reconciliation updates `status`.
create table bank_transactions (
    id                uuid        primary key,
    tenant_id         uuid        not null,
    bank_account_id   uuid        not null,
    batch_id          uuid        not null,
    tx_date           date        not null,
    value_date        date,
    amount_cents      bigint      not null,  -- > 0: money in
    currency          text        not null,
    counterparty_name text,
    counterparty_iban text,
    reference         text,
    bank_reference    text,
    end_to_end_id     text,
    tx_type           text,
    content_hash      text        not null,
    source            text        not null,
    status            text        not null,  -- unreconciled, reconciled, excluded
    created_at        timestamptz not null,
    unique (tenant_id, content_hash)
);
create index bank_transactions_account on bank_transactions (tenant_id, bank_account_id, tx_date, id);
create index bank_transactions_open on bank_transactions (tenant_id, bank_account_id)
    where status = 'unreconciled';
