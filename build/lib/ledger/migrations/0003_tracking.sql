-- Positions a downstream view has processed, written in the view's own transaction (the
-- eventsourcing library's Tracking, used by `ledger.recorder`): exactly-once processing.
-- One row per processed notification; a lower id after a higher one is refused by the recorder.

create table tracking (
    application_name text   not null,
    notification_id  bigint not null,
    primary key (application_name, notification_id)
);
