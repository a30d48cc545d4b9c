//! Client-side rate limiting, so a sync waits its turn instead of collecting 429s.
//!
//! A [`Pacer`] is a token bucket: `burst` tokens, refilled at `per_minute / 60` tokens a second.
//! Share one per credential (e.g. Personio's employee pages) and one per deployment (every call to
//! the provider from this process) behind an `Arc`, and call [`Pacer::acquire`] before each
//! request. It uses tokio's clock, so tests with a paused clock stay fast.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// A token bucket. Waiters reserve a token up front (the balance may go negative), so concurrent
/// callers queue in arrival order without holding a lock while they sleep.
#[derive(Debug)]
pub struct Pacer {
    per_sec: f64,
    burst: f64,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    tokens: f64,
    last: Instant,
}

impl Pacer {
    /// `per_minute` requests a minute on average, at most `burst` back to back. Both are clamped
    /// to at least 1.
    pub fn new(per_minute: u32, burst: u32) -> Pacer {
        let burst = f64::from(burst.max(1));
        Pacer {
            per_sec: f64::from(per_minute.max(1)) / 60.0,
            burst,
            state: Mutex::new(State {
                tokens: burst,
                last: Instant::now(),
            }),
        }
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
    }

    /// Takes a token now (possibly borrowing against the future) and says how long to wait.
    fn reserve(&self) -> Duration {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(st.last).as_secs_f64();
        st.tokens = (st.tokens + elapsed * self.per_sec).min(self.burst);
        st.last = now;
        st.tokens -= 1.0;
        if st.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-st.tokens / self.per_sec)
        }
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
    async fn unlimited_never_waits() {
        let p = Pacer::unlimited();
        let start = Instant::now();
        for _ in 0..10_000 {
            p.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}
