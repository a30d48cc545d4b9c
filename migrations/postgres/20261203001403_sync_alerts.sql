-- Sync alerts (src/sync/alerts.rs). Company setting: the addresses that get sync alerts instead
-- of the company managers (a JSON array; empty: every active company manager with a login).
alter table companies add column alert_addresses jsonb not null default '[]';
-- A company manager who turned sync alerts off for themselves.
alter table people add column sync_alerts_off boolean not null default false;
-- The company's open sync problem, if any: what it is (mail::Problem as JSON: the outcome and
-- its kind), the run that last alerted about it and the company-local day it did (at most one
-- alert per problem and day). Cleared, with a "recovered" mail, by the next successful sync.
create table sync_alert_state (
    company_id bigint primary key references companies(id),
    problem text not null,
    run_id bigint not null references sync_runs(id),
    alerted_on date not null
);
