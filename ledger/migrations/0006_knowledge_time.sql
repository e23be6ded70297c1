-- "As known at" (`as_of`): the last journal number recorded at or before a time.
create index intents_created on intents (tenant_id, created_at);
