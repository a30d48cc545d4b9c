//! The apalis worker that takes jobs from the queue: polling on SQLite, LISTEN/NOTIFY plus a
//! slow interval on PostgreSQL, and a grace time for a running sync on shutdown.

use apalis::prelude::{BackendExt, Strategy, WorkerBuilder, WorkerBuilderExt};
use tokio::sync::watch;

use crate::{
    app::App,
    db::Db,
    jobs::{QUEUE, SyncJob},
};

use super::{
    WorkerSettings,
    runner::{Runner, handle},
    stopped,
};

/// A name no other process uses: apalis re-queues the jobs of a worker whose name stops beating.
fn worker_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "roster".into());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

pub(super) async fn run_jobs(
    app: App,
    settings: WorkerSettings,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let name = worker_name();
    let grace = settings.grace;
    let runner = Runner {
        jobs: app.jobs.clone(),
        ctx: app.sync.clone(),
        settings: settings.clone(),
    };
    let signal = {
        let stop = stop.clone();
        async move {
            stopped(stop).await;
            tracing::info!("worker stopping: no new syncs are taken; running ones may finish");
            Ok::<(), std::io::Error>(())
        }
    };
    tracing::info!(worker = %name, queue = QUEUE, backend = app.db.backend(), "worker started");
    let work = async {
        match &app.db {
            Db::Sqlite(pool) => {
                let config = apalis_sqlite::Config::default()
                    .queue(QUEUE)
                    .batch_size(settings.concurrency)
                    .heartbeat_interval(settings.heartbeat);
                let storage =
                    apalis_sqlite::SqliteStorage::<SyncJob>::new(pool).with_config(config);
                WorkerBuilder::new(name.as_str())
                    .backend(storage.poll_with_interval(settings.poll))
                    .data(runner)
                    .concurrency(settings.concurrency)
                    .build(handle)
                    .run_until(signal)
                    .await
            }
            Db::Postgres(pool) => {
                let config = apalis_postgres::Config::default()
                    .queue(QUEUE)
                    .batch_size(settings.concurrency)
                    .heartbeat_interval(settings.heartbeat);
                let storage =
                    apalis_postgres::PostgresStorage::<SyncJob>::new(pool).with_config(config);
                // NOTIFY wakes us for new jobs; apalis' trigger does not notify for jobs whose
                // run_at is in the future (our retries), so a slow interval picks those up.
                let strategy = Strategy::new()
                    .stream(apalis_postgres::Pubsub::new(
                        pool.clone(),
                        QUEUE.to_string(),
                    ))
                    .interval(settings.retry_poll);
                WorkerBuilder::new(name.as_str())
                    .backend(storage.poll_with_strategy(strategy))
                    .data(runner)
                    .concurrency(settings.concurrency)
                    .build(handle)
                    .run_until(signal)
                    .await
            }
        }
    };
    tokio::pin!(work);
    let deadline = async {
        stopped(stop).await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        res = &mut work => res.map_err(|e| anyhow::anyhow!("the worker stopped: {e}")),
        _ = deadline => {
            tracing::warn!(grace_secs = grace.as_secs(), "a sync did not finish in time; it is abandoned and will run again");
            Ok(())
        }
    }
}
