//! Personio's limit per caller IP (2,000 requests a minute on every v1 endpoint), counted over
//! every credential: several processes of one deployment, calling from one address, share it.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::server::{Inner, too_many};

/// At most `limit` requests from one address in any `window` (arrival times, sliding).
pub(super) struct PerIp {
    limit: usize,
    window: Duration,
    log: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl PerIp {
    pub(super) fn new(limit: usize, window: Duration) -> PerIp {
        PerIp {
            limit: limit.max(1),
            window,
            log: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request from `ip`, or false when `ip` has used up its window.
    fn admit(&self, ip: IpAddr) -> bool {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let q = log.entry(ip).or_default();
        let now = Instant::now();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        if q.len() >= self.limit {
            return false;
        }
        q.push_back(now);
        true
    }
}

/// Middleware: the per-IP limit, before any endpoint (a 429 counts in `throttled`).
pub(super) async fn per_ip(
    State(st): State<Arc<Inner>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    if let Some(limit) = &st.per_ip
        && !limit.admit(peer.ip())
    {
        st.throttled.fetch_add(1, Ordering::SeqCst);
        return too_many(None);
    }
    next.run(req).await
}
