-- The event store (append-only) and the tenant heads the writer keeps beside it.

create table events (
    position           bigint      primary key,  -- global, gapless, in commit order (ADR 0002)
    tenant_id          uuid        not null,
    originator_id      uuid        not null,     -- stream: tenant id (master data) or intent id
    originator_version bigint      not null,
    topic              text        not null,     -- the event's stable tag, e.g. booking_posted.v1
    state              bytea       not null,     -- the event as JSON (msgspec), UTF-8
    recorded_at        timestamptz not null,
    unique (originator_id, originator_version)
);
create index events_tenant_position on events (tenant_id, position);

-- GoBD Rz. 58 ff., § 146 Abs. 4 AO: nothing stored may be changed or removed.
create function reject_event_change() returns trigger language plpgsql as $$
begin
    raise exception 'table % is append-only: % is not allowed', tg_table_name, tg_op
        using errcode = 'P0001', hint = 'Corrections are new intents (reversals).';
end
$$;
create trigger events_append_only before update or delete on events
    for each row execute function reject_event_change();
create trigger events_no_truncate before truncate on events
    for each statement execute function reject_event_change();

-- Where each tenant's chain and streams stand; written in the same transaction as the events.
create table tenant_heads (
    tenant_id      uuid   primary key,
    position       bigint not null,
    stream_version bigint not null,
    journal_number bigint not null,
    audit_hash     text   not null
);
