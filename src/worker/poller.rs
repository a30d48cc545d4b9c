//! One generation of the apalis worker that takes jobs from the queue, driven here rather than
//! by `Worker::run`, so that a failure of its database (apalis then marks the poller `Dead` and
//! ends its stream) or a poller that stopped polling ends the generation cleanly: running syncs
//! get the grace time to finish, and [`super::supervisor`] starts the next generation.

use std::{
    pin::pin,
    sync::{Arc, Mutex},
    time::Duration,
};

use apalis::prelude::{
    BackendExt, Event, EventListenerExt, WorkerBuilder, WorkerBuilderExt, WorkerContext,
};
use futures::{Stream, StreamExt};
use tokio::sync::watch;

use crate::{
    app::App,
    db::Db,
    jobs::{QUEUE, SyncJob},
};

use super::{
    WorkerSettings,
    health::WorkerHealth,
    runner::{Runner, handle},
    stopped,
    wake::Ticks,
};

/// How a generation ended.
pub(super) enum Ended {
    /// Asked to stop (shutdown).
    Stopped,
    /// Its database failed or it stopped polling; the reason, for the log and `/readyz`.
    Failed(String),
}

/// A name no other process (nor an earlier generation of this one) uses: apalis re-queues the
/// jobs of a worker whose name stops beating.
fn worker_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "roster".into());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

/// Runs one generation until it is stopped or fails.
pub(super) async fn run_generation(
    app: &App,
    settings: &WorkerSettings,
    runner: Runner,
    stop: watch::Receiver<bool>,
) -> Ended {
    let name = worker_name();
    let health = app.worker_health.clone();
    let context: Arc<Mutex<Option<WorkerContext>>> = Arc::default();
    let on_event = {
        let (context, health) = (context.clone(), health.clone());
        move |ctx: &WorkerContext, event: &Event| match event {
            Event::Start => *context.lock().unwrap_or_else(|e| e.into_inner()) = Some(ctx.clone()),
            // apalis emits a heartbeat once it registered or beat in the database.
            Event::HeartBeat => health.up(),
            _ => {}
        }
    };
    tracing::info!(worker = %name, queue = QUEUE, backend = app.db.backend(), "job poller started");
    let wake = app.jobs.wake();
    match &app.db {
        Db::Sqlite(pool) => {
            let config = apalis_sqlite::Config::default()
                .queue(QUEUE)
                .batch_size(settings.concurrency)
                .heartbeat_interval(settings.heartbeat);
            let storage = apalis_sqlite::SqliteStorage::<SyncJob>::new(pool).with_config(config);
            let worker = WorkerBuilder::new(name.as_str())
                .backend(storage.poll_with_strategy(Ticks::new(
                    settings.poll,
                    wake,
                    health.clone(),
                )))
                .data(runner)
                .concurrency(settings.concurrency)
                .on_event(on_event)
                .build(handle);
            drive(worker.stream(), &context, settings, stop, &health).await
        }
        Db::Postgres(pool) => {
            let config = apalis_postgres::Config::default()
                .queue(QUEUE)
                .batch_size(settings.concurrency)
                .heartbeat_interval(settings.heartbeat);
            let storage =
                apalis_postgres::PostgresStorage::<SyncJob>::new(pool).with_config(config);
            // New jobs wake us through LISTEN/NOTIFY (super::wake::listen); apalis' trigger does
            // not notify for jobs due later (our retries), so a slower tick picks those up.
            let worker = WorkerBuilder::new(name.as_str())
                .backend(storage.poll_with_strategy(Ticks::new(
                    settings.retry_poll,
                    wake,
                    health.clone(),
                )))
                .data(runner)
                .concurrency(settings.concurrency)
                .on_event(on_event)
                .build(handle);
            drive(worker.stream(), &context, settings, stop, &health).await
        }
    }
}

/// Drives the worker's event stream. On a backend error or on a stalled poller, the worker is
/// told to stop taking jobs; running syncs get `settings.grace` to finish, then the generation is
/// dropped (an abandoned sync changes nothing and runs again).
///
/// On stop (shutdown) apalis is told to stop only once no sync runs; until then it keeps polling
/// and the runner hands back what it takes. Why: told to stop while tasks run, apalis stops
/// polling its backend at once, and a fetch in flight at that moment stays half done until the
/// last task ends. On SQLite that fetch is a write transaction, so it held the database's write
/// lock through the drain: the running sync's own writes (and every other process's) waited the
/// busy timeout and failed with "database is locked".
async fn drive<S, E>(
    stream: S,
    context: &Mutex<Option<WorkerContext>>,
    settings: &WorkerSettings,
    stop: watch::Receiver<bool>,
    health: &WorkerHealth,
) -> Ended
where
    S: Stream<Item = Result<Event, E>>,
    E: std::fmt::Display,
{
    let mut stream = pin!(stream);
    let mut stop_signal = pin!(stopped(stop));
    let mut watchdog = tokio::time::interval(Duration::from_millis(500));
    let wind_down = || {
        if let Some(ctx) = context.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let _ = ctx.stop();
        }
    };
    let mut stopping = false;
    let mut wound_down = false;
    let mut failure: Option<String> = None;
    let deadline = tokio::time::sleep(Duration::MAX / 4);
    let mut deadline = pin!(deadline);
    let mut armed = false;
    loop {
        tokio::select! {
            event = stream.next() => match event {
                None if stopping => return Ended::Stopped,
                None => return Ended::Failed(failure.unwrap_or_else(|| "the job poller ended".into())),
                Some(Err(e)) => {
                    let reason = format!("{e}");
                    tracing::warn!(error = %reason, "job poller lost its database; running syncs may finish, then it restarts");
                    health.down(&reason);
                    failure.get_or_insert(reason);
                    wind_down();
                }
                Some(Ok(_)) => {}
            },
            _ = &mut stop_signal, if !stopping => {
                tracing::info!("worker stopping: no new syncs are taken; running ones may finish");
                stopping = true;
            }
            _ = &mut deadline, if armed => {
                tracing::warn!(grace_secs = settings.grace.as_secs(), "a sync did not finish in time; it is abandoned and will run again");
                return match (stopping, failure) {
                    (true, _) => Ended::Stopped,
                    (false, reason) => Ended::Failed(reason.unwrap_or_default()),
                };
            }
            _ = watchdog.tick() => {
                if let Some(ctx) = context.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                    health.set_busy(ctx.task_count());
                }
                if !stopping && failure.is_none() && let Some(silent) = health.stalled() {
                    let reason = format!("the job poller stopped polling ({} s without a look at the queue)", silent.as_secs());
                    tracing::warn!("{reason}; restarting it");
                    health.down(&reason);
                    failure = Some(reason);
                    wind_down();
                }
            }
        }
        if stopping && !wound_down && idle(context) {
            wound_down = true;
            wind_down();
        }
        if (stopping || failure.is_some()) && !armed {
            armed = true;
            deadline
                .as_mut()
                .reset(tokio::time::Instant::now() + settings.grace);
        }
    }
}

/// Whether no job runs in this generation (or it has not started one).
fn idle(context: &Mutex<Option<WorkerContext>>) -> bool {
    context
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .is_none_or(|ctx| ctx.task_count() == 0)
}
