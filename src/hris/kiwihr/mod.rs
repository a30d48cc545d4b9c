//! The kiwiHR (Tellent HR) client: pages through `users` over GraphQL and returns a complete
//! [`Snapshot`] or an error, never a part.
//!
//! ```ignore
//! let endpoint = KiwiEndpoint::parse(&form.url)?;            // or operator_override(url) in tests
//! let transport = Transport::new(Provider::Kiwihr, TransportConfig::default())?;
//! let client = KiwiClient::new(endpoint, KiwiCredentials { api_key }, transport)?;
//! let check = client.verify().await?;   // the key works and the query is accepted
//! let snapshot = client.fetch().await?; // every page, or an error
//! ```
//! kiwiHR documents no rate limit, so the client waits only on an optional pacer
//! ([`KiwiOptions::pacer`]); the transport retries 429/5xx/timeouts and never follows redirects.

mod endpoint;
pub mod fields;
mod parse;

use std::collections::HashSet;
use std::sync::Arc;

use reqwest::header::HeaderValue;
use serde_json::{Value, json};

use super::pacing::Pacer;
use super::secret::Secret;
use super::transport::{FetchError, Transport};
use super::{HrisPerson, Provider, Snapshot};

pub use endpoint::{EXPECTED_SHAPE, EndpointError, KiwiEndpoint, OverrideError};
pub use parse::{OWNS, ReplyError, UsersPage, graphql_errors, parse_date, parse_users_page};

const PROVIDER: Provider = Provider::Kiwihr;
const CREDENTIAL: &str = "API token";

/// The query the sync runs (kiwihr.md §6, plus `gender`). The fake server checks it against its
/// schema, so a misspelled field fails the tests.
pub const USERS_QUERY: &str =
    "query RosterUsers($offset: Int!, $limit: Int!, $sort: [SortArgInput!]) {
  users(offset: $offset, limit: $limit, sort: $sort) {
    items {
      id firstName lastName email birthDate employeeNumber
      employmentStartDate employmentEndDate isActive gender
      position { id name }
      location { id name }
      nationality language pronouns
      manager { id email }
      team { id name }
      teams { id name }
    }
    pageInfo { limit offset count next }
  }
}";

/// A kiwiHR API credential. `Debug` never shows the key.
#[derive(Debug, Clone)]
pub struct KiwiCredentials {
    pub api_key: Secret,
}

/// Knobs with sensible defaults.
#[derive(Debug, Clone)]
pub struct KiwiOptions {
    /// `limit` sent with each page (public clients use 100; the real maximum is undocumented).
    pub page_size: u32,
    /// More pages than this is an error, never a partial list (guards against a list that
    /// keeps growing or a server that never ends it).
    pub max_pages: u32,
    /// Waited on before every request. Unlimited by default: kiwiHR publishes no rate limit and
    /// a sync makes about N/100 requests a day.
    pub pacer: Arc<Pacer>,
}

impl Default for KiwiOptions {
    fn default() -> Self {
        KiwiOptions {
            page_size: 100,
            max_pages: 1_000,
            pacer: Arc::new(Pacer::unlimited()),
        }
    }
}

/// What [`KiwiClient::verify`] found out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KiwiVerification {
    /// `pageInfo.count`: how many users (active and deactivated) the key can see.
    pub people: u64,
}

/// A kiwiHR GraphQL client for one company.
#[derive(Debug)]
pub struct KiwiClient {
    endpoint: KiwiEndpoint,
    /// The trimmed key, marked sensitive (its `Debug` prints `Sensitive`).
    api_key_header: HeaderValue,
    transport: Transport,
    options: KiwiOptions,
}

impl KiwiClient {
    /// `transport` must be built for [`Provider::Kiwihr`] (its errors name the provider).
    pub fn new(
        endpoint: KiwiEndpoint,
        creds: KiwiCredentials,
        transport: Transport,
    ) -> Result<KiwiClient, FetchError> {
        KiwiClient::with_options(endpoint, creds, transport, KiwiOptions::default())
    }

    pub fn with_options(
        endpoint: KiwiEndpoint,
        creds: KiwiCredentials,
        transport: Transport,
        options: KiwiOptions,
    ) -> Result<KiwiClient, FetchError> {
        let config = |detail: &str| FetchError::Config {
            provider: PROVIDER,
            detail: detail.to_owned(),
        };
        if transport.provider() != PROVIDER {
            return Err(config("the HTTP transport was built for another provider"));
        }
        let key = creds.api_key.expose().trim();
        if key.is_empty() {
            return Err(config("the API token is empty"));
        }
        // Checked here, once: a key that cannot be a header value would otherwise fail inside
        // the transport as a "connection" error and be retried.
        let mut api_key_header = HeaderValue::from_str(key)
            .map_err(|_| config("the API token contains characters that cannot be sent"))?;
        api_key_header.set_sensitive(true);
        if options.page_size == 0 || options.max_pages == 0 {
            return Err(config("page size and page cap must be at least 1"));
        }
        Ok(KiwiClient {
            endpoint,
            api_key_header,
            transport,
            options,
        })
    }

    pub fn endpoint(&self) -> &KiwiEndpoint {
        &self.endpoint
    }

    /// The cheapest call that proves the key works: one user, with the sync's own query (so a
    /// schema change on kiwiHR's side shows up at connect time, not at the first sync).
    pub async fn verify(&self) -> Result<KiwiVerification, FetchError> {
        let page = self.page(0, 1).await?;
        Ok(KiwiVerification { people: page.count })
    }

    /// Every user on every page, or an error. Pages are cut by `offset`/`limit` in ascending id
    /// order; the walk stops at `offset + items >= count` or an empty page, and the
    /// result must then hold exactly `count` distinct users, or the list changed under us.
    pub async fn fetch(&self) -> Result<Snapshot, FetchError> {
        let limit = u64::from(self.options.page_size);
        let mut people: Vec<HrisPerson> = Vec::new();
        let mut offset = 0u64;
        let mut pages = 0u32;
        let mut total: Option<u64> = None;
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
            let page = self.page(offset, limit).await?;
            pages += 1;
            match total {
                None => total = Some(page.count),
                Some(t) if t != page.count => {
                    return Err(inconsistent(format!(
                        "the number of people went from {t} to {} between pages",
                        page.count
                    )));
                }
                Some(_) => {}
            }
            let n = page.people.len() as u64;
            people.extend(page.people);
            // A short page before `count` is reached is read as the server clamping `limit`
            // (the real maximum is undocumented): carry on from where it ended. The equality
            // check below still refuses a list that came up short.
            if n == 0 || offset + n >= page.count {
                break;
            }
            offset += n;
        }
        let total = total.unwrap_or(0);
        if people.len() as u64 != total {
            return Err(inconsistent(format!(
                "kiwiHR reported {total} people but sent {}",
                people.len()
            )));
        }
        let mut seen = HashSet::new();
        if let Some(dup) = people.iter().find(|p| !seen.insert(p.source_id.as_str())) {
            return Err(inconsistent(format!(
                "the user with id {} came twice",
                dup.source_id
            )));
        }
        Ok(Snapshot {
            provider: PROVIDER,
            people,
            pages,
        })
    }

    /// One `users` page: the request, then the reply's `errors` and data.
    async fn page(&self, offset: u64, limit: u64) -> Result<UsersPage, FetchError> {
        let body = users_request_body(offset, limit);
        let url = self.endpoint.url().clone();
        let reply = self
            .transport
            .send(&[&self.options.pacer], || {
                self.transport
                    .client()
                    .post(url.clone())
                    .header("X-Api-Key", self.api_key_header.clone())
                    .header(reqwest::header::ACCEPT, "application/json")
                    .json(&body)
            })
            .await
            .map_err(credentials_rejected)?;
        parse_users_page(&reply.body).map_err(|e| match e {
            ReplyError::Unauthorized(m) => {
                tracing::warn!(message = %m, "kiwiHR refused the API token");
                rejected_token()
            }
            ReplyError::Rejected(m) => {
                tracing::error!(message = %m, "kiwiHR rejected the query");
                FetchError::Config {
                    provider: PROVIDER,
                    detail: format!("kiwiHR rejected the query: {m}"),
                }
            }
            ReplyError::NotJson => FetchError::NotJson { provider: PROVIDER },
            ReplyError::Malformed(detail) => FetchError::Unreadable {
                provider: PROVIDER,
                detail,
            },
        })
    }
}

fn rejected_token() -> FetchError {
    FetchError::CredentialsRejected {
        provider: PROVIDER,
        credential: CREDENTIAL,
    }
}

/// 401 and 403 mean the key is wrong, revoked or lacks rights: say so, not "answered 401".
fn credentials_rejected(e: FetchError) -> FetchError {
    match e {
        FetchError::Status { status: 401, .. } | FetchError::Forbidden { .. } => rejected_token(),
        other => other,
    }
}

/// The JSON body of one `users` page request (`{query, operationName, variables}`).
pub fn users_request_body(offset: u64, limit: u64) -> Value {
    json!({
        "query": USERS_QUERY,
        "operationName": "RosterUsers",
        "variables": {"offset": offset, "limit": limit, "sort": [{"field": "id", "direction": "asc"}]},
    })
}
