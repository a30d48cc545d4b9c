//! The fake's knobs: [`FakePersonioBuilder`] and starting the server.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};

use super::per_ip::{PerIp, per_ip};
use super::server::{Inner, Tokens, auth, envelope};
use super::{FakePersonio, OverLimit, attributes::attributes, employees::employees};
use crate::fake::people::{FakePerson, generate};
use crate::fake::{Fault, Faults, Recorder, Target};

#[derive(Debug, Clone)]
pub(super) struct RateRule {
    pub(super) target: Target,
    pub(super) limit: usize,
    pub(super) window: Duration,
    pub(super) retry_after: Option<u64>,
}

/// Builds a [`FakePersonio`]; every knob has a default close to the real service.
#[derive(Debug, Clone)]
pub struct FakePersonioBuilder {
    pub(super) people: usize,
    pub(super) seed: u64,
    pub(super) domain: String,
    pub(super) roster: Option<Vec<FakePerson>>,
    pub(super) client_id: String,
    pub(super) client_secret: String,
    pub(super) readable: Option<Vec<String>>,
    pub(super) wrong_credentials_status: u16,
    pub(super) reject_query_credentials: bool,
    pub(super) max_limit: usize,
    pub(super) default_limit: usize,
    pub(super) over_limit: OverLimit,
    pub(super) rotating_tokens: bool,
    pub(super) expires_in: Option<u64>,
    pub(super) ids_as_strings: bool,
    pub(super) offsets_as_strings: bool,
    pub(super) faults: Vec<Fault>,
    pub(super) rates: Vec<RateRule>,
    /// At most this many requests from one client address per window, whatever their target.
    pub(super) per_ip: Option<(usize, Duration)>,
}

impl Default for FakePersonioBuilder {
    fn default() -> Self {
        FakePersonioBuilder {
            people: 25,
            seed: 1,
            domain: "example.org".into(),
            roster: None,
            client_id: "cid_fake".into(),
            client_secret: "sec_fake".into(),
            readable: None,
            wrong_credentials_status: 403,
            reject_query_credentials: true,
            max_limit: 100,
            default_limit: 50,
            over_limit: OverLimit::Reject,
            rotating_tokens: false,
            expires_in: Some(86_400),
            ids_as_strings: false,
            offsets_as_strings: false,
            faults: Vec::new(),
            rates: Vec::new(),
            per_ip: None,
        }
    }
}

impl FakePersonioBuilder {
    /// How many people to generate (default 25).
    pub fn people(mut self, n: usize) -> Self {
        self.people = n;
        self
    }
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }
    pub fn domain(mut self, d: &str) -> Self {
        self.domain = d.into();
        self
    }
    /// Serve exactly these people instead of generated ones.
    pub fn roster(mut self, people: Vec<FakePerson>) -> Self {
        self.roster = Some(people);
        self
    }
    pub fn credentials(mut self, client_id: &str, client_secret: &str) -> Self {
        self.client_id = client_id.into();
        self.client_secret = client_secret.into();
        self
    }
    /// The credential's readable attributes (`id` is always sent). Default: all of [`ALL_KEYS`].
    pub fn readable_attributes(mut self, keys: &[&str]) -> Self {
        self.readable = Some(keys.iter().map(|k| k.to_string()).collect());
        self
    }
    /// Status for wrong credentials on `/v1/auth`: 403 (default) or 401.
    pub fn wrong_credentials_status(mut self, status: u16) -> Self {
        self.wrong_credentials_status = status;
        self
    }
    /// Whether credentials in the query string get 403 (default true, as after the deprecation).
    pub fn reject_query_credentials(mut self, yes: bool) -> Self {
        self.reject_query_credentials = yes;
        self
    }
    /// Largest `limit` served (default 100) and what happens above it (default 400).
    pub fn limit_cap(mut self, max: usize, over: OverLimit) -> Self {
        self.max_limit = max.max(1);
        self.over_limit = over;
        self
    }
    /// Page size when the request gives no `limit` (default 50).
    pub fn default_limit(mut self, n: usize) -> Self {
        self.default_limit = n.max(1);
        self
    }
    /// One-time tokens: each successful data response carries the next token in its
    /// `authorization` header and the used one stops working (Personio before 2023).
    pub fn rotating_tokens(mut self, yes: bool) -> Self {
        self.rotating_tokens = yes;
        self
    }
    /// `expires_in` sent with a token (`None`: leave it out, like older answers). Tokens really
    /// do expire after this many seconds.
    pub fn expires_in(mut self, secs: Option<u64>) -> Self {
        self.expires_in = secs;
        self
    }
    /// Render `id` values as strings (`"4187203"`).
    pub fn ids_as_strings(mut self, yes: bool) -> Self {
        self.ids_as_strings = yes;
        self
    }
    /// Echo `offset`/`limit` as strings, as some v1 endpoints do.
    pub fn offsets_as_strings(mut self, yes: bool) -> Self {
        self.offsets_as_strings = yes;
        self
    }
    pub fn fault(mut self, f: Fault) -> Self {
        self.faults.push(f);
        self
    }
    /// At most `limit` requests to `target` per `window`, then 429 (with `Retry-After` if given).
    pub fn rate_limit(
        mut self,
        target: Target,
        limit: usize,
        window: Duration,
        retry_after: Option<u64>,
    ) -> Self {
        self.rates.push(RateRule {
            target,
            limit,
            window,
            retry_after,
        });
        self
    }
    /// Personio's published limits: employees 300/min and 15/s, auth 60/min (then 60 s).
    pub fn personio_rate_limits(self) -> Self {
        self.rate_limit(Target::AnyPage, 300, Duration::from_secs(60), None)
            .rate_limit(Target::AnyPage, 15, Duration::from_secs(1), None)
            .rate_limit(Target::Auth, 60, Duration::from_secs(60), Some(60))
            .per_ip_limit(2_000, Duration::from_secs(60))
    }

    /// At most `limit` requests from one client IP address in any `window`, whatever their
    /// target, then 429 (Personio: 2,000 a minute per caller IP on every v1 endpoint).
    pub fn per_ip_limit(mut self, limit: usize, window: Duration) -> Self {
        self.per_ip = Some((limit, window));
        self
    }

    /// Starts on `127.0.0.1` at a free port. Panics if no port can be bound (tests only).
    pub async fn start(self) -> FakePersonio {
        self.start_on(0)
            .await
            .expect("bind the fake Personio on 127.0.0.1")
    }

    /// Starts on `127.0.0.1:port` (0 for any free port).
    pub async fn start_on(self, port: u16) -> std::io::Result<FakePersonio> {
        let people = match self.roster.clone() {
            Some(p) => p,
            None => generate(self.people, self.seed, &self.domain),
        };
        let faults = Faults::default();
        for f in &self.faults {
            faults.add(f.clone());
        }
        let recorder = Recorder::default();
        let inner = Arc::new(Inner {
            people: Mutex::new(people),
            tokens: Mutex::new(Tokens::default()),
            counter: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            faults: faults.clone(),
            rate_log: Mutex::new(HashMap::new()),
            per_ip: self.per_ip.map(|(n, w)| PerIp::new(n, w)),
            expire_on: Mutex::new(Vec::new()),
            readable: Mutex::new(self.readable.clone()),
            cfg: self,
        });
        let app = Router::new()
            .route("/v1/auth", post(auth))
            .route("/v1/company/employees", get(employees))
            .route("/v1/company/employees/attributes", get(attributes))
            .route("/v1/company/employees/custom-attributes", get(attributes))
            .fallback(|| async { envelope(StatusCode::NOT_FOUND, 404, "Not found") })
            .with_state(inner.clone())
            .layer(axum::middleware::from_fn_with_state(inner.clone(), per_ip))
            .layer(axum::middleware::from_fn_with_state(
                recorder.clone(),
                crate::fake::record,
            ));
        let (addr, shutdown) = crate::fake::serve(app, port).await?;
        Ok(FakePersonio {
            base_url: format!("http://{addr}"),
            inner,
            recorder,
            faults,
            _shutdown: shutdown,
        })
    }
}
