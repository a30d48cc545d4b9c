-- HRIS connections, sync runs with their history, and the audit log.
create table integrations (
    id bigserial primary key,
    company_id bigint not null unique references companies(id),
    provider text not null check (provider in ('personio', 'kiwihr')),
    credentials bytea not null,
    nonce bytea not null,
    key_id text not null,
    hint text not null,
    connected_by bigint references people(id) on delete set null,
    connected_at timestamptz not null
);

create table sync_runs (
    id bigserial primary key,
    company_id bigint not null references companies(id),
    provider text not null,
    trigger_kind text not null check (trigger_kind in ('connect', 'schedule', 'manual', 'cli', 'approval')),
    started_by bigint references people(id) on delete set null,
    dry_run boolean not null default false,
    state text not null check (state in ('running', 'finished')),
    outcome text check (outcome in ('succeeded', 'failed', 'refused', 'paused', 'discarded')),
    stage text not null default 'starting',
    pages bigint not null default 0,
    created bigint not null default 0,
    updated bigint not null default 0,
    deactivated bigint not null default 0,
    reactivated bigint not null default 0,
    unchanged bigint not null default 0,
    skipped bigint not null default 0,
    message text,
    approval text,
    approved_from bigint references sync_runs(id),
    started_at timestamptz not null,
    heartbeat_at timestamptz not null,
    finished_at timestamptz,
    duration_ms bigint
);
-- At most one running sync per company, enforced here rather than in any process's memory.
create unique index sync_runs_one_running on sync_runs (company_id) where state = 'running';
create index sync_runs_company on sync_runs (company_id, id);

create table sync_changes (
    id bigserial primary key,
    run_id bigint not null references sync_runs(id) on delete cascade,
    person_id bigint references people(id) on delete set null,
    person_name text not null,
    field text not null,
    before text,
    after text
);
create index sync_changes_run on sync_changes (run_id, id);

-- Warnings, per-person errors and lists (not in the HRIS, would deactivate) of a run.
create table sync_notes (
    id bigserial primary key,
    run_id bigint not null references sync_runs(id) on delete cascade,
    kind text not null check (kind in ('run_warning', 'warning', 'error', 'not_in_hris', 'would_deactivate')),
    person_id bigint references people(id) on delete set null,
    name text not null,
    message text not null
);
create index sync_notes_run on sync_notes (run_id, kind, id);

create table audit_events (
    id bigserial primary key,
    company_id bigint not null references companies(id),
    actor bigint references people(id) on delete set null,
    action text not null,
    detail text not null,
    at timestamptz not null
);
create index audit_events_company on audit_events (company_id, id);
