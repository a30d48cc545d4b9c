//! A fake Personio (API v1) that behaves like the real one as far as we know it
//! (`shared/hris/personio.md` §9): auth with JSON or form bodies, stable or rotating tokens,
//! item-offset pagination with a limit cap, attribute envelopes, whitelisting, rate limits and
//! injectable faults.
//!
//! ```ignore
//! let fake = FakePersonio::builder().people(30).seed(7).credentials("cid", "secret").start().await;
//! let base = fake.base_url();            // http://127.0.0.1:<port>
//! fake.add_fault(Fault::new(Target::Page(2), FaultKind::Status(500)));
//! let calls = fake.requests();           // everything it received
//! ```

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::people::{FakePerson, FakeStatus, generate, iso};
use super::{Fault, FaultKind, Faults, RecordedRequest, Recorder, Target};

/// Every attribute key the fake can send, in the order it sends them.
pub const ALL_KEYS: &[&str] = &[
    "id",
    "first_name",
    "last_name",
    "preferred_name",
    "email",
    "gender",
    "status",
    "position",
    "department",
    "supervisor",
    "hire_date",
    "termination_date",
    "employment_type",
    "weekly_working_hours",
    "dynamic_70112",
    "dynamic_70113",
    "dynamic_70114",
    "dynamic_70115",
    // Date of birth: a custom attribute Personio names by `universal_id`, as real accounts do.
    "dynamic_70116",
];

/// The fake's date-of-birth attribute and its Personio-wide name.
const BIRTH_DATE_KEY: &str = "dynamic_70116";

/// What the fake does with `limit` above the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverLimit {
    /// 400 with the v1 error envelope.
    Reject,
    /// Serve `max_limit` items and echo the clamped limit.
    Clamp,
}

#[derive(Debug, Clone)]
struct RateRule {
    target: Target,
    limit: usize,
    window: Duration,
    retry_after: Option<u64>,
}

/// Builds a [`FakePersonio`]; every knob has a default close to the real service.
#[derive(Debug, Clone)]
pub struct FakePersonioBuilder {
    people: usize,
    seed: u64,
    domain: String,
    roster: Option<Vec<FakePerson>>,
    client_id: String,
    client_secret: String,
    readable: Option<Vec<String>>,
    wrong_credentials_status: u16,
    reject_query_credentials: bool,
    max_limit: usize,
    default_limit: usize,
    over_limit: OverLimit,
    rotating_tokens: bool,
    expires_in: Option<u64>,
    ids_as_strings: bool,
    offsets_as_strings: bool,
    faults: Vec<Fault>,
    rates: Vec<RateRule>,
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
            expire_on: Mutex::new(Vec::new()),
            cfg: self,
        });
        let app = Router::new()
            .route("/v1/auth", post(auth))
            .route("/v1/company/employees", get(employees))
            .route("/v1/company/employees/attributes", get(attributes))
            .route("/v1/company/employees/custom-attributes", get(attributes))
            .fallback(|| async { envelope(StatusCode::NOT_FOUND, 404, "Not found") })
            .with_state(inner.clone())
            .layer(axum::middleware::from_fn_with_state(
                recorder.clone(),
                super::record,
            ));
        let (addr, shutdown) = super::serve(app, port).await?;
        Ok(FakePersonio {
            base_url: format!("http://{addr}"),
            inner,
            recorder,
            faults,
            _shutdown: shutdown,
        })
    }
}

/// A running fake Personio. Stops when dropped.
pub struct FakePersonio {
    base_url: String,
    inner: Arc<Inner>,
    recorder: Recorder,
    faults: Faults,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl FakePersonio {
    pub fn builder() -> FakePersonioBuilder {
        FakePersonioBuilder::default()
    }
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    pub fn client_id(&self) -> &str {
        &self.inner.cfg.client_id
    }
    pub fn client_secret(&self) -> &str {
        &self.inner.cfg.client_secret
    }
    /// Every request received so far, in order.
    /// How many 429 answers this fake has sent.
    pub fn throttled(&self) -> u64 {
        self.inner.throttled.load(Ordering::SeqCst)
    }
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.recorder.all()
    }
    /// Requests received for one path.
    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }
    pub fn clear_requests(&self) {
        self.recorder.clear();
    }
    pub fn add_fault(&self, f: Fault) {
        self.faults.add(f);
    }
    pub fn clear_faults(&self) {
        self.faults.clear();
    }
    /// The people as currently served (ordered by id).
    pub fn people(&self) -> Vec<FakePerson> {
        self.inner.people().clone()
    }
    /// Changes one person; false if there is none with that id.
    pub fn update(&self, id: u64, f: impl FnOnce(&mut FakePerson)) -> bool {
        let mut people = self.inner.people();
        match people.iter_mut().find(|p| p.id == id) {
            Some(p) => {
                f(p);
                true
            }
            None => false,
        }
    }
    pub fn set_status(&self, id: u64, status: FakeStatus) -> bool {
        self.update(id, |p| p.status = status)
    }
    pub fn remove(&self, id: u64) -> bool {
        let mut people = self.inner.people();
        let before = people.len();
        people.retain(|p| p.id != id);
        people.len() != before
    }
    /// Adds a person (kept in id order).
    pub fn add(&self, person: FakePerson) {
        let mut people = self.inner.people();
        people.push(person);
        people.sort_by_key(|p| p.id);
    }
    /// Gives `id` the same email as `other` (a duplicate email in the HRIS).
    pub fn duplicate_email(&self, id: u64, other: u64) -> bool {
        let Some(email) = self
            .people()
            .into_iter()
            .find(|p| p.id == other)
            .map(|p| p.email)
        else {
            return false;
        };
        self.update(id, |p| p.email = email)
    }
    /// Sends `id` with an empty email.
    pub fn drop_email(&self, id: u64) -> bool {
        self.update(id, |p| p.email = None)
    }
    /// Points `id`'s supervisor at an id nobody has.
    pub fn dangling_supervisor(&self, id: u64) -> bool {
        self.update(id, |p| p.supervisor_id = Some(999_999_999))
    }
    /// Makes `a` and `b` each other's supervisor.
    pub fn manager_loop(&self, a: u64, b: u64) -> bool {
        self.update(a, |p| p.supervisor_id = Some(b))
            && self.update(b, |p| p.supervisor_id = Some(a))
    }
    /// Invalidates every token issued so far (the next data call gets 401).
    pub fn expire_tokens(&self) {
        let mut t = self.inner.tokens.lock().unwrap_or_else(|e| e.into_inner());
        t.valid.clear();
        t.current = None;
    }
    /// Invalidates every token just before the next request to `target` is checked (a token
    /// expiring in the middle of a run).
    pub fn expire_tokens_before(&self, target: Target) {
        self.inner
            .expire_on
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(target);
    }
    /// Tokens issued by `/v1/auth` so far.
    pub fn tokens_issued(&self) -> u64 {
        self.inner.counter.load(Ordering::SeqCst)
    }
}

#[derive(Debug, Default)]
struct Tokens {
    /// The stable token `/v1/auth` hands out, until it expires.
    current: Option<(String, Option<Instant>)>,
    /// Tokens that work on data calls, with their expiry.
    valid: HashMap<String, Option<Instant>>,
}

struct Inner {
    cfg: FakePersonioBuilder,
    people: Mutex<Vec<FakePerson>>,
    tokens: Mutex<Tokens>,
    counter: AtomicU64,
    /// 429 answers sent (rate rules and rate-limit faults).
    throttled: AtomicU64,
    faults: Faults,
    rate_log: Mutex<HashMap<usize, VecDeque<Instant>>>,
    /// Requests before which every token is invalidated (once each).
    expire_on: Mutex<Vec<Target>>,
}

impl Inner {
    fn people(&self) -> std::sync::MutexGuard<'_, Vec<FakePerson>> {
        self.people.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn new_token(&self, t: &mut Tokens) -> String {
        let n = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        let token = format!("papi-{:08x}-{n:04}", self.cfg.seed as u32);
        let expiry = self
            .cfg
            .expires_in
            .map(|s| Instant::now() + Duration::from_secs(s));
        t.valid.insert(token.clone(), expiry);
        token
    }

    /// 429 if a rate rule for `target` is exhausted; otherwise counts the request.
    fn rate_limited(&self, target: Target) -> Option<Response> {
        let mut log = self.rate_log.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let applies =
            |t: Target| t == target || (t == Target::AnyPage && matches!(target, Target::Page(_)));
        for (i, rule) in self.cfg.rates.iter().enumerate() {
            if !applies(rule.target) {
                continue;
            }
            let q = log.entry(i).or_default();
            while q
                .front()
                .is_some_and(|t| now.duration_since(*t) >= rule.window)
            {
                q.pop_front();
            }
            if q.len() >= rule.limit {
                return Some(too_many(rule.retry_after));
            }
        }
        for (i, rule) in self.cfg.rates.iter().enumerate() {
            if applies(rule.target) {
                log.entry(i).or_default().push_back(now);
            }
        }
        None
    }

    /// Applies a pending fault for `target`: `Some(response)` answers instead of the handler.
    async fn fault(&self, target: Target) -> Option<Response> {
        if let Some(r) = self.rate_limited(target) {
            self.throttled.fetch_add(1, Ordering::SeqCst);
            return Some(r);
        }
        let kind = self.faults.take(target)?;
        if matches!(kind, FaultKind::RateLimited { .. }) {
            self.throttled.fetch_add(1, Ordering::SeqCst);
        }
        match kind {
            FaultKind::Status(s) => {
                let status = StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let msg = if s == 500 {
                    "Something went wrong"
                } else {
                    status.canonical_reason().unwrap_or("Error")
                };
                Some(envelope(status, s.into(), msg))
            }
            FaultKind::RateLimited { retry_after } => Some(too_many(retry_after)),
            FaultKind::NotJson => Some(
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html><body>Maintenance</body></html>",
                )
                    .into_response(),
            ),
            FaultKind::Slow(d) => {
                tokio::time::sleep(d).await;
                None
            }
            FaultKind::Redirect(to) => {
                Some((StatusCode::FOUND, [(header::LOCATION, to)]).into_response())
            }
            FaultKind::AddPerson => {
                let mut people = self.people();
                let id = people.iter().map(|p| p.id).max().unwrap_or(4_187_000) + 1;
                let mut p = generate(1, self.cfg.seed ^ id, &self.cfg.domain).remove(0);
                p.id = id;
                p.supervisor_id = people.first().map(|f| f.id);
                p.email = p.email.map(|e| format!("new.{e}"));
                people.push(p);
                None
            }
        }
    }

    fn readable(&self, key: &str) -> bool {
        key == "id"
            || self
                .cfg
                .readable
                .as_ref()
                .is_none_or(|r| r.iter().any(|k| k == key))
    }

    fn expire_if_due(&self, target: Target) {
        let mut due = self.expire_on.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = due.iter().position(|t| *t == target) {
            due.remove(i);
            let mut t = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
            t.valid.clear();
            t.current = None;
        }
    }

    /// Checks the bearer token; `Err` is the 401 answer.
    fn authorize(&self, headers: &HeaderMap) -> Result<String, Box<Response>> {
        let Some(value) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return Err(Box::new(envelope(
                StatusCode::UNAUTHORIZED,
                401,
                "Authorization is not provided",
            )));
        };
        let token = value.strip_prefix("Bearer ").unwrap_or(value).trim();
        let mut t = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        let ok = match t.valid.get(token) {
            Some(Some(exp)) => Instant::now() < *exp,
            Some(None) => true,
            None => false,
        };
        if !ok {
            return Err(Box::new(envelope(
                StatusCode::UNAUTHORIZED,
                401,
                "Provided authorization is not valid",
            )));
        }
        if self.cfg.rotating_tokens {
            t.valid.remove(token);
            return Ok(self.new_token(&mut t));
        }
        Ok(token.to_owned())
    }
}

fn envelope(status: StatusCode, code: i64, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"success": false, "error": {"code": code, "message": message}})),
    )
        .into_response()
}

fn too_many(retry_after: Option<u64>) -> Response {
    let mut r = envelope(StatusCode::TOO_MANY_REQUESTS, 429, "Too many requests");
    if let Some(s) = retry_after {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    r
}

fn with_token(mut r: Response, token: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("Bearer {token}")) {
        r.headers_mut().insert(header::AUTHORIZATION, v);
    }
    r
}

async fn auth(
    State(st): State<Arc<Inner>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = st.fault(Target::Auth).await {
        return r;
    }
    let query_pairs: HashMap<String, String> =
        url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    if st.cfg.reject_query_credentials
        && (query_pairs.contains_key("client_id") || query_pairs.contains_key("client_secret"))
    {
        return envelope(
            StatusCode::FORBIDDEN,
            403,
            "Credentials in the query string are no longer accepted",
        );
    }
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let creds: Option<(String, String)> = if ctype.starts_with("application/json") {
        serde_json::from_slice::<Value>(&body).ok().and_then(|v| {
            Some((
                v.get("client_id")?.as_str()?.to_owned(),
                v.get("client_secret")?.as_str()?.to_owned(),
            ))
        })
    } else if ctype.starts_with("application/x-www-form-urlencoded") {
        let form: HashMap<String, String> =
            url::form_urlencoded::parse(&body).into_owned().collect();
        form.get("client_id")
            .cloned()
            .zip(form.get("client_secret").cloned())
    } else {
        query_pairs
            .get("client_id")
            .cloned()
            .zip(query_pairs.get("client_secret").cloned())
    };
    let Some((id, secret)) = creds else {
        return envelope(
            StatusCode::BAD_REQUEST,
            400,
            "client_id and client_secret are required",
        );
    };
    if id != st.cfg.client_id || secret != st.cfg.client_secret {
        let status =
            StatusCode::from_u16(st.cfg.wrong_credentials_status).unwrap_or(StatusCode::FORBIDDEN);
        return envelope(status, 0, "Wrong credentials");
    }
    let mut t = st.tokens.lock().unwrap_or_else(|e| e.into_inner());
    let reuse = match &t.current {
        Some((tok, exp)) => t.valid.contains_key(tok) && exp.is_none_or(|e| Instant::now() < e),
        None => false,
    };
    let token = if reuse && !st.cfg.rotating_tokens {
        t.current
            .as_ref()
            .map(|(tok, _)| tok.clone())
            .unwrap_or_default()
    } else {
        let tok = st.new_token(&mut t);
        let exp = t.valid.get(&tok).copied().flatten();
        t.current = Some((tok.clone(), exp));
        tok
    };
    let mut data = json!({"token": token, "scope": "employees:read"});
    if let Some(s) = st.cfg.expires_in {
        data["expires_in"] = json!(s);
    }
    axum::Json(json!({"success": true, "data": data})).into_response()
}

async fn attributes(State(st): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    if let Some(r) = st.fault(Target::Attributes).await {
        return r;
    }
    let token = match st.authorize(&headers) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    let sample = st.people().first().cloned();
    let data: Vec<Value> = ALL_KEYS
        .iter()
        .filter(|k| st.readable(k))
        .map(|k| {
            let (label, kind) = label_and_kind(k, sample.as_ref());
            let universal = if *k == BIRTH_DATE_KEY {
                json!("date_of_birth")
            } else if k.starts_with("dynamic_") {
                Value::Null
            } else {
                json!(k)
            };
            json!({"key": k, "label": label, "type": kind, "universal_id": universal, "options": []})
        })
        .collect();
    with_token(
        axum::Json(json!({"success": true, "data": data})).into_response(),
        &token,
    )
}

fn label_and_kind(key: &str, sample: Option<&FakePerson>) -> (String, &'static str) {
    if let Some(c) = sample.and_then(|p| p.custom.iter().find(|c| c.key == key)) {
        return (c.label.clone(), c.kind);
    }
    let (label, kind) = match key {
        "id" => ("ID", "integer"),
        "first_name" => ("First name", "standard"),
        "last_name" => ("Last name", "standard"),
        "preferred_name" => ("Preferred name", "standard"),
        "email" => ("Email", "standard"),
        "gender" => ("Gender", "standard"),
        "status" => ("Status", "standard"),
        "position" => ("Position", "standard"),
        "department" => ("Department", "standard"),
        "supervisor" => ("Supervisor", "standard"),
        "hire_date" => ("Hire date", "date"),
        "termination_date" => ("Termination date", "date"),
        "employment_type" => ("Employment type", "standard"),
        "weekly_working_hours" => ("Weekly hours", "standard"),
        BIRTH_DATE_KEY => ("Date of birth", "date"),
        _ => ("Attribute", "standard"),
    };
    (label.to_owned(), kind)
}

async fn employees(
    State(st): State<Arc<Inner>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let cfg = &st.cfg;
    let mut limit = match param("limit").map(|l| l.parse::<usize>()) {
        None => cfg.default_limit,
        Some(Ok(l)) if l >= 1 => l,
        Some(_) => {
            return envelope(
                StatusCode::BAD_REQUEST,
                400,
                "limit must be a positive number",
            );
        }
    };
    if limit > cfg.max_limit {
        match cfg.over_limit {
            OverLimit::Reject => {
                return envelope(
                    StatusCode::BAD_REQUEST,
                    400,
                    &format!("limit must not exceed {}", cfg.max_limit),
                );
            }
            OverLimit::Clamp => limit = cfg.max_limit,
        }
    }
    let offset = match param("offset").map(|o| o.parse::<usize>()) {
        None => 0,
        Some(Ok(o)) => o,
        Some(Err(_)) => return envelope(StatusCode::BAD_REQUEST, 400, "offset must be a number"),
    };
    if let Some(r) = st.fault(Target::Page((offset / limit) as u32)).await {
        return r;
    }
    st.expire_if_due(Target::Page((offset / limit) as u32));
    let token = match st.authorize(&headers) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    let wanted: Option<HashSet<String>> = {
        let a: HashSet<String> = pairs
            .iter()
            .filter(|(k, _)| k == "attributes[]" || k == "attributes")
            .map(|(_, v)| v.clone())
            .collect();
        (!a.is_empty()).then_some(a)
    };
    // Borrowed, not cloned, and supervisors looked up for this page only: a page of a
    // 50,000-person fake must cost a page, or the benchmarks measure the fake.
    let people = st.people();
    let selected: Vec<&FakePerson> = match param("email") {
        Some(e) => people
            .iter()
            .filter(|p| {
                p.email
                    .as_deref()
                    .is_some_and(|m| m.eq_ignore_ascii_case(&e))
            })
            .collect(),
        None => people.iter().collect(),
    };
    let total = selected.len();
    let page: Vec<&FakePerson> = selected.iter().skip(offset).take(limit).copied().collect();
    let supervisors: HashSet<u64> = page.iter().filter_map(|p| p.supervisor_id).collect();
    let by_id: HashMap<u64, &FakePerson> = people
        .iter()
        .filter(|p| supervisors.contains(&p.id))
        .map(|p| (p.id, p))
        .collect();
    let data: Vec<Value> = page
        .iter()
        .map(|p| render(&st, p, &by_id, wanted.as_ref()))
        .collect();
    let num = |n: usize| {
        if cfg.offsets_as_strings {
            json!(n.to_string())
        } else {
            json!(n)
        }
    };
    let body = json!({
        "success": true,
        "metadata": {
            "total_elements": total,
            "current_page": offset / limit,
            "total_pages": total.div_ceil(limit),
        },
        "offset": num(offset),
        "limit": num(limit),
        "data": data,
    });
    drop(people);
    with_token(axum::Json(body).into_response(), &token)
}

fn attr(label: &str, value: Value, kind: &str, universal: Option<&str>) -> Value {
    json!({"label": label, "value": value, "type": kind, "universal_id": universal})
}

fn render(
    st: &Inner,
    p: &FakePerson,
    by_id: &HashMap<u64, &FakePerson>,
    wanted: Option<&HashSet<String>>,
) -> Value {
    let id_value = |id: u64| {
        if st.cfg.ids_as_strings {
            json!(id.to_string())
        } else {
            json!(id)
        }
    };
    let date = |d: Option<time::Date>| match d {
        Some(d) => json!(format!("{}T00:00:00{}", iso(d), p.hire_offset)),
        None => Value::Null,
    };
    let mut attrs = serde_json::Map::new();
    for &key in ALL_KEYS {
        let sent = key == "id" || (st.readable(key) && wanted.is_none_or(|w| w.contains(key)));
        if !sent {
            continue;
        }
        let (label, kind) = label_and_kind(key, Some(p));
        let std = |v: Value| attr(&label, v, kind, Some(key));
        let v = match key {
            "id" => std(id_value(p.id)),
            "first_name" => std(json!(p.first_name)),
            "last_name" => std(json!(p.last_name)),
            "preferred_name" => std(json!("")),
            "email" => std(json!(p.email.clone().unwrap_or_default())),
            "gender" => std(json!(p.gender)),
            "status" => std(json!(p.status.as_str())),
            "position" => std(json!(p.position)),
            "department" => std(match &p.department {
                Some(d) => {
                    json!({"type": "Department", "attributes": {"id": d.id, "name": d.name}})
                }
                None => Value::Null,
            }),
            "supervisor" => std(match p.supervisor_id {
                Some(sid) => {
                    let s = by_id.get(&sid);
                    json!({"type": "Employee", "attributes": {
                        "id": attr("ID", id_value(sid), "integer", Some("id")),
                        "first_name": attr("First name", json!(s.map(|s| s.first_name.clone()).unwrap_or_default()), "standard", Some("first_name")),
                        "last_name": attr("Last name", json!(s.map(|s| s.last_name.clone()).unwrap_or_default()), "standard", Some("last_name")),
                        "email": attr("Email", json!(s.and_then(|s| s.email.clone()).unwrap_or_default()), "standard", Some("email")),
                    }})
                }
                None => Value::Null,
            }),
            "hire_date" => std(date(p.hire_date)),
            "termination_date" => std(date(p.termination_date)),
            "employment_type" => std(json!("internal")),
            "weekly_working_hours" => std(json!(p.weekly_working_hours)),
            BIRTH_DATE_KEY => attr(&label, date(p.birth_date), kind, Some("date_of_birth")),
            k => match p.custom.iter().find(|c| c.key == k) {
                Some(c) => attr(&c.label, c.value.clone(), c.kind, None),
                None => continue,
            },
        };
        attrs.insert(key.to_owned(), v);
    }
    json!({"type": "Employee", "attributes": attrs})
}

/// Runs a fake Personio on `127.0.0.1:port` with `people` generated from `seed` until Ctrl-C,
/// printing its address and credentials (for `roster fake-hris`).
pub async fn run_personio(port: u16, people: usize, seed: u64) -> anyhow::Result<()> {
    let secret = format!("sec_demo_{seed:x}");
    let fake = FakePersonio::builder()
        .people(people)
        .seed(seed)
        .credentials("cid_demo", &secret)
        .personio_rate_limits()
        .start_on(port)
        .await
        .map_err(|e| anyhow::anyhow!("could not listen on 127.0.0.1:{port}: {e}"))?;
    println!("Fake Personio listening on {}", fake.base_url());
    println!("  base URL:      {}", fake.base_url());
    println!("  client ID:     {}", fake.client_id());
    println!("  client secret: {}", fake.client_secret());
    println!("  people:        {people} (seed {seed})");
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    drop(fake);
    Ok(())
}
