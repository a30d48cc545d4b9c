//! The background worker: runs queued syncs (apalis), queues each company's morning sync, and
//! does housekeeping (expired sessions, old login attempts).
//!
//! - **Jobs**: one apalis worker per process on the [`QUEUE`] queue. On SQLite it polls (there is
//!   no cross-process wake-up); on PostgreSQL it wakes on LISTEN/NOTIFY and looks for delayed
//!   retries on a slow interval. Every process has its own worker name, so when one dies its
//!   claimed jobs are re-queued by the others once its apalis heartbeat is
//!   `heartbeat × 2` old.
//! - **Attempts**: counted in `sync_job_attempts` before each start (orphan re-runs included),
//!   capped at [`MAX_ATTEMPTS`]. Transient failures are re-queued with exponential backoff;
//!   permanent ones are not.
//! - **Schedule**: every tick, each connected company that [`is_due`] gets one sync per local day,
//!   the database deciding which process queues it ([`Jobs::enqueue_scheduled`]).
//! - **Shutdown**: on stop, no new job is taken; a running sync gets [`WorkerSettings::grace`] to
//!   finish (apply is one transaction, so one cut short changes nothing and is re-run later).

mod housekeeping;
mod poller;
mod runner;
mod scheduler;
mod settings;

use tokio::sync::watch;

use crate::app::App;

pub use scheduler::{is_due, local_date, schedule_tick};
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
    let result = poller::run_jobs(app, settings, stop).await;
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
