//! The per-company run lock and its liveness.
//!
//! The lock is a `running` row in `sync_runs` (a unique index allows one per company); a
//! heartbeat keeps it alive, so a run whose process died frees the lock after
//! [`stale_after`], and the history says it was abandoned.

use tokio::sync::watch;

use crate::{
    db::{Db, sync_runs},
    hris::Provider,
    sync::lifecycle::Stage,
};

use super::{Request, StartError};

/// A heartbeat older than this means the run's process is gone (the default of [`stale_after`]).
pub const STALE_AFTER: time::Duration = time::Duration::seconds(60);

const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// [`STALE_AFTER`], or `ROSTER_STALE_AFTER_SECS` (at least 2) when set: tests and operators
/// shorten how long a dead worker's run holds the company's lock. Read once per process.
pub fn stale_after() -> time::Duration {
    static STALE: std::sync::OnceLock<time::Duration> = std::sync::OnceLock::new();
    *STALE.get_or_init(|| {
        std::env::var("ROSTER_STALE_AFTER_SECS")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .map(|s| time::Duration::seconds(s.max(2)))
            .unwrap_or(STALE_AFTER)
    })
}

/// Beats at least three times per [`stale_after`], and never less often than every 5 s.
fn heartbeat_every() -> std::time::Duration {
    let third = std::time::Duration::from_millis((stale_after().whole_milliseconds() / 3) as u64);
    HEARTBEAT_EVERY.min(third)
}

/// Frees the company's stale lock, if any, and takes it for a new run of `provider`: the new
/// run's id, or [`StartError::AlreadyRunning`] while another run holds it.
pub(super) async fn take(db: &Db, req: &Request, provider: Provider) -> Result<i64, StartError> {
    sync_runs::abandon_stale(db, req.company_id, stale_after()).await?;
    sync_runs::start(
        db,
        req.company_id,
        provider,
        req.trigger,
        req.started_by,
        req.approve,
    )
    .await?
    .ok_or(StartError::AlreadyRunning)
}

/// Records the run's `stage` every [`heartbeat_every`] and whenever it changes, until the
/// stage's sender is dropped (or the task is aborted).
pub(super) async fn heartbeat(db: Db, run_id: i64, mut stage: watch::Receiver<Stage>) {
    loop {
        let current = *stage.borrow_and_update();
        if let Err(e) = sync_runs::heartbeat(&db, run_id, current).await {
            tracing::warn!(run_id, error = %e, "could not record the sync's heartbeat");
        }
        tokio::select! {
            _ = tokio::time::sleep(heartbeat_every()) => {}
            changed = stage.changed() => if changed.is_err() { return },
        }
    }
}
