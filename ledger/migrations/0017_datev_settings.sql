-- DATEV settings of a tenant (Beraternummer, Mandantennummer, Sachkontenlänge), and the index
-- the DATEV export finds an intent's invoice number through.
alter table tenants
    add column datev_berater_number integer,
    add column datev_mandant_number integer,
    add column datev_account_length integer;

create index invoices_intent on invoices (tenant_id, intent_id) where intent_id is not null;
