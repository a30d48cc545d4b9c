//! The background worker: housekeeping today (expired sessions, old login attempts); the HRIS
//! sync jobs and the morning schedule run here too.

use std::time::Duration;

use tower_sessions::ExpiredDeletion;

use crate::{db::Db, session_store::DbSessionStore};

/// How often housekeeping runs.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);

/// Runs until `stop` turns true.
pub async fn run(db: Db, mut stop: tokio::sync::watch::Receiver<bool>) -> anyhow::Result<()> {
    let store = DbSessionStore::new(db.clone());
    let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => housekeeping(&db, &store).await,
            _ = stop.changed() => return Ok(()),
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
}
