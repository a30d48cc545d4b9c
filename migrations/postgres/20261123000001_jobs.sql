-- The background worker's own bookkeeping (the queue itself lives in apalis' schema).

-- One scheduled (morning) sync per company per local day: the primary key is the guarantee,
-- whichever process ticks first claims the day, in the same transaction that queues the job.
create table scheduled_syncs (
    company_id bigint not null references companies(id),
    local_date text not null,
    enqueued_at timestamptz not null,
    primary key (company_id, local_date)
);

-- How many times a queued sync was started, retries and orphan re-runs included; counted before
-- each start so a worker killed mid-run still used up an attempt.
create table sync_job_attempts (
    job_id text primary key,
    company_id bigint not null references companies(id),
    attempts bigint not null,
    updated_at timestamptz not null
);
