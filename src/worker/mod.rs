//! The background worker: runs queued syncs (apalis), queues each company's morning sync, and
//! does housekeeping (expired sessions, old login attempts).
//!
//! - **Jobs**: one apalis worker per process on the `sync` queue. It looks at the queue on a tick
//!   and at once when this process queues a job; on PostgreSQL also on LISTEN/NOTIFY, for jobs
//!   other processes queue. Every process (and every restart of its poller) has its own worker
//!   name, so when one dies its claimed jobs are re-queued by the others once its apalis
//!   heartbeat is `heartbeat × 2` old.
//! - **Self-healing**: a poller whose database fails is started again with a capped backoff until
//!   the database answers; one that stops polling is detected by its own heartbeat and rebuilt.
//!   The worker gives up (the process exits non-zero) only after
//!   [`WorkerSettings::give_up_after`]. [`WorkerHealth`] tells `/readyz` how it is doing.
//! - **Attempts**: counted in `sync_job_attempts` before each start (orphan re-runs included),
//!   capped at [`crate::jobs::MAX_ATTEMPTS`]. Transient failures are re-queued with exponential backoff;
//!   permanent ones are not. A job that ran and needs no retry is marked done there, so a second
//!   delivery of it (apalis re-queues the job of a worker whose heartbeat came late, even while
//!   that worker runs it) is dropped instead of syncing twice.
//! - **Schedule**: every tick, each connected company whose morning is due ([`crate::sync::morning`]) gets one sync per local day,
//!   the database deciding which process queues it ([`crate::jobs::Jobs::enqueue_scheduled`]).
//! - **Shutdown**: on stop, no new sync starts (a job taken meanwhile goes back to the queue); a
//!   running sync gets [`WorkerSettings::grace`] to finish (apply is one transaction, so one cut
//!   short changes nothing and is re-run later).

mod health;
mod housekeeping;
mod poller;
mod runner;
mod scheduler;
mod settings;
mod supervisor;
mod wake;

use tokio::sync::watch;

use crate::app::App;

pub use health::WorkerHealth;
pub use scheduler::schedule_tick;
pub use settings::WorkerSettings;

/// Runs the worker (jobs, schedule, housekeeping) until `stop` turns true, then lets running
/// syncs finish within `settings.grace`.
pub async fn run(
    app: App,
    settings: WorkerSettings,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let db = app.db.clone();
    let housekeeping = tokio::spawn(housekeeping::housekeeping_loop(db.clone(), stop.clone()));
    let scheduler = settings.schedule.then(|| {
        tokio::spawn(scheduler::schedule_loop(
            db.clone(),
            settings.schedule_every,
            stop.clone(),
        ))
    });
    let result = supervisor::supervise(app, settings, stop).await;
    housekeeping.abort();
    if let Some(s) = scheduler {
        s.abort();
    }
    result
}

async fn stopped(mut stop: watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        if stop.changed().await.is_err() {
            // The sender is gone: nobody can ask us to stop any more; keep running.
            std::future::pending::<()>().await;
        }
    }
}
