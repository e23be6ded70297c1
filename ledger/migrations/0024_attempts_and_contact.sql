-- Counted attempts of every public route (not only failed logins) share one table, keyed by
-- what is counted ("login:email:<address>", "contact:ip:<address>", …): see api/throttle.py.
alter table auth_failures rename to attempts;
alter index auth_failures_key rename to attempts_key;

-- Messages from the public contact form (POST /v1/contact). Not a fact of anyone's books, so
-- not an event; read with `ledger contact list`.
create table contact_messages (
    id          uuid        primary key,
    name        text        not null,
    email       text        not null,
    message     text        not null,
    address     text        not null,  -- the sender's network address
    received_at timestamptz not null
);
create index contact_messages_received on contact_messages (received_at);
