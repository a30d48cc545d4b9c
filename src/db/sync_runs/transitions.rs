//! Moving a run through its lifecycle: start it (taking the company's lock), keep it alive,
//! abandon it when its process died, end it with its [`Tally`], and close a paused run by
//! applying or discarding it.

use time::Duration;

use crate::{
    db::{Db, Tx},
    hris::Provider,
    on_db, on_tx,
    sync::lifecycle::{FailureKind, Outcome, Stage, Trigger},
};

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
