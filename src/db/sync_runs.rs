//! Sync runs and their history: one row per run, its per-person changes and its notes.
//! The unique index `sync_runs_one_running` allows one running sync per company.

use time::{Duration, OffsetDateTime};

use crate::{
    db::{Db, Tx},
    on_db, on_tx,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Run {
    pub id: i64,
    pub company_id: i64,
    pub provider: String,
    pub trigger_kind: String,
    pub started_by: Option<String>,
    pub state: String,
    pub outcome: Option<String>,
    pub stage: String,
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
}

const RUN: &str = "select r.id, r.company_id, r.provider, r.trigger_kind, \
    p.first_name || ' ' || p.last_name as started_by, r.state, r.outcome, r.stage, r.pages, r.created, \
    r.updated, r.deactivated, r.reactivated, r.unchanged, r.skipped, r.message, r.approval, \
    r.approved_from, r.started_at, r.heartbeat_at, r.finished_at, r.duration_ms \
    from sync_runs r left join people p on p.id = r.started_by";

/// Starts a run, or returns `Ok(None)` when another run of the company holds the lock.
pub async fn start(
    db: &Db,
    company_id: i64,
    provider: &str,
    trigger: &str,
    started_by: Option<i64>,
    approved_from: Option<i64>,
) -> sqlx::Result<Option<i64>> {
    let now = crate::db::now();
    let res: sqlx::Result<i64> = on_db!(db, p => sqlx::query_scalar(
        "insert into sync_runs (company_id, provider, trigger_kind, started_by, state, approved_from, started_at, heartbeat_at) \
         values ($1, $2, $3, $4, 'running', $5, $6, $6) returning id")
        .bind(company_id).bind(provider).bind(trigger).bind(started_by).bind(approved_from).bind(now)
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
        "update sync_runs set state = 'finished', outcome = 'failed', finished_at = $3, \
         message = 'The sync stopped before it finished (its process was stopped or crashed). Nothing from it was applied.' \
         where company_id = $1 and state = 'running' and heartbeat_at < $2")
        .bind(company_id).bind(now - stale_after).bind(now).execute(p).await.map(|r| r.rows_affected()))
}

/// Records liveness and the current stage ("fetching", "planning", "applying").
pub async fn heartbeat(db: &Db, run_id: i64, stage: &str) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query("update sync_runs set heartbeat_at = $2, stage = $3 where id = $1 and state = 'running'")
        .bind(run_id).bind(crate::db::now()).bind(stage).execute(p).await.map(|r| r.rows_affected()))?;
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

/// Ends a run (in the caller's transaction, so a successful run ends with its changes).
pub async fn finish(
    tx: &mut Tx,
    run_id: i64,
    outcome: &str,
    tally: &Tally,
    message: Option<&str>,
    approval: Option<&str>,
    duration_ms: i64,
) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "update sync_runs set state = 'finished', outcome = $2, stage = 'done', pages = $3, created = $4, updated = $5, \
         deactivated = $6, reactivated = $7, unchanged = $8, skipped = $9, message = $10, approval = $11, \
         finished_at = $12, duration_ms = $13 where id = $1")
        .bind(run_id).bind(outcome).bind(tally.pages).bind(tally.created).bind(tally.updated)
        .bind(tally.deactivated).bind(tally.reactivated).bind(tally.unchanged).bind(tally.skipped)
        .bind(message).bind(approval).bind(crate::db::now()).bind(duration_ms)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A paused run's "Discard": it stays in the history, marked discarded.
pub async fn discard(db: &Db, company_id: i64, run_id: i64) -> sqlx::Result<bool> {
    let n = on_db!(db, p => sqlx::query(
        "update sync_runs set outcome = 'discarded' where id = $1 and company_id = $2 and outcome = 'paused'")
        .bind(run_id).bind(company_id).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn get(db: &Db, company_id: i64, run_id: i64) -> sqlx::Result<Option<Run>> {
    let sql = sqlx::AssertSqlSafe(format!("{RUN} where r.company_id = $1 and r.id = $2"));
    on_db!(db, p => sqlx::query_as(sql).bind(company_id).bind(run_id).fetch_optional(p).await)
}

/// Newest first.
pub async fn list(db: &Db, company_id: i64, limit: i64, offset: i64) -> sqlx::Result<Vec<Run>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{RUN} where r.company_id = $1 order by r.id desc limit $2 offset $3"
    ));
    on_db!(db, p => sqlx::query_as(sql).bind(company_id).bind(limit).bind(offset).fetch_all(p).await)
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
    on_db!(db, p => sqlx::query_as(sql).bind(company_id).fetch_optional(p).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Change {
    pub person_id: Option<i64>,
    pub person_name: String,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub async fn insert_change(tx: &mut Tx, run_id: i64, c: &Change) -> sqlx::Result<()> {
    on_tx!(tx, conn => sqlx::query(
        "insert into sync_changes (run_id, person_id, person_name, field, before, after) values ($1, $2, $3, $4, $5, $6)")
        .bind(run_id).bind(c.person_id).bind(&c.person_name).bind(&c.field).bind(&c.before).bind(&c.after)
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
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
            sqlx::query(
                "insert into sync_changes (run_id, person_id, person_name, field, before, after) \
                 select $1, u.* from unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) as u",
            )
            .bind(run_id)
            .bind(&person)
            .bind(&name)
            .bind(&field)
            .bind(&before)
            .bind(&after)
            .execute(&mut **t)
            .await?;
        }
        return Ok(());
    }
    for chunk in rows.chunks(1_000) {
        on_tx!(tx, conn => {
            let mut q = sqlx::QueryBuilder::new(
                "insert into sync_changes (run_id, person_id, person_name, field, before, after) ");
            q.push_values(chunk, |mut b, c| {
                b.push_bind(run_id).push_bind(c.person_id).push_bind(&c.person_name)
                    .push_bind(&c.field).push_bind(&c.before).push_bind(&c.after);
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

pub async fn insert_note(tx: &mut Tx, run_id: i64, n: &Note) -> sqlx::Result<()> {
    on_tx!(tx, conn => sqlx::query(
        "insert into sync_notes (run_id, kind, person_id, name, message) values ($1, $2, $3, $4, $5)")
        .bind(run_id).bind(&n.kind).bind(n.person_id).bind(&n.name).bind(&n.message)
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
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
