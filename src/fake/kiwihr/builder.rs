//! [`FakeKiwiBuilder`]: the fake's settings, each with a default, and starting the server.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;

use super::schema::Render;
use super::{Data, FakeKiwi, PATH, Shared, fixtures, server};
use crate::fake::{Fault, Faults, Recorder};

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
                crate::fake::record,
            ));
        let (addr, shutdown) = crate::fake::serve(app, self.port).await?;
        Ok(FakeKiwi {
            addr,
            shared,
            fixtures,
            _shutdown: shutdown,
        })
    }
}

impl FakeKiwi {
    /// A builder with every setting at its default.
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
}
