//! When the job poller looks at the queue: on a steady tick, and at once when a job is queued
//! in this process ([`Wake`]) or, on PostgreSQL, by any process (LISTEN/NOTIFY).
//!
//! This replaces apalis' interval strategy, which re-arms its delay without polling it: when a
//! fetch finished in the same poll, no timer was armed any more and an idle SQLite poller slept
//! until the next apalis heartbeat (up to 30 s). Here every call re-registers every source.

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use apalis::prelude::{PollSnapshot, PollStrategy};
use sqlx::postgres::PgListener;
use tokio::{
    sync::{Notify, futures::OwnedNotified, watch},
    time::{Interval, MissedTickBehavior},
};

use crate::jobs::{QUEUE, Wake};

use super::{health::WorkerHealth, stopped};

/// apalis' trigger on `apalis.jobs` notifies this channel for every job that is due at insert.
const CHANNEL: &str = "apalis::job::insert";

pub(super) struct Ticks {
    every: Duration,
    tick: Interval,
    notify: Arc<Notify>,
    notified: Pin<Box<OwnedNotified>>,
    health: Arc<WorkerHealth>,
}

impl Ticks {
    pub(super) fn new(every: Duration, wake: &Wake, health: Arc<WorkerHealth>) -> Ticks {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let notify = wake.notify_handle();
        Ticks {
            every,
            tick,
            notified: Box::pin(notify.clone().notified_owned()),
            notify,
            health,
        }
    }
}

impl Clone for Ticks {
    fn clone(&self) -> Self {
        Ticks::new(
            self.every,
            &Wake::from_handle(self.notify.clone()),
            self.health.clone(),
        )
    }
}

impl PollStrategy for Ticks {
    fn poll_drive(&mut self, cx: &mut Context<'_>, _: &PollSnapshot) -> Poll<Option<()>> {
        self.health.polled();
        let mut fired = false;
        // Poll each source until it is pending, so each has this task's waker for next time.
        while self.tick.poll_tick(cx).is_ready() {
            fired = true;
        }
        while self.notified.as_mut().poll(cx).is_ready() {
            self.notified = Box::pin(self.notify.clone().notified_owned());
            fired = true;
        }
        if fired {
            Poll::Ready(Some(()))
        } else {
            Poll::Pending
        }
    }
}

/// PostgreSQL: wakes the poller for each job another process queues. Runs until `stop`; when
/// the connection is lost it reconnects with a capped backoff, and wakes the poller once after
/// each (re)connection for what was queued while nobody listened.
pub(super) async fn listen(pool: sqlx::PgPool, wake: Wake, stop: watch::Receiver<bool>) {
    let stopping = stopped(stop);
    tokio::pin!(stopping);
    let mut backoff = Duration::from_millis(250);
    loop {
        tokio::select! {
            e = listen_once(&pool, &wake) => {
                tracing::debug!(error = %e, "queue listener lost its connection; polling until it is back");
            }
            _ = &mut stopping => return,
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = &mut stopping => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// Listens until the connection fails for good (the listener reconnects by itself after a
/// dropped connection; an error means reconnecting failed).
async fn listen_once(pool: &sqlx::PgPool, wake: &Wake) -> sqlx::Error {
    let mut listener = match PgListener::connect_with(pool).await {
        Ok(l) => l,
        Err(e) => return e,
    };
    if let Err(e) = listener.listen(CHANNEL).await {
        return e;
    }
    wake.notify();
    loop {
        match listener.try_recv().await {
            Ok(Some(n)) if is_ours(n.payload()) => wake.notify(),
            Ok(Some(_)) => {}
            // The connection was lost: the next call reconnects and listens again; what was
            // queued meanwhile was not notified.
            Ok(None) => wake.notify(),
            Err(e) => return e,
        }
    }
}

/// Whether a NOTIFY payload (`{"job_type": …, "id": …}`) is about our queue.
fn is_ours(payload: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v.get("job_type")?.as_str().map(|t| t == QUEUE))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_our_queue_wakes_the_poller() {
        assert!(super::is_ours(r#"{"job_type":"sync","id":"x","run_at":1}"#));
        assert!(!super::is_ours(r#"{"job_type":"other","id":"x"}"#));
        assert!(!super::is_ours("not json"));
    }
}
