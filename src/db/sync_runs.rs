//! Sync runs and their history: one row per run, its per-person changes and its notes.
//! The unique index `sync_runs_one_running` allows one running sync per company.

use time::{Duration, OffsetDateTime};

use crate::{
    db::{Db, Tx},
    hris::Provider,
    on_db, on_tx,
    sync::lifecycle::{FailureKind, Outcome, Stage, State, Trigger},
};

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
struct Row {
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

/// Starts a run, or returns `Ok(None)` when another run of the company holds the lock.
pub async fn start(
    db: &Db,
    company_id: i64,
    provider: Provider,
    trigger: Trigger,
    started_by: Option<i64>,
    approved_from: Option<i64>,
) -> sqlx::Result<Option<i64>> {
    let now = crate::db::now();
    let res: sqlx::Result<i64> = on_db!(db, p => sqlx::query_scalar(
        "insert into sync_runs (company_id, provider, trigger_kind, started_by, state, stage, approved_from, started_at, heartbeat_at) \
         values ($1, $2, $3, $4, 'running', 'starting', $5, $6, $6) returning id")
        .bind(company_id).bind(provider.as_str()).bind(trigger.as_str()).bind(started_by).bind(approved_from).bind(now)
        .fetch_one(p).await);
    match res {
        Ok(id) => Ok(Some(id)),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Marks a running run whose heartbeat stopped (its process died) as failed, freeing the lock.
/// Nothing it did was committed: apply and finish are one transaction.
pub async fn abandon_stale(db: &Db, company_id: i64, stale_after: Duration) -> sqlx::Result<u64> {
    let now = crate::db::now();
    on_db!(db, p => sqlx::query(
        "update sync_runs set state = 'failed', failure_kind = $4, finished_at = $3, \
         message = 'The sync stopped before it finished (its process was stopped or crashed). Nothing from it was applied.' \
         where company_id = $1 and state = 'running' and heartbeat_at < $2")
        .bind(company_id).bind(now - stale_after).bind(now).bind(FailureKind::Internal.as_str())
        .execute(p).await.map(|r| r.rows_affected()))
}

/// Records liveness and the current stage.
pub async fn heartbeat(db: &Db, run_id: i64, stage: Stage) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query("update sync_runs set heartbeat_at = $2, stage = $3 where id = $1 and state = 'running'")
        .bind(run_id).bind(crate::db::now()).bind(stage.as_str()).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub pages: i64,
    pub created: i64,
    pub updated: i64,
    pub deactivated: i64,
    pub reactivated: i64,
    pub unchanged: i64,
    pub skipped: i64,
}

/// How a running run ends; a failure always has its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Succeeded,
    Paused,
    Failed(FailureKind),
    Refused(FailureKind),
}

impl End {
    pub fn outcome(self) -> Outcome {
        match self {
            End::Succeeded => Outcome::Succeeded,
            End::Paused => Outcome::Paused,
            End::Failed(_) => Outcome::Failed,
            End::Refused(_) => Outcome::Refused,
        }
    }

    pub fn failure(self) -> Option<FailureKind> {
        match self {
            End::Failed(k) | End::Refused(k) => Some(k),
            End::Succeeded | End::Paused => None,
        }
    }
}

/// Ends a running run (in the caller's transaction, so a successful run ends with its changes).
/// A run that succeeded or paused brings a newer plan: it supersedes the company's older paused
/// runs. False when the run was no longer running (abandoned as stale meanwhile).
pub async fn finish(
    tx: &mut Tx,
    run_id: i64,
    end: End,
    tally: &Tally,
    message: Option<&str>,
    approval: Option<&str>,
    duration_ms: i64,
) -> sqlx::Result<bool> {
    let now = crate::db::now();
    let state = end.outcome().state();
    let n = on_tx!(tx, c => sqlx::query(
        "update sync_runs set state = $2, failure_kind = $3, stage = 'done', pages = $4, created = $5, updated = $6, \
         deactivated = $7, reactivated = $8, unchanged = $9, skipped = $10, message = $11, approval = $12, \
         finished_at = $13, duration_ms = $14 where id = $1 and state = 'running'")
        .bind(run_id).bind(state.as_str()).bind(end.failure().map(FailureKind::as_str))
        .bind(tally.pages).bind(tally.created).bind(tally.updated)
        .bind(tally.deactivated).bind(tally.reactivated).bind(tally.unchanged).bind(tally.skipped)
        .bind(message).bind(approval).bind(now).bind(duration_ms)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 1 && matches!(end, End::Succeeded | End::Paused) {
        on_tx!(tx, c => sqlx::query(
            "update sync_runs set state = 'superseded', closed_at = $2, closed_by_run = $1 \
             where state = 'paused' and id < $1 \
             and company_id = (select company_id from sync_runs where id = $1)")
            .bind(run_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(n == 1)
}

/// A paused run's "Apply anyway", in the applying run's transaction: the paused run becomes
/// applied by `run_id`. False when it is no longer paused (applied, discarded or superseded
/// meanwhile): the caller must not apply.
pub async fn mark_applied(
    tx: &mut Tx,
    paused: i64,
    run_id: i64,
    by: Option<i64>,
) -> sqlx::Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "update sync_runs set state = 'applied', closed_at = $3, closed_by = $4, closed_by_run = $2 \
         where id = $1 and state = 'paused'")
        .bind(paused).bind(run_id).bind(crate::db::now()).bind(by)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A paused run's "Discard": it stays in the history, marked discarded. False when it is not
/// paused (already applied, discarded or superseded).
pub async fn discard(db: &Db, company_id: i64, run_id: i64, by: Option<i64>) -> sqlx::Result<bool> {
    let n = on_db!(db, p => sqlx::query(
        "update sync_runs set state = 'discarded', closed_at = $3, closed_by = $4 \
         where id = $1 and company_id = $2 and state = 'paused'")
        .bind(run_id).bind(company_id).bind(crate::db::now()).bind(by)
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
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

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Change {
    pub person_id: Option<i64>,
    pub person_name: String,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Why the sync made the change ("status Inactive in Personio"), where reconcile said.
    pub reason: Option<String>,
}

/// Inserts history rows in order: on PostgreSQL one `unnest` of arrays per 10,000 rows (a
/// statement with thousands of placeholders costs more to parse and plan than to run), on SQLite
/// one multi-row statement per 1,000.
pub async fn insert_changes(tx: &mut Tx, run_id: i64, rows: &[Change]) -> sqlx::Result<()> {
    if let Tx::Postgres(t) = tx {
        for chunk in rows.chunks(10_000) {
            let person: Vec<Option<i64>> = chunk.iter().map(|c| c.person_id).collect();
            let name: Vec<&str> = chunk.iter().map(|c| c.person_name.as_str()).collect();
            let field: Vec<&str> = chunk.iter().map(|c| c.field.as_str()).collect();
            let before: Vec<Option<&str>> = chunk.iter().map(|c| c.before.as_deref()).collect();
            let after: Vec<Option<&str>> = chunk.iter().map(|c| c.after.as_deref()).collect();
            let reason: Vec<Option<&str>> = chunk.iter().map(|c| c.reason.as_deref()).collect();
            sqlx::query(
                "insert into sync_changes (run_id, person_id, person_name, field, before, after, reason) \
                 select $1, u.* from unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) as u",
            )
            .bind(run_id)
            .bind(&person)
            .bind(&name)
            .bind(&field)
            .bind(&before)
            .bind(&after)
            .bind(&reason)
            .execute(&mut **t)
            .await?;
        }
        return Ok(());
    }
    for chunk in rows.chunks(1_000) {
        on_tx!(tx, conn => {
            let mut q = sqlx::QueryBuilder::new(
                "insert into sync_changes (run_id, person_id, person_name, field, before, after, reason) ");
            q.push_values(chunk, |mut b, c| {
                b.push_bind(run_id).push_bind(c.person_id).push_bind(&c.person_name)
                    .push_bind(&c.field).push_bind(&c.before).push_bind(&c.after).push_bind(&c.reason);
            });
            q.build().execute(conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn change_count(db: &Db, run_id: i64) -> sqlx::Result<i64> {
    on_db!(db, p => sqlx::query_scalar("select count(*) from sync_changes where run_id = $1")
        .bind(run_id).fetch_one(p).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Note {
    pub kind: String,
    pub person_id: Option<i64>,
    pub name: String,
    pub message: String,
}

/// Inserts notes in order, one multi-row statement per 1,000.
pub async fn insert_notes(tx: &mut Tx, run_id: i64, notes: &[Note]) -> sqlx::Result<()> {
    for chunk in notes.chunks(1_000) {
        on_tx!(tx, conn => {
            let mut q = sqlx::QueryBuilder::new(
                "insert into sync_notes (run_id, kind, person_id, name, message) ");
            q.push_values(chunk, |mut b, n| {
                b.push_bind(run_id).push_bind(&n.kind).push_bind(n.person_id)
                    .push_bind(&n.name).push_bind(&n.message);
            });
            q.build().execute(conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn notes(db: &Db, run_id: i64) -> sqlx::Result<Vec<Note>> {
    on_db!(db, p => sqlx::query_as("select kind, person_id, name, message from sync_notes where run_id = $1 order by id")
        .bind(run_id).fetch_all(p).await)
}
