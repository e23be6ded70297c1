-- What extracting a document read (POST /v1/ocr/extract), kept on the document; the
-- document's stream version counts its extractions.
alter table documents
    add column version      integer not null default 1,
    add column ocr_layer    text,
    add column ocr_result   jsonb,
    add column extracted_at timestamptz;
