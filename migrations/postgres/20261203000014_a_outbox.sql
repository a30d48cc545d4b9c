-- Mail waiting to be sent, written in the same transaction as the event that causes it; the
-- worker sends due rows (a lease in `claimed_until` keeps two workers off one row) and retries
-- with backoff. A row is rendered from `payload` (JSON) when sent or shown, so it never goes stale.
create table outbox (
    id bigserial primary key,
    company_id bigint references companies(id),
    kind text not null,
    recipient text not null,
    payload text not null,
    message_key text not null,
    created_at timestamptz not null,
    attempts integer not null default 0,
    next_attempt_at timestamptz not null,
    claimed_until timestamptz,
    last_error text,
    sent_at timestamptz,
    failed_at timestamptz
);
create index outbox_due on outbox (next_attempt_at) where sent_at is null and failed_at is null;
create index outbox_company on outbox (company_id, id);
