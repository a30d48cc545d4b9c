//! The worker's timings, read from `ROSTER_*` environment variables (tests shorten them).

use std::time::Duration;

/// The worker's timings. Defaults suit production; every one can be set from the environment
/// (tests shorten them).
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Syncs run at once by this process (`ROSTER_WORKER_CONCURRENCY`, default 4).
    pub concurrency: usize,
    /// apalis worker heartbeat (`ROSTER_WORKER_HEARTBEAT_SECS`, default 30): a worker silent for
    /// twice this long is dead and its jobs go back to the queue.
    pub heartbeat: Duration,
    /// SQLite: how often the queue is polled (`ROSTER_WORKER_POLL_MS`, default 1000).
    pub poll: Duration,
    /// PostgreSQL: new jobs arrive by NOTIFY; this is how often jobs that became due later (a
    /// retry's backoff) are looked for (`ROSTER_WORKER_RETRY_POLL_MS`, default 5000).
    pub retry_poll: Duration,
    /// First retry delay, doubled per attempt (`ROSTER_RETRY_BASE_SECS`, default 30).
    pub retry_base: Duration,
    /// Wait before trying again a job whose company is being synced by another run
    /// (`ROSTER_BUSY_RETRY_SECS`, default 10).
    pub busy_retry: Duration,
    /// Whether this process runs the morning scheduler (`ROSTER_SCHEDULER`, default on).
    pub schedule: bool,
    /// Scheduler tick (`ROSTER_SCHEDULE_EVERY_SECS`, default 60).
    pub schedule_every: Duration,
    /// How long a running sync may take to finish after SIGTERM (`ROSTER_SHUTDOWN_GRACE_SECS`,
    /// default 30), or after the job poller lost its database.
    pub grace: Duration,
    /// How long the job poller may stay down (its database unreachable or not writable) before
    /// the worker gives up and the process exits non-zero (`ROSTER_WORKER_GIVE_UP_SECS`, default
    /// 600). Until then it keeps starting again by itself.
    pub give_up_after: Duration,
    /// `/readyz` of a process running a worker answers 503 when a due sync has waited longer
    /// than this for a worker (`ROSTER_READY_MAX_QUEUE_WAIT_SECS`, default 900).
    pub max_queue_wait: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            concurrency: 4,
            heartbeat: Duration::from_secs(30),
            poll: Duration::from_secs(1),
            retry_poll: Duration::from_secs(5),
            retry_base: Duration::from_secs(30),
            busy_retry: Duration::from_secs(10),
            schedule: true,
            schedule_every: Duration::from_secs(60),
            grace: Duration::from_secs(30),
            give_up_after: Duration::from_secs(600),
            max_queue_wait: Duration::from_secs(900),
        }
    }
}

impl WorkerSettings {
    pub fn from_env() -> WorkerSettings {
        fn num(name: &str) -> Option<u64> {
            std::env::var(name).ok()?.trim().parse().ok()
        }
        let d = WorkerSettings::default();
        WorkerSettings {
            concurrency: num("ROSTER_WORKER_CONCURRENCY")
                .map_or(d.concurrency, |n| n.max(1) as usize),
            heartbeat: num("ROSTER_WORKER_HEARTBEAT_SECS")
                .map_or(d.heartbeat, |s| Duration::from_secs(s.max(1))),
            poll: num("ROSTER_WORKER_POLL_MS")
                .map_or(d.poll, |ms| Duration::from_millis(ms.max(50))),
            retry_poll: num("ROSTER_WORKER_RETRY_POLL_MS")
                .map_or(d.retry_poll, |ms| Duration::from_millis(ms.max(50))),
            retry_base: num("ROSTER_RETRY_BASE_SECS").map_or(d.retry_base, Duration::from_secs),
            busy_retry: num("ROSTER_BUSY_RETRY_SECS").map_or(d.busy_retry, Duration::from_secs),
            schedule: std::env::var("ROSTER_SCHEDULER")
                .map(|v| !matches!(v.trim(), "0" | "off" | "false" | "no"))
                .unwrap_or(d.schedule),
            schedule_every: num("ROSTER_SCHEDULE_EVERY_SECS")
                .map_or(d.schedule_every, |s| Duration::from_secs(s.max(1))),
            grace: num("ROSTER_SHUTDOWN_GRACE_SECS").map_or(d.grace, Duration::from_secs),
            give_up_after: num("ROSTER_WORKER_GIVE_UP_SECS")
                .map_or(d.give_up_after, |s| Duration::from_secs(s.max(1))),
            max_queue_wait: num("ROSTER_READY_MAX_QUEUE_WAIT_SECS")
                .map_or(d.max_queue_wait, |s| Duration::from_secs(s.max(1))),
        }
    }

    /// The wait before attempt `attempt + 1` (attempt 1 failed: `retry_base`, then doubled),
    /// capped at one hour.
    pub fn backoff(&self, attempt: i64) -> Duration {
        let factor = 1u32 << (attempt.clamp(1, 10) - 1);
        (self.retry_base * factor).min(Duration::from_secs(3600))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let s = WorkerSettings::default();
        assert_eq!(s.backoff(1), Duration::from_secs(30));
        assert_eq!(s.backoff(2), Duration::from_secs(60));
        assert_eq!(s.backoff(3), Duration::from_secs(120));
        assert_eq!(s.backoff(40), Duration::from_secs(3600));
    }
}
