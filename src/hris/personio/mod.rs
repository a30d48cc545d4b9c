//! The Personio (API v1) client: authenticates, reads every employee page and returns a complete
//! [`Snapshot`] or an error, never a part.
//!
//! ```ignore
//! let transport = Transport::new(Provider::Personio, TransportConfig::default())?;
//! let limits = PersonioLimits::personio_defaults(deployment_pacer.clone());
//! let client = PersonioClient::new(base_url, creds, transport, limits)?;
//! let check = client.verify().await?;   // credentials + readable attributes
//! let snapshot = client.fetch().await?; // every page, or an error
//! ```

pub mod attributes;
pub mod parse;

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::AUTHORIZATION;
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use super::pacing::Pacer;
use super::secret::Secret;
use super::transport::{FetchError, Reply, Transport};
use super::{Provider, Snapshot};
pub use attributes::Offered;
use parse::{ParseError, REQUIRED_KEYS, USED_KEYS, parse_page};

const PROVIDER: Provider = Provider::Personio;
const CREDENTIAL: &str = "client ID and secret";

/// A Personio API credential. `Debug` never shows the secret.
#[derive(Debug, Clone)]
pub struct PersonioCredentials {
    pub client_id: String,
    pub client_secret: Secret,
}

/// Rate limiters the client waits on. Share `deployment` across every Personio client of this
/// process; `employees` and `auth` belong to one credential.
#[derive(Debug, Clone)]
pub struct PersonioLimits {
    pub deployment: Arc<Pacer>,
    pub employees: Arc<Pacer>,
    pub auth: Arc<Pacer>,
}

impl PersonioLimits {
    /// Personio's published limits: 300 employee pages a minute in bursts of 15 a second, 60
    /// auth calls a minute, kept as sliding windows (how the fake, and by its 429s Personio,
    /// counts). Pass the deployment-wide pacer (see [`PersonioLimits::deployment_default`]).
    pub fn personio_defaults(deployment: Arc<Pacer>) -> PersonioLimits {
        PersonioLimits::scaled(deployment, 300, 15)
    }
    /// Employee pages limited to `per_minute` and `per_second` (benchmarks scale Personio's
    /// limits up); auth as Personio documents it.
    pub fn scaled(deployment: Arc<Pacer>, per_minute: u32, per_second: u32) -> PersonioLimits {
        PersonioLimits {
            deployment,
            employees: Arc::new(Pacer::windows(&[
                (per_minute, Duration::from_secs(60)),
                (per_second, Duration::from_secs(1)),
            ])),
            auth: Arc::new(Pacer::windows(&[(60, Duration::from_secs(60))])),
        }
    }
    /// The deployment-wide pacer: 2,000 requests a minute.
    pub fn deployment_default() -> Arc<Pacer> {
        Arc::new(Pacer::new(2_000, 50))
    }
    /// No waiting at all (tests against a local fake).
    pub fn unlimited() -> PersonioLimits {
        PersonioLimits {
            deployment: Arc::new(Pacer::unlimited()),
            employees: Arc::new(Pacer::unlimited()),
            auth: Arc::new(Pacer::unlimited()),
        }
    }
}

/// Knobs with sensible defaults.
#[derive(Debug, Clone)]
pub struct PersonioOptions {
    /// `limit` sent with each page (Personio's cap is 100).
    pub page_size: u32,
    /// More pages than this is an error (protects against a server that never ends a list).
    pub max_pages: u32,
    /// Re-authenticate this long before the token's `expires_in` runs out.
    pub token_margin: Duration,
    /// Optional `X-Personio-Partner-ID` / `X-Personio-App-ID` headers.
    pub partner_id: Option<String>,
    pub app_id: Option<String>,
}

impl Default for PersonioOptions {
    fn default() -> Self {
        PersonioOptions {
            page_size: 100,
            max_pages: 1_000,
            token_margin: Duration::from_secs(300),
            partner_id: None,
            app_id: None,
        }
    }
}

/// What [`PersonioClient::verify`] found: the credential works and can read what we need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Attribute keys the credential may read, as Personio lists them.
    pub readable: Vec<String>,
    /// Attributes we use that the credential may not read: those fields are left alone.
    pub missing_optional: Vec<String>,
}

impl Verification {
    /// Sentences for the settings page, one per missing optional attribute.
    pub fn warnings(&self) -> Vec<String> {
        self.missing_optional
            .iter()
            .map(|k| format!("The Personio credential may not read \"{k}\", so Roster will leave that field alone."))
            .collect()
    }
}

#[derive(Debug, Clone)]
struct Token {
    value: String,
    valid_until: Instant,
}

/// A Personio v1 client for one credential.
#[derive(Debug)]
pub struct PersonioClient {
    base: Url,
    creds: PersonioCredentials,
    transport: Transport,
    limits: PersonioLimits,
    options: PersonioOptions,
    token: Mutex<Option<Token>>,
}

impl PersonioClient {
    /// `base_url` is the API root without `/v1` (`https://api.personio.de`, or
    /// `http://127.0.0.1:<port>` for the fake); a path prefix is kept.
    pub fn new(
        base_url: Url,
        creds: PersonioCredentials,
        transport: Transport,
        limits: PersonioLimits,
    ) -> Result<PersonioClient, FetchError> {
        let config = |detail: &str| FetchError::Config {
            provider: PROVIDER,
            detail: detail.to_owned(),
        };
        if !matches!(base_url.scheme(), "http" | "https") || base_url.host().is_none() {
            return Err(config("the base URL must be an http(s) address"));
        }
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(config("the base URL must not have a query or fragment"));
        }
        if !base_url.username().is_empty() || base_url.password().is_some() {
            return Err(config(
                "the base URL must not contain a user name or password",
            ));
        }
        if creds.client_id.trim().is_empty() || creds.client_secret.expose().trim().is_empty() {
            return Err(config("the client ID and secret must not be empty"));
        }
        Ok(PersonioClient {
            base: base_url,
            creds,
            transport,
            limits,
            options: PersonioOptions::default(),
            token: Mutex::new(None),
        })
    }

    pub fn with_options(mut self, options: PersonioOptions) -> PersonioClient {
        self.options = options;
        self
    }

    /// `{base}/{path}` with the base's own path kept as a prefix.
    fn endpoint(&self, path: &str) -> Url {
        let mut u = self.base.clone();
        let prefix = self.base.path().trim_end_matches('/');
        u.set_path(&format!("{prefix}/{path}"));
        u
    }

    /// Every employee, all pages, or an error.
    pub async fn fetch(&self) -> Result<Snapshot, FetchError> {
        let limit = self.options.page_size.max(1);
        let mut people = Vec::new();
        let mut ids = HashSet::new();
        let mut keys_seen = BTreeSet::new();
        let mut total: Option<u64> = None;
        let mut offset: u64 = 0;
        let mut pages: u32 = 0;
        let inconsistent = |detail: String| FetchError::Inconsistent {
            provider: PROVIDER,
            detail,
        };
        loop {
            if pages >= self.options.max_pages {
                return Err(FetchError::TooManyPages {
                    provider: PROVIDER,
                    pages: self.options.max_pages,
                });
            }
            let mut url = self.endpoint("v1/company/employees");
            url.query_pairs_mut()
                .append_pair("limit", &limit.to_string())
                .append_pair("offset", &offset.to_string());
            let reply = self
                .data_get(url, &[&self.limits.deployment, &self.limits.employees])
                .await?;
            let page = parse_page(&reply.body).map_err(parse_error)?;
            pages += 1;
            if let Some(t) = page.total_elements {
                match total {
                    Some(prev) if prev != t => {
                        return Err(inconsistent(format!(
                            "the total went from {prev} to {t} between pages"
                        )));
                    }
                    _ => total = Some(t),
                }
            }
            if page.offset.is_some_and(|o| o != offset) {
                return Err(inconsistent(format!(
                    "asked for offset {offset}, got {}",
                    page.offset.unwrap_or_default()
                )));
            }
            let n = page.people.len() as u64;
            keys_seen.extend(page.keys_seen);
            for p in page.people {
                if !ids.insert(p.source_id.clone()) {
                    return Err(inconsistent(format!(
                        "employee {} came twice (the list shifted while we read it)",
                        p.source_id
                    )));
                }
                people.push(p);
            }
            offset += n;
            // Without a total, only an empty page ends the list: a short page may just mean the
            // server clamped our `limit`.
            let done = total.is_some_and(|t| offset >= t);
            if n == 0 || done {
                break;
            }
        }
        if let Some(t) = total
            && offset != t
        {
            return Err(inconsistent(format!("said {t} employees, sent {offset}")));
        }
        // Keys no employee carried: the credential may not read them. Without the required ones
        // the sync cannot run; the others the sync names itself, from the people.
        let missing: Vec<String> = if people.is_empty() {
            Vec::new()
        } else {
            REQUIRED_KEYS
                .iter()
                .filter(|k| !keys_seen.contains(**k))
                .map(|k| k.to_string())
                .collect()
        };
        if !missing.is_empty() {
            return Err(FetchError::MissingAttributes {
                provider: PROVIDER,
                keys: missing,
            });
        }
        tracing::info!(people = people.len(), pages, "fetched Personio snapshot");
        Ok(Snapshot {
            provider: PROVIDER,
            people,
            pages,
        })
    }

    /// Proves the credential works (one auth call) and reads the attribute list: an error when
    /// email or status cannot be read, warnings for other attributes we use.
    pub async fn verify(&self) -> Result<Verification, FetchError> {
        // Always a fresh token: a cached one would not prove the secret still works.
        *self.token.lock().await = None;
        let readable: Vec<String> = self
            .attributes()
            .await?
            .into_iter()
            .map(|a| a.info.key)
            .collect();
        let missing = |keys: &[&str]| -> Vec<String> {
            keys.iter()
                .filter(|k| !readable.iter().any(|r| r == **k))
                .map(|k| k.to_string())
                .collect()
        };
        let required = missing(REQUIRED_KEYS);
        if !required.is_empty() {
            return Err(FetchError::MissingAttributes {
                provider: PROVIDER,
                keys: required,
            });
        }
        let optional: Vec<&str> = USED_KEYS
            .iter()
            .copied()
            .filter(|k| !REQUIRED_KEYS.contains(k))
            .collect();
        Ok(Verification {
            missing_optional: missing(&optional),
            readable,
        })
    }

    /// The attributes the credential may read, as Personio lists them (custom ones included).
    pub async fn attributes(&self) -> Result<Vec<Offered>, FetchError> {
        let reply = self
            .data_get(
                self.endpoint("v1/company/employees/attributes"),
                &[&self.limits.deployment],
            )
            .await?;
        attributes::parse_listing(&reply.body).map_err(|detail| FetchError::Unreadable {
            provider: PROVIDER,
            detail,
        })
    }

    /// A GET with the bearer token; on 401 re-authenticates once and tries again. Adopts a new
    /// token from the answer's `authorization` header.
    async fn data_get(&self, url: Url, pacers: &[&Pacer]) -> Result<Reply, FetchError> {
        let mut reauthed = false;
        loop {
            let token = self.token().await?;
            let result = self
                .transport
                .send(pacers, || {
                    let mut req = self
                        .transport
                        .client()
                        .get(url.clone())
                        .bearer_auth(&token.value)
                        .header(reqwest::header::ACCEPT, "application/json");
                    if let Some(p) = &self.options.partner_id {
                        req = req.header("X-Personio-Partner-ID", p);
                    }
                    if let Some(a) = &self.options.app_id {
                        req = req.header("X-Personio-App-ID", a);
                    }
                    req
                })
                .await;
            match result {
                Ok(reply) => {
                    self.adopt_token(&reply, &token).await;
                    return Ok(reply);
                }
                Err(e) if e.status() == Some(401) && !reauthed => {
                    tracing::info!("Personio refused the token; authenticating again");
                    reauthed = true;
                    let mut t = self.token.lock().await;
                    if t.as_ref().is_some_and(|c| c.value == token.value) {
                        *t = None;
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn adopt_token(&self, reply: &Reply, used: &Token) {
        let Some(header) = reply
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return;
        };
        let new = header.strip_prefix("Bearer ").unwrap_or(header).trim();
        if new.is_empty() || new == used.value {
            return;
        }
        let mut t = self.token.lock().await;
        *t = Some(Token {
            value: new.to_owned(),
            valid_until: used.valid_until,
        });
    }

    /// The cached token, or a new one from `POST /v1/auth`.
    async fn token(&self) -> Result<Token, FetchError> {
        let mut cached = self.token.lock().await;
        if let Some(t) = cached.as_ref()
            && Instant::now() < t.valid_until
        {
            return Ok(t.clone());
        }
        let url = self.endpoint("v1/auth");
        let body = serde_json::json!({
            "client_id": self.creds.client_id,
            "client_secret": self.creds.client_secret.expose(),
        });
        let reply = self
            .transport
            .send(&[&self.limits.deployment, &self.limits.auth], || {
                self.transport
                    .client()
                    .post(url.clone())
                    .json(&body)
                    .header(reqwest::header::ACCEPT, "application/json")
            })
            .await
            .map_err(|e| match e.status() {
                Some(401 | 403) => FetchError::CredentialsRejected {
                    provider: PROVIDER,
                    credential: CREDENTIAL,
                },
                _ => e,
            })?;
        let v: Value = reply.json(PROVIDER)?;
        let value = v
            .pointer("/data/token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| FetchError::Unreadable {
                provider: PROVIDER,
                detail: "the sign-in answer has no token".into(),
            })?
            .to_owned();
        let expires_in = v
            .pointer("/data/expires_in")
            .and_then(|e| e.as_u64().or_else(|| e.as_str()?.trim().parse().ok()))
            .unwrap_or(86_400);
        let lifetime = Duration::from_secs(expires_in);
        let margin = self.options.token_margin.min(lifetime / 10);
        let token = Token {
            value,
            valid_until: Instant::now() + lifetime.saturating_sub(margin),
        };
        *cached = Some(token.clone());
        Ok(token)
    }
}

fn parse_error(e: ParseError) -> FetchError {
    match e {
        ParseError::NotJson => FetchError::NotJson { provider: PROVIDER },
        other => FetchError::Unreadable {
            provider: PROVIDER,
            detail: other.to_string(),
        },
    }
}
