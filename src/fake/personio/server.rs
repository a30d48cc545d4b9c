//! The fake's state (tokens, rate rules, faults, whitelisting) and `POST /v1/auth`.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::FakePersonioBuilder;
use crate::fake::people::{FakePerson, generate};
use crate::fake::{FaultKind, Faults, Target};

#[derive(Debug, Default)]
pub(super) struct Tokens {
    /// The stable token `/v1/auth` hands out, until it expires.
    pub(super) current: Option<(String, Option<Instant>)>,
    /// Tokens that work on data calls, with their expiry.
    pub(super) valid: HashMap<String, Option<Instant>>,
}

pub(super) struct Inner {
    pub(super) cfg: FakePersonioBuilder,
    /// The credential's readable attributes (starts as the builder's; tests may change it).
    pub(super) readable: Mutex<Option<Vec<String>>>,
    pub(super) people: Mutex<Vec<FakePerson>>,
    pub(super) tokens: Mutex<Tokens>,
    pub(super) counter: AtomicU64,
    /// 429 answers sent (rate rules and rate-limit faults).
    pub(super) throttled: AtomicU64,
    pub(super) faults: Faults,
    pub(super) rate_log: Mutex<HashMap<usize, VecDeque<Instant>>>,
    pub(super) per_ip: Option<super::per_ip::PerIp>,
    /// Requests before which every token is invalidated (once each).
    pub(super) expire_on: Mutex<Vec<Target>>,
}

impl Inner {
    pub(super) fn people(&self) -> std::sync::MutexGuard<'_, Vec<FakePerson>> {
        self.people.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn new_token(&self, t: &mut Tokens) -> String {
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
    pub(super) fn rate_limited(&self, target: Target) -> Option<Response> {
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
    pub(super) async fn fault(&self, target: Target) -> Option<Response> {
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

    pub(super) fn readable(&self, key: &str) -> bool {
        key == "id"
            || self
                .readable
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
                .is_none_or(|r| r.iter().any(|k| k == key))
    }

    pub(super) fn expire_if_due(&self, target: Target) {
        let mut due = self.expire_on.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = due.iter().position(|t| *t == target) {
            due.remove(i);
            let mut t = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
            t.valid.clear();
            t.current = None;
        }
    }

    /// Checks the bearer token; `Err` is the 401 answer.
    pub(super) fn authorize(&self, headers: &HeaderMap) -> Result<String, Box<Response>> {
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

pub(super) fn envelope(status: StatusCode, code: i64, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"success": false, "error": {"code": code, "message": message}})),
    )
        .into_response()
}

pub(super) fn too_many(retry_after: Option<u64>) -> Response {
    let mut r = envelope(StatusCode::TOO_MANY_REQUESTS, 429, "Too many requests");
    if let Some(s) = retry_after {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    r
}

pub(super) fn with_token(mut r: Response, token: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("Bearer {token}")) {
        r.headers_mut().insert(header::AUTHORIZATION, v);
    }
    r
}

pub(super) async fn auth(
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
