-- A run's lifecycle as columns (see src/sync/lifecycle.rs): one `state` instead of
-- state + outcome, a checked `stage`, a `failure_kind` for failed and refused runs, and how a
-- paused run was closed (when, by whom, by which run). Existing rows are moved once, here:
-- kinds are derived from the old messages, the only place they were.
-- The old columns are replaced rather than altered, as on SQLite, so both schemas read the same.
drop index sync_runs_one_running;
alter table sync_runs rename column state to legacy_state;
alter table sync_runs rename column stage to legacy_stage;
alter table sync_runs add column state text not null default 'queued'
    check (state in ('queued', 'running', 'succeeded', 'failed', 'refused', 'paused', 'applied', 'discarded', 'superseded'));
alter table sync_runs add column stage text not null default 'starting'
    check (stage in ('starting', 'fetching', 'planning', 'applying', 'done'));
alter table sync_runs add column failure_kind text
    check (failure_kind in ('unreachable', 'credentials_rejected', 'not_allowed', 'untrusted_data', 'database', 'key', 'internal'));
alter table sync_runs add column closed_at timestamptz;
alter table sync_runs add column closed_by bigint references people(id) on delete set null;
alter table sync_runs add column closed_by_run bigint references sync_runs(id);

update sync_runs set
    state = case when legacy_state = 'running' then 'running' else coalesce(outcome, 'failed') end,
    stage = case when legacy_stage in ('starting', 'fetching', 'planning', 'applying', 'done') then legacy_stage else 'done' end;

-- A paused run whose "Apply anyway" run succeeded was applied by it.
update sync_runs set state = 'applied',
    closed_by_run = (select min(a.id) from sync_runs a where a.approved_from = sync_runs.id and a.state = 'succeeded')
    where state = 'paused'
      and exists (select 1 from sync_runs a where a.approved_from = sync_runs.id and a.state = 'succeeded');
update sync_runs set
    closed_at = (select a.finished_at from sync_runs a where a.id = sync_runs.closed_by_run),
    closed_by = (select a.started_by from sync_runs a where a.id = sync_runs.closed_by_run)
    where state = 'applied';
-- A paused run followed by a newer plan (a later run that succeeded or paused) is superseded.
update sync_runs set state = 'superseded',
    closed_by_run = (select min(n.id) from sync_runs n where n.company_id = sync_runs.company_id and n.id > sync_runs.id and n.state in ('succeeded', 'paused', 'applied'))
    where state = 'paused'
      and exists (select 1 from sync_runs n where n.company_id = sync_runs.company_id and n.id > sync_runs.id and n.state in ('succeeded', 'paused', 'applied'));
update sync_runs set closed_at = (select n.finished_at from sync_runs n where n.id = sync_runs.closed_by_run)
    where state = 'superseded';

update sync_runs set failure_kind = case
    when state = 'refused' then 'untrusted_data'
    when lower(message) like '%rejected the%' then 'credentials_rejected'
    when lower(message) like '%may not read%' or lower(message) like '%refused access%' then 'not_allowed'
    when lower(message) like '%could not reach%' or lower(message) like '%did not answer within%'
      or lower(message) like '%gave up on%' or lower(message) like '% answered 429%' or lower(message) like '% answered 5%'
      or lower(message) like '%redirect%' or lower(message) like '%misconfigured%' then 'unreachable'
    when lower(message) like '%data we could not read%' or lower(message) like '%not json%'
      or lower(message) like '%changed its list%' or lower(message) like '%pages; stopped%'
      or lower(message) like '%larger than%' then 'untrusted_data'
    when lower(message) like '%database%' or lower(message) like '%disk%' or lower(message) like '%pool%' then 'database'
    else 'internal' end
    where state in ('failed', 'refused');

alter table sync_runs drop column legacy_state;
alter table sync_runs drop column legacy_stage;
alter table sync_runs drop column outcome;
-- At most one running sync per company, enforced here rather than in any process's memory.
create unique index sync_runs_one_running on sync_runs (company_id) where state = 'running';
-- The paused runs of a company (supersede, the panel's "waiting for review").
create index sync_runs_paused on sync_runs (company_id, id) where state = 'paused';
