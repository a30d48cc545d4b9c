//! Keeps a job poller running: when one generation fails (its database went away, or it stopped
//! polling), the next starts after a capped backoff, for as long as it takes, and takes jobs as
//! soon as the database answers. Only after [`WorkerSettings::give_up_after`] without a working
//! poller does the worker end with an error, so that `roster worker` exits non-zero and a
//! supervisor (systemd, compose, Kubernetes) restarts it.

use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::{app::App, db::Db};

use super::{
    WorkerSettings,
    poller::{self, Ended},
    runner::Runner,
    stopped, wake,
};

const FIRST_RETRY: Duration = Duration::from_millis(250);
const MAX_RETRY: Duration = Duration::from_secs(5);

/// A poller that has not looked at the queue for this long while it had free slots is stuck:
/// many ticks, and longer than two apalis heartbeats (each of which also makes it look).
pub(super) fn stall_after(settings: &WorkerSettings) -> Duration {
    let tick = settings.poll.max(settings.retry_poll);
    (tick * 5)
        .max(settings.heartbeat * 2)
        .max(Duration::from_secs(10))
}

pub(super) async fn supervise(
    app: App,
    settings: WorkerSettings,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let health = app.worker_health.clone();
    health.started(
        settings.concurrency,
        stall_after(&settings),
        settings.max_queue_wait,
    );
    let listener = match &app.db {
        Db::Postgres(pool) => Some(tokio::spawn(wake::listen(
            pool.clone(),
            app.jobs.wake().clone(),
            stop.clone(),
        ))),
        Db::Sqlite(_) => None,
    };
    let runner = Runner {
        jobs: app.jobs.clone(),
        ctx: app.sync.clone(),
        settings: settings.clone(),
        stop: stop.clone(),
    };
    let mut retry = FIRST_RETRY;
    let result = loop {
        let began = Instant::now();
        // Its own task: a panic inside the queue library (seen when the database went away
        // mid-run) ends this generation like a lost database, never the supervisor.
        let generation = {
            let (app, settings, runner, stop) =
                (app.clone(), settings.clone(), runner.clone(), stop.clone());
            tokio::spawn(async move { poller::run_generation(&app, &settings, runner, stop).await })
        };
        let reason = match generation.await {
            Ok(Ended::Stopped) => break Ok(()),
            Ok(Ended::Failed(reason)) => reason,
            Err(e) => format!("the job poller panicked: {e}"),
        };
        health.down(&reason);
        let since = health.down_since().unwrap_or(began);
        if since >= began {
            // This generation worked for a while: start over from a short wait.
            retry = FIRST_RETRY;
        }
        if since.elapsed() >= settings.give_up_after {
            break Err(anyhow::anyhow!(
                "the worker could not take jobs for {} s (last error: {reason}); exiting so that a supervisor restarts it",
                since.elapsed().as_secs()
            ));
        }
        tracing::warn!(error = %reason, retry_in_ms = retry.as_millis() as u64, "job poller down; starting it again");
        tokio::select! {
            _ = tokio::time::sleep(retry) => {}
            _ = stopped(stop.clone()) => break Ok(()),
        }
        retry = (retry * 2).min(MAX_RETRY);
    };
    health.stopped();
    if let Some(l) = listener {
        l.abort();
    }
    if let Err(e) = &result {
        tracing::error!(error = %format!("{e:#}"), "worker gave up");
    }
    result
}
