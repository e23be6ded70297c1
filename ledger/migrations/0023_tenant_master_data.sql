-- The tenant's address and contact (the seller of its e-invoices), kept by PATCH /v1/tenant.
alter table tenants
    add column street        text,
    add column zip           text,
    add column city          text,
    add column country       text,
    add column contact_name  text,
    add column contact_phone text,
    add column contact_email text;
