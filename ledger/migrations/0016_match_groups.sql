-- Match groups: n bank transactions settled against m open items by one settlement intent.
create table bank_match_groups (
    id                   uuid        primary key,
    tenant_id            uuid        not null,
    bank_account_id      uuid        not null,
    mode                 text        not null,  -- settled, settled_fx
    settlement_intent_id uuid        not null,
    tx_ids               uuid[]      not null,
    allocations          jsonb       not null,  -- GroupAllocation[] as in the event
    adjustments          jsonb       not null,  -- GroupAdjustment[]
    settlements          jsonb       not null,  -- Settlement[]: [invoice_id, applied, settled]
    status               text        not null,  -- active, reversed
    reversal_intent_id   uuid,
    created_at           timestamptz not null,
    created_by           text        not null,
    reversed_at          timestamptz
);
create index bank_match_groups_tenant on bank_match_groups (tenant_id, created_at);

alter table bank_transactions add column match_group_id uuid;
