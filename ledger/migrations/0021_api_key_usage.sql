-- When a key was last used: telemetry, not a fact of the books, so it is no event and
-- survives a rebuild of the read tables (it lives outside them).
create table api_key_usage (
    key_id       uuid        primary key,
    last_used_at timestamptz not null
);
