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

mod fixtures;
pub mod graphql;
mod schema;
mod server;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use time::Date;

use super::{Fault, Faults, RecordedRequest, Recorder, Target};
pub use fixtures::Fixtures;
use schema::Render;
pub use schema::{KiwiRef, KiwiTeam, KiwiUser, ManagerLink};
pub use server::GraphqlRequest;

/// The path kiwiHR serves GraphQL on.
pub const PATH: &str = "/api/graphql";

/// Builds a [`FakeKiwi`]; every setting has a default, so `FakeKiwi::builder().start()` works.
#[derive(Debug, Clone)]
pub struct FakeKiwiBuilder {
    people: usize,
    seed: u64,
    teams: usize,
    api_key: String,
    max_limit: u64,
    clamp_limit: bool,
    default_limit: u64,
    faults: Vec<Fault>,
    unauthorized_status: StatusCode,
    render: Render,
    port: u16,
}

impl FakeKiwiBuilder {
    /// How many users to generate (default 12, enough for every fixture).
    pub fn people(mut self, n: usize) -> Self {
        self.people = n;
        self
    }
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// How many distinct teams (default 4); one more team repeats the first one's name.
    pub fn teams(mut self, k: usize) -> Self {
        self.teams = k;
        self
    }
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }
    /// The largest `limit` accepted (default 100); above it the reply is a GraphQL error.
    pub fn max_limit(mut self, n: u64) -> Self {
        self.max_limit = n.max(1);
        self
    }
    /// Above the maximum, silently answer with `max_limit` items instead of an error (the
    /// real behaviour is undocumented; some APIs clamp).
    pub fn clamp_above_max_limit(mut self, yes: bool) -> Self {
        self.clamp_limit = yes;
        self
    }
    pub fn fault(mut self, f: Fault) -> Self {
        self.faults.push(f);
        self
    }
    /// Answer a missing or wrong key with HTTP 200 (and the same `errors` body) instead of 401.
    pub fn unauthorized_with_200(mut self, yes: bool) -> Self {
        self.unauthorized_status = if yes {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        self
    }
    /// Render ids as JSON numbers instead of strings.
    pub fn ids_as_numbers(mut self, yes: bool) -> Self {
        self.render.ids_as_numbers = yes;
        self
    }
    /// Render dates with a time part (`1990-04-12T00:00:00.000Z`).
    pub fn dates_with_time(mut self, yes: bool) -> Self {
        self.render.dates_with_time = yes;
        self
    }
    /// The port to bind on `127.0.0.1` (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub async fn start(self) -> std::io::Result<FakeKiwi> {
        let (users, teams, fixtures) = fixtures::build(self.people, self.seed, self.teams);
        let faults = Faults::default();
        for f in self.faults {
            faults.add(f);
        }
        let shared = Arc::new(Shared {
            api_key: self.api_key,
            max_limit: self.max_limit,
            clamp_limit: self.clamp_limit,
            default_limit: self.default_limit.min(self.max_limit),
            unauthorized_status: self.unauthorized_status,
            faults,
            recorder: Recorder::default(),
            state: Mutex::new(Data {
                users,
                teams,
                render: self.render,
                graphql_errors: Vec::new(),
            }),
        });
        let app = Router::new()
            .route(PATH, post(server::graphql))
            .fallback(server::not_found)
            .with_state(shared.clone())
            .layer(axum::middleware::from_fn_with_state(
                shared.recorder.clone(),
                super::record,
            ));
        let (addr, shutdown) = super::serve(app, self.port).await?;
        Ok(FakeKiwi {
            addr,
            shared,
            fixtures,
            _shutdown: shutdown,
        })
    }
}

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
    pub fn builder() -> FakeKiwiBuilder {
        FakeKiwiBuilder {
            people: 12,
            seed: 1,
            teams: 4,
            api_key: "kiwi-test-key".into(),
            max_limit: 100,
            clamp_limit: false,
            default_limit: 20,
            faults: Vec::new(),
            unauthorized_status: StatusCode::UNAUTHORIZED,
            render: Render::default(),
            port: 0,
        }
    }

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

    /// The users as they stand, in id order.
    pub fn users(&self) -> Vec<KiwiUser> {
        self.shared.data().users.clone()
    }
    pub fn teams(&self) -> Vec<KiwiTeam> {
        self.shared.data().teams.clone()
    }
    pub fn user(&self, id: u64) -> Option<KiwiUser> {
        self.shared
            .data()
            .users
            .iter()
            .find(|u| u.id == id)
            .cloned()
    }

    /// Changes one user; `false` when there is no such id.
    pub fn update_user(&self, id: u64, change: impl FnOnce(&mut KiwiUser)) -> bool {
        let mut data = self.shared.data();
        match data.users.iter_mut().find(|u| u.id == id) {
            Some(u) => {
                change(u);
                true
            }
            None => false,
        }
    }
    /// `isActive: false`, as kiwiHR's "deactivate employee account".
    pub fn deactivate(&self, id: u64) -> bool {
        self.update_user(id, |u| u.is_active = false)
    }
    pub fn set_end_date(&self, id: u64, end: Option<Date>) -> bool {
        self.update_user(id, |u| u.employment_end_date = end)
    }
    pub fn set_email(&self, id: u64, email: Option<&str>) -> bool {
        self.update_user(id, |u| u.email = email.map(str::to_owned))
    }
    pub fn set_manager(&self, id: u64, manager: Option<u64>) -> bool {
        self.update_user(id, |u| {
            u.manager = manager.map(|m| ManagerLink { id: m, email: None })
        })
    }
    /// Sets a user's teams by name, creating teams that do not exist yet.
    pub fn set_teams(&self, id: u64, names: &[&str]) -> bool {
        let mut data = self.shared.data();
        let mut ids = Vec::new();
        for name in names {
            let tid = match data.teams.iter().find(|t| t.name == *name) {
                Some(t) => t.id,
                None => {
                    let tid = data.teams.iter().map(|t| t.id).max().unwrap_or(700) + 1;
                    data.teams.push(KiwiTeam {
                        id: tid,
                        name: (*name).to_owned(),
                    });
                    tid
                }
            };
            ids.push(tid);
        }
        match data.users.iter_mut().find(|u| u.id == id) {
            Some(u) => {
                u.team_ids = ids;
                true
            }
            None => false,
        }
    }
    /// Removes a user from kiwiHR (as if deleted); `false` when there is no such id.
    pub fn remove(&self, id: u64) -> bool {
        let mut data = self.shared.data();
        let before = data.users.len();
        data.users.retain(|u| u.id != id);
        data.users.len() != before
    }
    /// Adds a user; `user.id == 0` picks the next free id. Returns the id.
    pub fn add(&self, mut user: KiwiUser) -> u64 {
        let mut data = self.shared.data();
        insert_user(&mut data.users, &mut user);
        user.id
    }
    /// Hires a new active person with the given names and email, in no team. Returns the id.
    pub fn hire(&self, first: &str, last: &str, email: &str) -> u64 {
        self.add(fixtures::new_user(0, first, last, Some(email)))
    }
    /// Makes two users each other's manager.
    pub fn make_manager_loop(&self, a: u64, b: u64) {
        self.set_manager(a, Some(b));
        self.set_manager(b, Some(a));
    }
}
fn insert_user(users: &mut Vec<KiwiUser>, user: &mut KiwiUser) {
    if user.id == 0 {
        user.id = users.iter().map(|u| u.id).max().unwrap_or(4_700) + 1;
    }
    users.retain(|u| u.id != user.id);
    let at = users.partition_point(|u| u.id < user.id);
    users.insert(at, user.clone());
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
