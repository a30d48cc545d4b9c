//! `/readyz`: whether this process can do its work now, with a short reason when it cannot.
//!
//! In order: the database answers (else `database unreachable`); it takes a write (else
//! `database not writable: the database disk is full`, `…: the database is read-only`); and, in
//! a process that runs a worker, its job poller polls (else `worker not polling …`) and the
//! oldest due sync has not waited longer than the worker's `max_queue_wait` (else `oldest due
//! sync waiting N s`). `/healthz` only says the process answers.

use std::time::Duration;

use crate::{
    db::{
        Db,
        fault::{Fault, disk_full, fault},
        jobs::oldest_due_wait_secs,
        readiness::probe_write,
    },
    worker::WorkerHealth,
};

/// How long each database check may take before it counts as unreachable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// `Ok` when ready, else the reason.
pub async fn check(db: &Db, worker: &WorkerHealth) -> Result<(), String> {
    match tokio::time::timeout(CHECK_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(format!("database unreachable: {}", short(&e))),
        Err(_) => return Err("database unreachable: no answer within 3 s".into()),
    }
    match tokio::time::timeout(CHECK_TIMEOUT, probe_write(db)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(format!("database not writable: {}", short(&e))),
        // SQLite: another transaction holds the write lock (a sync applying), so writes work.
        Err(_) => {}
    }
    if disk_full(db) {
        return Err(format!("database not writable: {}", Fault::DiskFull));
    }
    if !worker.running() {
        return Ok(());
    }
    if let Some(problem) = worker.problem() {
        return Err(problem);
    }
    let limit = worker.max_queue_wait();
    match tokio::time::timeout(CHECK_TIMEOUT, oldest_due_wait_secs(db)).await {
        Ok(Ok(Some(waited))) if waited > limit.as_secs() as i64 => Err(format!(
            "oldest due sync waiting {waited} s (limit {} s)",
            limit.as_secs()
        )),
        Ok(Err(e)) => Err(format!("database unreachable: {}", short(&e))),
        _ => Ok(()),
    }
}

/// The fault in words when the error is one, else the error's first line.
fn short(err: &sqlx::Error) -> String {
    match fault(err) {
        Some(f) => f.to_string(),
        None => err
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}
