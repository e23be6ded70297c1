-- Invoice review cases: extracted incoming invoices waiting for a person (reference §2.5).
create table invoice_review_cases (
    id                uuid        primary key,
    tenant_id         uuid        not null,
    inbox_id          uuid        not null,
    document_id       uuid        not null,
    queue_state       text        not null,  -- approval, correction, exception, approved, rejected
    payload           jsonb       not null,  -- the invoice it will record (ReviewInvoice)
    vendor_id         uuid,
    vendor_candidates uuid[]      not null,
    is_invoice        boolean     not null,
    problems          jsonb       not null,
    invoice_id        uuid,
    intent_id         uuid,
    reason            text,
    version           integer     not null,
    created_at        timestamptz not null,
    updated_at        timestamptz not null
);
create index invoice_review_cases_state on invoice_review_cases (tenant_id, queue_state, created_at);
