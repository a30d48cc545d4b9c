//! Each connection's watchdog: what the connection is doing ([`Activity`]: requests being
//! handled, since when a request's head is awaited, since when it is idle), which timeout runs
//! next, and the socket wrapper ([`Watched`]) that reports bytes coming and going.

use std::{
    io,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll},
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
    time::Instant,
};

use super::Timeouts;

/// What a connection is doing, for its watchdog.
pub(super) struct Activity {
    timeouts: Timeouts,
    state: Mutex<State>,
}

struct State {
    /// Requests being handled now.
    busy: usize,
    /// Since when a request's head is awaited (opened, or its first byte read); `None` when idle.
    head_since: Option<Instant>,
    /// The last moment something happened (a response ended, a byte was written).
    idle_since: Instant,
}

impl Activity {
    pub(super) fn new(timeouts: Timeouts) -> Activity {
        let now = Instant::now();
        Activity {
            timeouts,
            state: Mutex::new(State {
                busy: 0,
                head_since: Some(now),
                idle_since: now,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn read(&self) {
        let mut s = self.state();
        if s.busy == 0 && s.head_since.is_none() {
            s.head_since = Some(Instant::now());
        }
    }

    fn wrote(&self) {
        self.state().idle_since = Instant::now();
    }

    pub(super) fn begin(self: &Arc<Self>) -> Busy {
        let mut s = self.state();
        s.busy += 1;
        s.head_since = None;
        Busy(self.clone())
    }

    /// When the connection is to be closed, and why; `None` while a request is handled.
    fn deadline(&self) -> Option<(Instant, &'static str)> {
        let s = self.state();
        if s.busy > 0 {
            return None;
        }
        Some(match s.head_since {
            Some(at) => (
                at + self.timeouts.header,
                "the client was too slow to send a request",
            ),
            None => (
                s.idle_since + self.timeouts.idle,
                "idle keep-alive connection",
            ),
        })
    }

    /// Resolves once a deadline has passed.
    pub(super) async fn expired(&self) -> &'static str {
        loop {
            match self.deadline() {
                Some((at, why)) if Instant::now() >= at => return why,
                Some((at, _)) => tokio::time::sleep_until(at).await,
                None => tokio::time::sleep(self.timeouts.header.min(self.timeouts.idle)).await,
            }
        }
    }
}

/// A request being handled; dropping it (answered, or abandoned) makes the connection idle.
pub(super) struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        let mut s = self.0.state();
        s.busy -= 1;
        s.idle_since = Instant::now();
    }
}

/// The socket, telling the watchdog when bytes come and go.
pub(super) struct Watched {
    pub(super) inner: TcpStream,
    pub(super) activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
