-- A bank transaction's own stream carries evidence and status changes alike: one version.
alter table bank_transactions rename column evidence_version to version;
