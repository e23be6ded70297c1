-- The writer's locks as functions, so each costs one round trip and the read after the lock
-- cannot be evaluated before it (a volatile function takes a fresh snapshot per statement).

create function ledger_lock_tenant(p_tenant_id uuid, p_lock_key bigint)
returns table (head_position bigint, stream_version bigint, journal_number bigint,
               audit_hash text)
language plpgsql volatile as $$
begin
    perform pg_advisory_xact_lock(p_lock_key);
    return query
        select h.position, h.stream_version, h.journal_number, h.audit_hash
        from tenant_heads h where h.tenant_id = p_tenant_id;
end
$$;

create function ledger_take_positions(p_lock_key bigint) returns bigint
language plpgsql volatile as $$
begin
    perform pg_advisory_xact_lock(p_lock_key);
    return (select coalesce(max(e.position), 0) from events e);
end
$$;
