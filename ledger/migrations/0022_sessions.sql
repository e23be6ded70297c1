-- Logging in: credentials, sessions, one-time tokens (invitations, resets), failed attempts,
-- and the outbox of mails. None of it is a fact of the books, so none of it is an event
-- (a password change is recorded as `user_password_changed.v1`, without the hash).
create table user_credentials (
    user_id       uuid        primary key,
    password_hash text        not null,  -- argon2id
    updated_at    timestamptz not null
);

create table sessions (
    id         uuid        primary key,
    token_hash text        not null unique,  -- SHA-256 of the bearer token
    tenant_id  uuid        not null,
    user_id    uuid        not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    revoked_at timestamptz
);
create index sessions_user on sessions (user_id) where revoked_at is null;

create table auth_tokens (
    token_hash text        primary key,  -- SHA-256 of the token in the mail
    tenant_id  uuid        not null,
    user_id    uuid        not null,
    purpose    text        not null,  -- invite, reset
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at    timestamptz
);

create table auth_failures (
    key text        not null,  -- "email:<address>" or "ip:<address>"
    at  timestamptz not null
);
create index auth_failures_key on auth_failures (key, at);

create table mail_outbox (
    id         uuid        primary key,
    recipient  text        not null,
    subject    text        not null,
    body       text        not null,
    created_at timestamptz not null,
    sent_at    timestamptz
);
