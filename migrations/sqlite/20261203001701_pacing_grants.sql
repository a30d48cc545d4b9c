-- Requests granted from rate budgets shared by every process of a deployment (Personio's 2,000
-- requests a minute per server IP): one row per grant of `n` requests, stamped `at_ms` by the
-- database clock (Unix milliseconds). The next grant deletes rows older than the window, so a
-- scope keeps at most its limit's worth of rows. See src/db/pacing.rs.
create table pacing_grants (
    id integer primary key,
    scope text not null,
    at_ms integer not null,
    n integer not null check (n > 0)
);
create index pacing_grants_scope_at on pacing_grants (scope, at_ms);
