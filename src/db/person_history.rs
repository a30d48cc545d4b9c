//! One person's sync history: every change any sync made to them, newest first, with the run
//! that made it and why; and when their HRIS last synced the company.

use time::OffsetDateTime;

use crate::{db::Db, hris::Provider, on_db, sync::lifecycle::State};

/// When the company's last successful sync from `provider` finished.
pub async fn last_synced(
    db: &Db,
    company_id: i64,
    provider: Provider,
) -> sqlx::Result<Option<OffsetDateTime>> {
    on_db!(db, p => sqlx::query_scalar(
        "select max(finished_at) from sync_runs \
         where company_id = $1 and provider = $2 and state = $3")
        .bind(company_id).bind(provider.as_str()).bind(State::Succeeded.as_str()).fetch_one(p).await)
}

/// One change a sync made to a person, with its run.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonChange {
    pub run_id: i64,
    pub provider: String,
    /// When the run that made it finished (its changes land with its end).
    pub at: OffsetDateTime,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
}

/// The latest `limit` changes any sync made to the person, newest first (a run's changes in
/// the order it made them). A paused run's rows are its plan, not changes: they are left out.
pub async fn changes(
    db: &Db,
    company_id: i64,
    person_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<PersonChange>> {
    on_db!(db, p => sqlx::query_as(
        "select c.run_id, r.provider, coalesce(r.finished_at, r.started_at) as at, c.field, \
         c.before, c.after, c.reason \
         from sync_changes c join sync_runs r on r.id = c.run_id \
         where c.person_id = $1 and r.company_id = $2 and r.state = $4 \
         order by c.run_id desc, c.id limit $3")
        .bind(person_id).bind(company_id).bind(limit).bind(State::Succeeded.as_str()).fetch_all(p).await)
}
