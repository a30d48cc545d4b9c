//! A rate limit shared by every process of a deployment.
//!
//! Why: Personio allows 2,000 requests a minute **per caller IP**. Every `roster worker` process
//! of a deployment calls it from the same address, so a limiter inside each process lets N
//! workers send N × 2,000 a minute and collect 429s. The budget therefore lives where all of them
//! meet, the database ([`crate::db::pacing`] implements [`SharedBudget`] on SQLite and
//! PostgreSQL): a log of grants, counted over a sliding window, like the server counts.
//!
//! How, and why it holds:
//! * A process asks the budget for up to `want` requests ([`SharedBudget::take`]). Under one
//!   lock (SQLite's write lock, a PostgreSQL advisory lock) the budget sums what it granted within
//!   the window; if there is room it records a grant of `n ≤ want` stamped with the database's
//!   clock, otherwise it answers how long until the oldest grant leaves the window. Grants are
//!   made one at a time in stamp order, so every window of the budget's length holds at most
//!   `limit` granted requests.
//! * Granted requests must leave within [`GRACE`] of asking, or they are thrown away: a request
//!   reaches the server at most `GRACE` (plus network time) after its stamp. The budget's window
//!   is the server's plus `GRACE` and a margin, so whatever the server counts in its own window was
//!   stamped inside one budget window: at most `limit`.
//! * Small batches keep it cheap: one process asks for as many requests as it has callers waiting
//!   (at most [`MAX_BATCH`]), so a busy worker makes one round trip per few requests and an idle
//!   one wastes nothing.
//! * When the database does not answer, requests fall back to the process's own window (see
//!   [`super::Pacer::shared`]) with a warning: a sync is not stopped by its rate limiter, and one
//!   process alone still keeps the limit.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// How long granted requests stay usable after they were asked for.
pub const GRACE: Duration = Duration::from_millis(500);
/// The most requests one process takes at once.
pub const MAX_BATCH: u32 = 8;

/// Where a deployment-wide budget is kept (the database).
#[async_trait::async_trait]
pub trait SharedBudget: fmt::Debug + Send + Sync {
    /// Grants up to `want` of the `limit` requests allowed in any `window` of `scope`, stamped
    /// now, or says how long to wait before asking again.
    async fn take(
        &self,
        scope: &str,
        limit: u32,
        window: Duration,
        want: u32,
    ) -> anyhow::Result<Grant>;
}

/// What [`SharedBudget::take`] answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// This many requests may go out now.
    Granted(u32),
    /// None now; ask again after this long.
    Wait(Duration),
}

/// Requests granted to this process and not used yet.
#[derive(Debug)]
struct Lease {
    left: u32,
    until: Instant,
}

/// A [`SharedBudget`] seen from one process.
pub(super) struct SharedLimit {
    budget: Arc<dyn SharedBudget>,
    scope: &'static str,
    limit: u32,
    /// The server's window plus [`GRACE`] and a margin.
    window: Duration,
    lease: tokio::sync::Mutex<Lease>,
    /// Callers queued for the lease, so one round trip takes enough for them all.
    waiting: AtomicU32,
    /// The budget failed and requests use the local window only (logged once per outage).
    degraded: AtomicBool,
}

impl fmt::Debug for SharedLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedLimit")
            .field("scope", &self.scope)
            .field("limit", &self.limit)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl SharedLimit {
    pub(super) fn new(
        budget: Arc<dyn SharedBudget>,
        scope: &'static str,
        limit: u32,
        window: Duration,
    ) -> SharedLimit {
        let margin = Duration::from_millis(25) + window / 50;
        SharedLimit {
            budget,
            scope,
            limit: limit.max(1),
            window: window + GRACE + margin,
            lease: tokio::sync::Mutex::new(Lease {
                left: 0,
                until: Instant::now(),
            }),
            waiting: AtomicU32::new(0),
            degraded: AtomicBool::new(false),
        }
    }

    /// Waits until the budget grants this request (callers of one process queue in order).
    pub(super) async fn acquire(&self) {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut lease = self.lease.lock().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        loop {
            if lease.left > 0 && Instant::now() < lease.until {
                lease.left -= 1;
                return;
            }
            let want = (self.waiting.load(Ordering::SeqCst) + 1).min(MAX_BATCH);
            let asked = Instant::now();
            match self
                .budget
                .take(self.scope, self.limit, self.window, want)
                .await
            {
                Ok(Grant::Granted(n)) => {
                    if self.degraded.swap(false, Ordering::SeqCst) {
                        tracing::info!(scope = self.scope, "the shared rate limit answers again");
                    }
                    *lease = Lease {
                        left: n,
                        until: asked + GRACE,
                    };
                }
                Ok(Grant::Wait(d)) => tokio::time::sleep(d.min(self.window)).await,
                Err(e) => {
                    if !self.degraded.swap(true, Ordering::SeqCst) {
                        tracing::warn!(
                            scope = self.scope,
                            error = format!("{e:#}"),
                            "the shared rate limit cannot be read; this process paces itself alone until it can"
                        );
                    }
                    return;
                }
            }
        }
    }
}
