-- Mail waiting to be sent, written in the same transaction as the event that causes it; the
-- worker sends due rows (a lease in `claimed_until` keeps two workers off one row) and retries
-- with backoff. A row is rendered from `payload` (JSON) when sent or shown, so it never goes stale.
create table outbox (
    id integer primary key,
    company_id integer references companies(id),
    kind text not null,
    recipient text not null,
    payload text not null,
    message_key text not null,
    created_at text not null,
    attempts integer not null default 0,
    next_attempt_at text not null,
    claimed_until text,
    last_error text,
    sent_at text,
    failed_at text
);
create index outbox_due on outbox (next_attempt_at) where sent_at is null and failed_at is null;
create index outbox_company on outbox (company_id, id);
