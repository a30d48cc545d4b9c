//! A fake kiwiHR GraphQL server for tests and the demo: real HTTP on `127.0.0.1`, a small real
//! GraphQL layer over the subset schema (so a misspelled field fails like it would on kiwiHR),
//! deterministic people, injectable faults, and knobs to change the data between runs.
//!
//! ```ignore
//! let fake = FakeKiwi::builder().people(30).seed(7).teams(4).start().await?;
//! let endpoint = KiwiEndpoint::operator_override(fake.endpoint_url().parse()?)?;
//! ```
//! Shapes and statuses follow kiwihr.md §5 and §10: `POST /api/graphql` only, `X-Api-Key`
//! compared exactly, `401 {"errors":[{"message":"Unauthorized"}]}` for a missing or wrong key,
//! GraphQL errors with HTTP 200. Faults use the shared [`Fault`]s: [`Target::Page`]`(k)` is the
//! `users` request whose offset is `k * limit`; [`Target::Attributes`] is any other query
//! (`teams`). [`FaultKind::AddPerson`] hires someone just before answering, so the total changes
//! between pages.

mod builder;
mod fixtures;
pub mod graphql;
mod knobs;
mod schema;
mod server;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::http::StatusCode;

use super::{Fault, Faults, RecordedRequest, Recorder, Target};
pub use builder::FakeKiwiBuilder;
pub use fixtures::Fixtures;
use schema::Render;
pub use schema::{KiwiRef, KiwiTeam, KiwiUser, ManagerLink};
pub use server::GraphqlRequest;

/// The path kiwiHR serves GraphQL on.
pub const PATH: &str = "/api/graphql";

/// A running fake kiwiHR server. Dropping it shuts the server down.
pub struct FakeKiwi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    fixtures: Fixtures,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

struct Shared {
    api_key: String,
    max_limit: u64,
    clamp_limit: bool,
    default_limit: u64,
    unauthorized_status: StatusCode,
    faults: Faults,
    recorder: Recorder,
    state: Mutex<Data>,
}

struct Data {
    /// Kept in ascending id order: that is the stable order pages are cut from.
    users: Vec<KiwiUser>,
    teams: Vec<KiwiTeam>,
    render: Render,
    /// GraphQL errors to answer with HTTP 200: (target, message, times left; `None` = always).
    graphql_errors: Vec<(Target, String, Option<u32>)>,
}

impl Shared {
    fn data(&self) -> MutexGuard<'_, Data> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl FakeKiwi {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// `http://127.0.0.1:PORT/api/graphql`, for [`crate::hris::kiwihr::KiwiEndpoint::operator_override`].
    pub fn endpoint_url(&self) -> String {
        format!("http://{}{PATH}", self.addr)
    }
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }
    /// Which generated users carry which awkward case (ids).
    pub fn fixtures(&self) -> &Fixtures {
        &self.fixtures
    }

    /// Every request received, in order (any path and method), headers and body included.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.recorder.all()
    }
    /// The GraphQL requests received, decoded.
    pub fn graphql_requests(&self) -> Vec<GraphqlRequest> {
        self.requests()
            .iter()
            .filter_map(GraphqlRequest::decode)
            .collect()
    }
    pub fn clear_requests(&self) {
        self.shared.recorder.clear();
    }

    pub fn add_fault(&self, f: Fault) {
        self.shared.faults.add(f);
    }
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
        self.shared.data().graphql_errors.clear();
    }
    /// Answer matching requests with HTTP 200 and `{"errors":[{"message": message}]}`.
    pub fn add_graphql_error(
        &self,
        target: Target,
        message: impl Into<String>,
        times: Option<u32>,
    ) {
        self.shared
            .data()
            .graphql_errors
            .push((target, message.into(), times));
    }
    /// Add `skew` to every reported `pageInfo.count` from now on (0 to stop).
    pub fn set_count_skew(&self, skew: i64) {
        self.shared.data().render.count_skew = skew;
    }
}

/// `roster fake-hris kiwihr`: serves `people` users for `seed` on `127.0.0.1:port` until Ctrl-C,
/// after printing the URL and API key to configure.
pub async fn run_kiwihr(port: u16, people: usize, seed: u64) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let api_key = format!("kiwi-demo-{seed:08x}");
    let fake = FakeKiwi::builder()
        .people(people)
        .seed(seed)
        .api_key(api_key)
        .port(port)
        .start()
        .await
        .with_context(|| format!("could not listen on 127.0.0.1:{port}"))?;
    println!("Fake kiwiHR is serving {people} people (seed {seed}).");
    println!(
        "  URL (operator override, e.g. ROSTER_KIWIHR_ENDPOINT): {}",
        fake.endpoint_url()
    );
    println!("  API key: {}", fake.api_key());
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .context("could not wait for Ctrl-C")?;
    drop(fake);
    // Give the graceful shutdown a moment to close connections.
    tokio::time::sleep(Duration::from_millis(50)).await;
    Ok(())
}

#[cfg(test)]
mod tests;
