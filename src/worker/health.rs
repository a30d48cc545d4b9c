//! What the worker of this process says about itself, for `/readyz`: whether its job poller is
//! polling (its own heartbeat, beaten each time it looks at the queue), and why not when it is
//! down. One per process ([`crate::app::App`] holds it), written by the worker, read by the web.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

#[derive(Debug, Default)]
pub struct WorkerHealth {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// A worker runs in this process.
    running: bool,
    concurrency: usize,
    /// A poller silent this long is stuck.
    stall_after: Duration,
    /// A due job waiting longer than this makes the process not ready.
    max_queue_wait: Duration,
    last_poll: Option<Instant>,
    /// Syncs running now: a worker with every slot busy does not poll, and is not stuck.
    busy: usize,
    /// Since when, and why, the poller is down (its database failed); `None` while it runs.
    down: Option<(Instant, String)>,
}

impl WorkerHealth {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        // A panic while holding this lock cannot leave it inconsistent: every write is one field.
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut inner)
    }

    /// A worker starts in this process.
    pub(crate) fn started(
        &self,
        concurrency: usize,
        stall_after: Duration,
        max_queue_wait: Duration,
    ) {
        self.with(|i| {
            i.running = true;
            i.concurrency = concurrency;
            i.stall_after = stall_after;
            i.max_queue_wait = max_queue_wait;
            i.last_poll = Some(Instant::now());
        })
    }

    /// The worker stopped (shutdown): nothing to report any more.
    pub(crate) fn stopped(&self) {
        self.with(|i| i.running = false)
    }

    /// The poller looked at the queue.
    pub(crate) fn polled(&self) {
        self.with(|i| i.last_poll = Some(Instant::now()))
    }

    /// The poller's database answered (it registered or beat): it is up again.
    pub(crate) fn up(&self) {
        self.with(|i| {
            i.down = None;
            i.last_poll = Some(Instant::now());
        })
    }

    /// The poller failed: it is down for `reason` until [`WorkerHealth::up`].
    pub(crate) fn down(&self, reason: &str) {
        self.with(|i| {
            let since = i.down.take().map_or_else(Instant::now, |(since, _)| since);
            i.down = Some((since, reason.to_string()));
        })
    }

    pub(crate) fn set_busy(&self, busy: usize) {
        self.with(|i| i.busy = busy)
    }

    /// Since when the poller has been down, if it is.
    pub(crate) fn down_since(&self) -> Option<Instant> {
        self.with(|i| i.down.as_ref().map(|(since, _)| *since))
    }

    /// How long a due job may wait before the process is not ready.
    pub fn max_queue_wait(&self) -> Duration {
        self.with(|i| i.max_queue_wait)
    }

    /// Whether this process runs a worker.
    pub fn running(&self) -> bool {
        self.with(|i| i.running)
    }

    /// Whether the poller has not looked at the queue for too long while it had free slots.
    pub(crate) fn stalled(&self) -> Option<Duration> {
        self.with(|i| {
            let silent = i.last_poll.map(|t| t.elapsed())?;
            (i.running && i.busy < i.concurrency.max(1) && silent > i.stall_after).then_some(silent)
        })
    }

    /// Why the worker is not taking jobs, in a short sentence; `None` when it is fine (or when no
    /// worker runs here).
    pub fn problem(&self) -> Option<String> {
        if !self.running() {
            return None;
        }
        if let Some(reason) = self.with(|i| {
            i.down
                .as_ref()
                .map(|(since, r)| (since.elapsed(), r.clone()))
        }) {
            return Some(format!(
                "worker not polling for {} s: {}",
                reason.0.as_secs(),
                reason.1
            ));
        }
        self.stalled().map(|silent| {
            format!(
                "worker not polling: no look at the queue for {} s",
                silent.as_secs()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_without_a_worker_and_while_polling() {
        let h = WorkerHealth::default();
        assert_eq!(h.problem(), None);
        h.started(2, Duration::from_secs(60), Duration::from_secs(600));
        h.polled();
        assert_eq!(h.problem(), None);
    }

    #[test]
    fn down_until_up_keeping_the_first_failure_time() {
        let h = WorkerHealth::default();
        h.started(2, Duration::from_secs(60), Duration::from_secs(600));
        h.down("connection refused");
        let since = h.down_since().unwrap();
        h.down("still refused");
        assert_eq!(h.down_since(), Some(since));
        assert!(h.problem().unwrap().contains("still refused"));
        h.up();
        assert_eq!(h.problem(), None);
        assert_eq!(h.down_since(), None);
    }

    #[test]
    fn a_silent_poller_is_stuck_unless_every_slot_is_busy() {
        let h = WorkerHealth::default();
        h.started(2, Duration::from_millis(10), Duration::from_secs(600));
        std::thread::sleep(Duration::from_millis(30));
        assert!(h.problem().unwrap().contains("not polling"));
        h.set_busy(2);
        assert_eq!(h.problem(), None);
        h.set_busy(1);
        assert!(h.stalled().is_some());
        h.stopped();
        assert_eq!(h.problem(), None);
    }
}
