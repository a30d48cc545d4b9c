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
mod limits;
pub mod parse;
mod token;
mod verify;

pub use limits::{DEPLOYMENT_PER_MINUTE, PersonioLimits, PersonioOptions};
pub use verify::Verification;

use std::collections::{BTreeSet, HashSet};

use tokio::sync::Mutex;
use url::Url;

use super::pacing::Pacer;
use super::secret::Secret;
use super::transport::{FetchError, Reply, Transport};
use super::{Provider, Snapshot};
pub use attributes::Offered;
use parse::{ParseError, REQUIRED_KEYS, parse_page};
use token::Token;

const PROVIDER: Provider = Provider::Personio;
const CREDENTIAL: &str = "client ID and secret";

/// A Personio API credential. `Debug` never shows the secret.
#[derive(Debug, Clone)]
pub struct PersonioCredentials {
    pub client_id: String,
    pub client_secret: Secret,
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
            let reply = self.data_get(url, &[&self.limits.employees]).await?;
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
