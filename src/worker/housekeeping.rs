//! Housekeeping: expired sessions, old login attempts and old queue bookkeeping are forgotten.

use std::time::Duration;

use tokio::sync::watch;
use tower_sessions::ExpiredDeletion;

use crate::{
    db::{self, Db},
    session_store::DbSessionStore,
};

use super::stopped;

/// How often housekeeping runs.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);
/// Finished queue jobs, attempt counts and claimed mornings are kept this long (the run history
/// in `sync_runs` is kept for good).
const KEEP_JOB_BOOKKEEPING_DAYS: i64 = 30;

pub(super) async fn housekeeping_loop(db: Db, stop: watch::Receiver<bool>) {
    let store = DbSessionStore::new(db.clone());
    let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
    let stopping = stopped(stop);
    tokio::pin!(stopping);
    loop {
        tokio::select! {
            _ = tick.tick() => housekeeping(&db, &store).await,
            _ = &mut stopping => return,
        }
    }
}

async fn housekeeping(db: &Db, store: &DbSessionStore) {
    if let Err(e) = store.delete_expired().await {
        tracing::warn!(error = %e, "could not delete expired sessions");
    }
    match crate::db::login_attempts::prune(db).await {
        Ok(n) if n > 0 => tracing::debug!(pruned = n, "old login attempts forgotten"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not prune login attempts"),
    }
    match db::jobs::prune(db, time::Duration::days(KEEP_JOB_BOOKKEEPING_DAYS)).await {
        Ok(n) if n > 0 => tracing::debug!(pruned = n, "old sync jobs forgotten"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not prune old sync jobs"),
    }
}
