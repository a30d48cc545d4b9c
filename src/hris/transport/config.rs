//! [`TransportConfig`]: the timeouts, retry policy and size cap of one [`Transport`](super::Transport).

use std::time::Duration;

/// Timeouts, retry policy and limits for one [`Transport`](super::Transport).
#[derive(Debug, Clone)]
pub struct TransportConfig {
    /// Time allowed to open a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, from sending the request to the end of the body.
    pub request_timeout: Duration,
    /// Attempts per request, the first one included.
    pub max_attempts: u32,
    /// First backoff delay; doubled on each retry up to `backoff_cap`, then jittered.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Total time one `send` may spend, waits included. A retry that would end past it is not made.
    pub budget: Duration,
    /// Largest body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_attempts: 4,
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(30),
            budget: Duration::from_secs(180),
            max_body_bytes: 32 * 1024 * 1024,
        }
    }
}

impl TransportConfig {
    /// Short timeouts and millisecond backoff, for tests against a local fake.
    pub fn fast_for_tests() -> Self {
        TransportConfig {
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_millis(700),
            max_attempts: 4,
            backoff_base: Duration::from_millis(5),
            backoff_cap: Duration::from_millis(40),
            budget: Duration::from_secs(8),
            max_body_bytes: 4 * 1024 * 1024,
        }
    }
}
