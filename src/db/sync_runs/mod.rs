//! Sync runs and their history: one row per run, its per-person changes and its notes.
//! The unique index `sync_runs_one_running` allows one running sync per company.
//!
//! This module reads runs; `transitions` starts, ends and closes them, `details` holds their
//! changes and notes.

mod details;
mod transitions;

use time::OffsetDateTime;

use crate::{
    db::Db,
    hris::Provider,
    on_db,
    sync::lifecycle::{FailureKind, Stage, State, Trigger},
};

pub use details::{Change, Note, change_count, insert_changes, insert_notes, notes};
pub use transitions::{End, Tally, abandon_stale, discard, finish, heartbeat, mark_applied, start};

/// One run as stored, its lifecycle typed (see [`crate::sync::lifecycle`]).
#[derive(Debug, Clone)]
pub struct Run {
    pub id: i64,
    pub company_id: i64,
    pub provider: Provider,
    pub trigger: Trigger,
    /// The name of the person who started it (`None`: the schedule, the CLI, or a deleted person).
    pub started_by: Option<String>,
    pub state: State,
    pub stage: Stage,
    /// Why a failed or refused run did not apply.
    pub failure: Option<FailureKind>,
    pub pages: i64,
    pub created: i64,
    pub updated: i64,
    pub deactivated: i64,
    pub reactivated: i64,
    pub unchanged: i64,
    pub skipped: i64,
    pub message: Option<String>,
    pub approval: Option<String>,
    pub approved_from: Option<i64>,
    pub started_at: OffsetDateTime,
    pub heartbeat_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
    pub duration_ms: Option<i64>,
    /// When a paused run was applied, discarded or superseded…
    pub closed_at: Option<OffsetDateTime>,
    /// …by whom (a person's name)…
    pub closed_by: Option<String>,
    /// …and the run that applied or superseded it.
    pub closed_by_run: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: i64,
    company_id: i64,
    provider: String,
    trigger_kind: String,
    started_by: Option<String>,
    state: String,
    stage: String,
    failure_kind: Option<String>,
    pages: i64,
    created: i64,
    updated: i64,
    deactivated: i64,
    reactivated: i64,
    unchanged: i64,
    skipped: i64,
    message: Option<String>,
    approval: Option<String>,
    approved_from: Option<i64>,
    started_at: OffsetDateTime,
    heartbeat_at: OffsetDateTime,
    finished_at: Option<OffsetDateTime>,
    duration_ms: Option<i64>,
    closed_at: Option<OffsetDateTime>,
    closed_by: Option<String>,
    closed_by_run: Option<i64>,
}

fn decode<T, E: std::error::Error + Send + Sync + 'static>(r: Result<T, E>) -> sqlx::Result<T> {
    r.map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

impl TryFrom<Row> for Run {
    type Error = sqlx::Error;
    fn try_from(r: Row) -> sqlx::Result<Run> {
        Ok(Run {
            id: r.id,
            company_id: r.company_id,
            provider: Provider::parse(&r.provider).ok_or_else(|| {
                sqlx::Error::Decode(format!("unknown provider {:?}", r.provider).into())
            })?,
            trigger: decode(Trigger::try_from(r.trigger_kind))?,
            started_by: r.started_by,
            state: decode(State::try_from(r.state))?,
            stage: decode(Stage::try_from(r.stage))?,
            failure: decode(r.failure_kind.map(FailureKind::try_from).transpose())?,
            pages: r.pages,
            created: r.created,
            updated: r.updated,
            deactivated: r.deactivated,
            reactivated: r.reactivated,
            unchanged: r.unchanged,
            skipped: r.skipped,
            message: r.message,
            approval: r.approval,
            approved_from: r.approved_from,
            started_at: r.started_at,
            heartbeat_at: r.heartbeat_at,
            finished_at: r.finished_at,
            duration_ms: r.duration_ms,
            closed_at: r.closed_at,
            closed_by: r.closed_by,
            closed_by_run: r.closed_by_run,
        })
    }
}

fn runs(rows: Vec<Row>) -> sqlx::Result<Vec<Run>> {
    rows.into_iter().map(Run::try_from).collect()
}

const RUN: &str = "select r.id, r.company_id, r.provider, r.trigger_kind, \
    p.first_name || ' ' || p.last_name as started_by, r.state, r.stage, r.failure_kind, r.pages, \
    r.created, r.updated, r.deactivated, r.reactivated, r.unchanged, r.skipped, r.message, r.approval, \
    r.approved_from, r.started_at, r.heartbeat_at, r.finished_at, r.duration_ms, r.closed_at, \
    c.first_name || ' ' || c.last_name as closed_by, r.closed_by_run \
    from sync_runs r left join people p on p.id = r.started_by left join people c on c.id = r.closed_by";

/// The company's (`$1`) newest `limit` runs as a subquery, for a statement that reads them with
/// other things (the panel, [`crate::db::panel_state`]); [`run_in`] decodes them.
pub(crate) fn newest_runs_sql(limit: u32) -> String {
    format!("{RUN} where r.company_id = $1 order by r.id desc limit {limit}")
}

/// The run in a row of such a statement: `None` where its `left join` found none.
pub(crate) fn run_in<'r, R>(row: &'r R) -> sqlx::Result<Option<Run>>
where
    R: sqlx::Row,
    Row: sqlx::FromRow<'r, R>,
    &'static str: sqlx::ColumnIndex<R>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    match row.try_get::<Option<i64>, _>("id")? {
        Some(_) => <Row as sqlx::FromRow<R>>::from_row(row)
            .and_then(Run::try_from)
            .map(Some),
        None => Ok(None),
    }
}

pub async fn get(db: &Db, company_id: i64, run_id: i64) -> sqlx::Result<Option<Run>> {
    let sql = sqlx::AssertSqlSafe(format!("{RUN} where r.company_id = $1 and r.id = $2"));
    let row: Option<Row> =
        on_db!(db, p => sqlx::query_as(sql).bind(company_id).bind(run_id).fetch_optional(p).await)?;
    row.map(Run::try_from).transpose()
}

/// Newest first.
pub async fn list(db: &Db, company_id: i64, limit: i64, offset: i64) -> sqlx::Result<Vec<Run>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{RUN} where r.company_id = $1 order by r.id desc limit $2 offset $3"
    ));
    runs(
        on_db!(db, p => sqlx::query_as(sql).bind(company_id).bind(limit).bind(offset).fetch_all(p).await)?,
    )
}

pub async fn count(db: &Db, company_id: i64) -> sqlx::Result<i64> {
    on_db!(db, p => sqlx::query_scalar("select count(*) from sync_runs where company_id = $1")
        .bind(company_id).fetch_one(p).await)
}

/// The company's running sync, if any.
pub async fn running(db: &Db, company_id: i64) -> sqlx::Result<Option<Run>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{RUN} where r.company_id = $1 and r.state = 'running'"
    ));
    let row: Option<Row> =
        on_db!(db, p => sqlx::query_as(sql).bind(company_id).fetch_optional(p).await)?;
    row.map(Run::try_from).transpose()
}
