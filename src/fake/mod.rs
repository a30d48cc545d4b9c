//! Fake HRIS servers for tests, demos and `roster fake-hris`: real axum servers on `127.0.0.1`,
//! started through builders, holding no global state, shut down when dropped.
//!
//! Shared pieces: [`people`] (a deterministic crowd both fakes render), [`Recorder`] (every
//! request as it arrived, so tests can count calls and check headers and bodies) and [`Fault`]
//! (failures to inject, by request target).

pub mod kiwihr;
pub mod people;
pub mod personio;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

pub use people::{FakeCustom, FakeDepartment, FakePerson, FakeStatus, generate};
pub use personio::{FakePersonio, FakePersonioBuilder, run_personio};

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
    /// Decoded query pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    }
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// Keeps every request a fake receives. Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<RecordedRequest>>>);

impl Recorder {
    pub fn all(&self) -> Vec<RecordedRequest> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
    fn push(&self, r: RecordedRequest) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(r);
    }
}

/// axum middleware recording each request (body included) before passing it on. Use with
/// `axum::middleware::from_fn_with_state(recorder, record)`.
pub async fn record(State(rec): State<Recorder>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 1024 * 1024)
        .await
        .unwrap_or_default();
    rec.push(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: bytes.to_vec(),
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The token/auth endpoint.
    Auth,
    /// The people list, page `k` (0-based: the request whose offset is `k * limit`).
    Page(u32),
    /// Every people-list request.
    AnyPage,
    /// The attributes/metadata endpoint.
    Attributes,
}

/// What to do instead of (or before) answering normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// This status, with the provider's usual error body.
    Status(u16),
    /// 429, with `Retry-After: <secs>` when given.
    RateLimited { retry_after: Option<u64> },
    /// 200 with a body that is not JSON.
    NotJson,
    /// Wait this long, then answer normally (to run past a client's timeout).
    Slow(Duration),
    /// 302 to this absolute URL.
    Redirect(String),
    /// Add a new person to the company just before answering (the total changes mid-run).
    AddPerson,
}

/// A fault for `times` matching requests (`None`: all of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub target: Target,
    pub kind: FaultKind,
    pub times: Option<u32>,
}

impl Fault {
    pub fn new(target: Target, kind: FaultKind) -> Fault {
        Fault {
            target,
            kind,
            times: None,
        }
    }
    /// Only the first `n` matching requests.
    pub fn times(mut self, n: u32) -> Fault {
        self.times = Some(n);
        self
    }
}

/// The faults still to fire. Each request takes the first one that matches it.
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<Vec<Fault>>>);

impl Faults {
    pub fn add(&self, f: Fault) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(f);
    }
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
    /// The fault for a request to `target` (a page request also matches `AnyPage`), used up once.
    pub fn take(&self, target: Target) -> Option<FaultKind> {
        let mut faults = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let idx = faults.iter().position(|f| {
            f.target == target || (f.target == Target::AnyPage && matches!(target, Target::Page(_)))
        })?;
        let f = &mut faults[idx];
        let kind = f.kind.clone();
        match &mut f.times {
            Some(1) => {
                faults.remove(idx);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(kind)
    }
}

/// Serves `app` on `127.0.0.1:port` (0 for any) until the returned sender is dropped or fired.
/// Handlers may read the client's address (`ConnectInfo<SocketAddr>`).
pub(crate) async fn serve(
    app: axum::Router,
    port: u16,
) -> std::io::Result<(std::net::SocketAddr, tokio::sync::oneshot::Sender<()>)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok((addr, tx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_fire_the_given_number_of_times_in_order() {
        let f = Faults::default();
        f.add(Fault::new(Target::Page(2), FaultKind::Status(503)).times(2));
        f.add(Fault::new(Target::AnyPage, FaultKind::NotJson).times(1));
        assert_eq!(f.take(Target::Auth), None);
        assert_eq!(f.take(Target::Page(0)), Some(FaultKind::NotJson));
        assert_eq!(f.take(Target::Page(0)), None);
        assert_eq!(f.take(Target::Page(2)), Some(FaultKind::Status(503)));
        assert_eq!(f.take(Target::Page(2)), Some(FaultKind::Status(503)));
        assert_eq!(f.take(Target::Page(2)), None);
    }
}
