//! Client-side rate limiting, so a sync waits its turn instead of collecting 429s.
//!
//! A [`Pacer`] is a token bucket: `burst` tokens, refilled at `per_minute / 60` tokens a second,
//! or a set of sliding windows ([`Pacer::windows`]). Share one per credential (e.g. Personio's
//! employee pages) behind an `Arc`, and call [`Pacer::acquire`] before each request.
//!
//! A limit that belongs to the whole deployment rather than to one process (Personio's 2,000
//! requests a minute per server IP, which every `roster worker` process of a deployment spends
//! together) is a [`Pacer::shared`]: it also takes each request from a [`SharedBudget`] kept in
//! the database, so N processes together stay inside the limit ([`shared`] says how and why).

mod shared;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

pub use shared::{Grant, SharedBudget};

/// A token bucket. Waiters reserve a token up front (the balance may go negative), so concurrent
/// callers queue in arrival order without holding a lock while they sleep.
#[derive(Debug)]
pub struct Pacer {
    per_sec: f64,
    burst: f64,
    /// Sliding windows `(limit, window)`: at most `limit` requests in any `window`.
    windows: Vec<(usize, Duration)>,
    state: Mutex<State>,
    /// The deployment-wide budget this pacer also takes every request from.
    shared: Option<shared::SharedLimit>,
    /// Another pacer every request also waits on, after this one's own wait.
    then: Option<Arc<Pacer>>,
}

#[derive(Debug)]
struct State {
    tokens: f64,
    last: Instant,
    /// Start times of the latest requests (reserved ones included), for `windows`.
    sent: VecDeque<Instant>,
}

impl Pacer {
    /// `per_minute` requests a minute on average, at most `burst` back to back. Both are clamped
    /// to at least 1.
    pub fn new(per_minute: u32, burst: u32) -> Pacer {
        let burst = f64::from(burst.max(1));
        Pacer {
            per_sec: f64::from(per_minute.max(1)) / 60.0,
            burst,
            windows: Vec::new(),
            state: Mutex::new(State {
                tokens: burst,
                last: Instant::now(),
                sent: VecDeque::new(),
            }),
            shared: None,
            then: None,
        }
    }

    /// At most `limit` requests in any `window`, for each `(limit, window)` given: the shape of
    /// a server that counts requests in sliding windows (Personio's "300 a minute, 15 a
    /// second"). A token bucket cannot match that without giving up its burst (a bucket of 15
    /// refilling at 5/s lets 20 through in the first second). Each window is kept with a small
    /// margin, so network jitter does not make the server see one request too many.
    pub fn windows(windows: &[(u32, Duration)]) -> Pacer {
        Pacer {
            windows: windows
                .iter()
                .map(|(n, w)| ((*n).max(1) as usize, *w))
                .collect(),
            ..Pacer::unlimited()
        }
    }

    /// At most `limit` requests in any `window` across every process that shares `budget` under
    /// `scope` (the database: see [`shared`]). The same window is also kept in this process, so
    /// a process alone never exceeds it, even while the budget cannot be reached (then only that
    /// holds, and a warning says so).
    pub fn shared(
        budget: Arc<dyn SharedBudget>,
        scope: &'static str,
        limit: u32,
        window: Duration,
    ) -> Pacer {
        Pacer {
            shared: Some(shared::SharedLimit::new(budget, scope, limit, window)),
            ..Pacer::windows(&[(limit, window)])
        }
    }

    /// This pacer, then `next`: each request waits here, then on `next` (e.g. a credential's
    /// windows, then the deployment's budget), and only then counts as sent in this pacer's
    /// windows, so a long wait on `next` does not leave a stale send time behind that would let
    /// the next burst into the server's window.
    pub fn then(mut self, next: Arc<Pacer>) -> Pacer {
        self.then = Some(next);
        self
    }

    /// A pacer that never waits (for tests and for fakes).
    pub fn unlimited() -> Pacer {
        Pacer::new(u32::MAX, u32::MAX)
    }

    /// Waits until a request may go out, and takes its token.
    pub async fn acquire(&self) {
        let wait = self.reserve();
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        if let Some(next) = &self.then {
            Box::pin(next.acquire()).await;
        }
        if let Some(shared) = &self.shared {
            shared.acquire().await;
        }
        if !self.windows.is_empty() {
            // The request leaves now, maybe later than reserved: count it from now, or a late
            // one would let the next burst into the server's window.
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            if let Some(last) = st.sent.back_mut()
                && *last < now
            {
                *last = now;
            }
        }
    }

    /// Takes a token now (possibly borrowing against the future) and says how long to wait.
    fn reserve(&self) -> Duration {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(st.last).as_secs_f64();
        st.tokens = (st.tokens + elapsed * self.per_sec).min(self.burst);
        st.last = now;
        st.tokens -= 1.0;
        let bucket = if st.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-st.tokens / self.per_sec)
        };
        if self.windows.is_empty() {
            return bucket;
        }
        // The earliest start that keeps every window under its limit; reservations are in
        // order, so `sent` stays sorted.
        let mut at = now + bucket;
        for (limit, window) in &self.windows {
            if st.sent.len() >= *limit {
                let margin = Duration::from_millis(25) + *window / 50;
                at = at.max(st.sent[st.sent.len() - limit] + *window + margin);
            }
        }
        st.sent.push_back(at);
        let keep = self.windows.iter().map(|(l, _)| *l).max().unwrap_or(0);
        while st.sent.len() > keep {
            st.sent.pop_front();
        }
        at.saturating_duration_since(now)
    }
}

#[cfg(test)]
mod tests {
    // Real time with short waits: tokio's `test-util` (paused clock) is not enabled in this crate.
    use super::*;

    #[tokio::test]
    async fn a_burst_goes_out_at_once_then_requests_are_spaced() {
        let p = Pacer::new(600, 3); // one every 100 ms after a burst of three
        let start = Instant::now();
        for _ in 0..3 {
            p.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(50));
        p.acquire().await;
        p.acquire().await;
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(190), "{waited:?}");
        assert!(waited < Duration::from_secs(2), "{waited:?}");
    }

    #[tokio::test]
    async fn tokens_refill_while_idle_but_never_above_the_burst() {
        let p = Pacer::new(1200, 2); // one every 50 ms
        p.acquire().await;
        p.acquire().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let start = Instant::now();
        p.acquire().await;
        p.acquire().await;
        assert!(start.elapsed() < Duration::from_millis(40));
        p.acquire().await;
        assert!(start.elapsed() >= Duration::from_millis(45));
    }

    #[tokio::test]
    async fn sliding_windows_let_a_burst_through_then_wait_for_the_window() {
        let p = Pacer::windows(&[
            (3, Duration::from_millis(200)),
            (100, Duration::from_secs(60)),
        ]);
        let start = Instant::now();
        for _ in 0..3 {
            p.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(50));
        p.acquire().await;
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(200), "{waited:?}");
        assert!(waited < Duration::from_millis(400), "{waited:?}");
    }

    #[tokio::test]
    async fn unlimited_never_waits() {
        let p = Pacer::unlimited();
        let start = Instant::now();
        for _ in 0..10_000 {
            p.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}
