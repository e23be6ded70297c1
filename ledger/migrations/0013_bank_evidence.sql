-- What documents a bank transaction: a document and/or a note (its own event stream).
alter table bank_transactions
    add column evidence_document_id uuid,
    add column evidence_note        text,
    add column evidence_version     integer not null default 0,
    add column evidence_updated_at  timestamptz,
    add column evidence_updated_by  text;
