-- Reconciliation: what a bank transaction is linked to, and what it settled.
alter table bank_transactions
    add column reconcile_mode        text,   -- linked, settled
    add column candidate_kind        text,
    add column reconciled_intent_id  uuid,
    add column settlement_intent_id  uuid;

create table bank_tx_settlements (
    tx_id         uuid    not null,
    version       integer not null,  -- the transaction stream's version that settled
    invoice_id    uuid    not null,
    applied_cents bigint  not null,
    active        boolean not null,  -- false once unmatched
    primary key (tx_id, version, invoice_id)
);
create index bank_tx_settlements_invoice on bank_tx_settlements (invoice_id) where active;
