-- Read tables folded from the events (projections/). `ledger projections rebuild` empties and
-- refills them from position 0; the result must equal the live tables row for row.

create table projection_positions (
    name     text   primary key,
    position bigint not null
);

create table tenants (
    id                uuid        primary key,
    company_name      text        not null,
    tax_id            text,
    vat_id            text,
    legal_form        text,
    fiscal_year_start smallint    not null,
    vat_registered    boolean     not null,
    account_framework text        not null,
    created_at        timestamptz not null
);

create table users (
    id         uuid        primary key,
    tenant_id  uuid        not null,
    email      text        not null,
    name       text        not null,
    role       text        not null,
    is_active  boolean     not null,
    created_at timestamptz not null
);
create unique index users_tenant_email on users (tenant_id, lower(email));

create table api_keys (
    id         uuid        primary key,
    tenant_id  uuid        not null,
    user_id    uuid        not null,
    label      text        not null,
    key_prefix text        not null,
    key_hash   text        not null unique,
    scopes     text[]      not null,
    expires_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz not null
);
create index api_keys_tenant on api_keys (tenant_id, created_at);

create table accounts (
    tenant_id    uuid        not null,
    number       text        not null,
    name         text        not null,
    type         text        not null,
    category     text,
    report_group text,
    is_system    boolean     not null,
    is_active    boolean     not null,
    automatic    boolean     not null,
    created_at   timestamptz not null,
    primary key (tenant_id, number)
);
create index accounts_tenant_name on accounts (tenant_id, lower(name));

create table tax_codes (
    tenant_id           uuid        not null,
    code_key            text        not null,  -- upper(code): codes match case-insensitively
    code                text        not null,
    label               text        not null,
    description         text,
    rate_bp             integer     not null,
    vat_account         text,
    self_assess_account text,
    kind                text        not null,
    is_system           boolean     not null,
    is_active           boolean     not null,
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    primary key (tenant_id, code_key)
);

create table intents (
    intent_id             uuid        primary key,
    tenant_id             uuid        not null,
    position              bigint      not null,
    kind                  text        not null,
    booking_date          date        not null,
    period                text        not null,
    description           text        not null,
    event_count           integer     not null,
    total_cents           bigint      not null,
    first_journal_number  bigint,
    last_journal_number   bigint,
    currency              text        not null,
    fx                    jsonb,
    external_reference    text,
    custom_metadata       jsonb,
    document_id           uuid,
    reverses_intent_id    uuid,
    reversed_by_intent_id uuid,
    reason                text,
    idempotency_key       text,
    request_hash          text,
    fingerprint           text,
    created_at            timestamptz not null,
    created_by            text        not null,
    actor_type            text        not null,
    actor_key_prefix      text,
    channel               text        not null
);
create unique index intents_idempotency on intents (tenant_id, idempotency_key)
    where idempotency_key is not null;
create index intents_external_reference on intents (tenant_id, external_reference)
    where external_reference is not null;
create index intents_fingerprint on intents (tenant_id, fingerprint)
    where fingerprint is not null and reversed_by_intent_id is null;
create index intents_opening_balances on intents (tenant_id, booking_date)
    where kind = 'opening_balances' and reversed_by_intent_id is null;

-- One row per stored posting line (debit/credit pair), the journal in journal-number order.
create table journal_lines (
    tenant_id      uuid    not null,
    journal_number bigint  not null,
    id             uuid    not null,
    intent_id      uuid    not null,
    booking_date   date    not null,
    period         text    not null,
    account_debit  text    not null,
    account_credit text    not null,
    amount_cents   bigint  not null,
    tax_code       text,
    fx_amount      numeric,
    audit_hash     text    not null,
    prev_hash      text    not null,
    primary key (tenant_id, journal_number)
);
create index journal_lines_intent on journal_lines (tenant_id, intent_id);
create index journal_lines_debit on journal_lines (tenant_id, account_debit, booking_date, journal_number);
create index journal_lines_credit on journal_lines (tenant_id, account_credit, booking_date, journal_number);
create index journal_lines_date on journal_lines (tenant_id, booking_date, journal_number);

-- Movements per account and day (and period, for P13/P14): balances and opening sums.
create table account_balances (
    tenant_id      uuid   not null,
    account_number text   not null,
    booking_date   date   not null,
    period         text   not null,
    debit_cents    bigint not null,
    credit_cents   bigint not null,
    line_count     bigint not null,
    primary key (tenant_id, account_number, booking_date, period)
);
