//! The HTTP transport every HRIS client shares: one place for timeouts, retries, size caps and the
//! wording of errors a company manager reads.
//!
//! # Using it
//! ```ignore
//! let transport = Transport::new(Provider::Kiwihr, TransportConfig::default())?;
//! let reply = transport
//!     .send(&[&deployment_pacer, &credential_pacer], || {
//!         transport.client().get(url.clone()).header("X-Api-Key", key.expose())
//!     })
//!     .await?;                      // 2xx only; anything else is a FetchError
//! let value: serde_json::Value = reply.json()?; // NotJson error when it is not
//! ```
//! * `send` calls the closure once per attempt (a `RequestBuilder` cannot be reused), waits on every
//!   pacer before each attempt, and returns the first 2xx answer with its body read (at most
//!   [`TransportConfig::max_body_bytes`]).
//! * Retried, with capped exponential backoff and jitter, within [`TransportConfig::budget`] and at
//!   most [`TransportConfig::max_attempts`] tries: 429 (after `Retry-After` seconds when given), 5xx,
//!   408, timeouts and connection failures.
//! * Not retried: other 4xx ([`FetchError::Status`]; callers map 401/403 to
//!   [`FetchError::CredentialsRejected`] where that is what it means), 3xx (redirects are never
//!   followed: [`FetchError::Redirect`]), oversized bodies, and bodies that do not parse.
//! * [`FetchError::is_transient`] tells the worker whether trying the whole run later may help.

use std::time::Duration;

use rand::Rng;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use tokio::time::Instant;

use super::Provider;
use super::pacing::Pacer;
use super::public_address::{InternalAddress, PublicOnly};

/// Timeouts, retry policy and limits for one [`Transport`].
#[derive(Debug, Clone)]
pub struct TransportConfig {
    /// Time allowed to open a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, from sending the request to the end of the body.
    pub request_timeout: Duration,
    /// Attempts per request, the first one included.
    pub max_attempts: u32,
    /// First backoff delay; doubled on each retry up to `backoff_cap`, then jittered.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Total time one `send` may spend, waits included. A retry that would end past it is not made.
    pub budget: Duration,
    /// Largest body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_attempts: 4,
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(30),
            budget: Duration::from_secs(180),
            max_body_bytes: 32 * 1024 * 1024,
        }
    }
}

impl TransportConfig {
    /// Short timeouts and millisecond backoff, for tests against a local fake.
    pub fn fast_for_tests() -> Self {
        TransportConfig {
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_millis(700),
            max_attempts: 4,
            backoff_base: Duration::from_millis(5),
            backoff_cap: Duration::from_millis(40),
            budget: Duration::from_secs(8),
            max_body_bytes: 4 * 1024 * 1024,
        }
    }
}

/// Why talking to an HRIS failed, worded for the company manager who reads it on the sync page.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{provider} rejected the {credential}")]
    CredentialsRejected {
        provider: Provider,
        /// What was rejected, e.g. "client ID and secret" or "API key".
        credential: &'static str,
    },
    #[error("{provider} refused access ({status}): the credential lacks a permission{}", detail_suffix(.detail))]
    Forbidden {
        provider: Provider,
        status: u16,
        detail: Option<String>,
    },
    #[error("{provider} answered {status} {reason}{}", detail_suffix(.detail))]
    Status {
        provider: Provider,
        status: u16,
        reason: String,
        /// The provider's own error message, when its body had one.
        detail: Option<String>,
    },
    #[error("{provider} did not answer within {secs} s")]
    Timeout { provider: Provider, secs: u64 },
    #[error("could not reach {provider}: {detail}")]
    Connect { provider: Provider, detail: String },
    #[error("gave up on {provider} after {attempts} attempts: {last}")]
    GaveUp {
        provider: Provider,
        attempts: u32,
        /// The last failure, in words ("503 Service Unavailable", "no answer within 30 s").
        last: String,
    },
    #[error(
        "{provider} answered with a redirect ({status}) to {location}; redirects are not followed, check the configured address"
    )]
    Redirect {
        provider: Provider,
        status: u16,
        location: String,
    },
    #[error("{provider} sent an answer larger than {limit} bytes")]
    TooLarge { provider: Provider, limit: usize },
    #[error("{provider} answered with a page that is not JSON")]
    NotJson { provider: Provider },
    #[error("{provider} sent data we could not read: {detail}")]
    Unreadable { provider: Provider, detail: String },
    #[error("{provider} changed its list of people while we were reading it: {detail}")]
    Inconsistent { provider: Provider, detail: String },
    #[error("{provider} returned more than {pages} pages; stopped without using a partial list")]
    TooManyPages { provider: Provider, pages: u32 },
    #[error("the {provider} credential may not read {}; allow them in {provider}'s API settings", .keys.join(", "))]
    MissingAttributes {
        provider: Provider,
        keys: Vec<String>,
    },
    #[error("the {provider} connection is misconfigured: {detail}")]
    Config { provider: Provider, detail: String },
}

fn detail_suffix(detail: &Option<String>) -> String {
    match detail {
        Some(d) if !d.is_empty() => format!(" ({d})"),
        _ => String::new(),
    }
}

impl FetchError {
    /// True when trying the same run again later may succeed (the worker retries only these).
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout { .. }
            | FetchError::Connect { .. }
            | FetchError::GaveUp { .. }
            | FetchError::Inconsistent { .. } => true,
            FetchError::Status { status, .. } => *status == 429 || *status == 408 || *status >= 500,
            _ => false,
        }
    }

    pub fn provider(&self) -> Provider {
        match self {
            FetchError::CredentialsRejected { provider, .. }
            | FetchError::Forbidden { provider, .. }
            | FetchError::Status { provider, .. }
            | FetchError::Timeout { provider, .. }
            | FetchError::Connect { provider, .. }
            | FetchError::GaveUp { provider, .. }
            | FetchError::Redirect { provider, .. }
            | FetchError::TooLarge { provider, .. }
            | FetchError::NotJson { provider }
            | FetchError::Unreadable { provider, .. }
            | FetchError::Inconsistent { provider, .. }
            | FetchError::TooManyPages { provider, .. }
            | FetchError::MissingAttributes { provider, .. }
            | FetchError::Config { provider, .. } => *provider,
        }
    }

    /// The HTTP status behind the error, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Forbidden { status, .. }
            | FetchError::Status { status, .. }
            | FetchError::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A successful (2xx) answer with its whole body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Attempts it took (1 when the first one worked).
    pub attempts: u32,
}

impl Reply {
    /// The body as JSON, or [`FetchError::NotJson`].
    pub fn json<T: serde::de::DeserializeOwned>(
        &self,
        provider: Provider,
    ) -> Result<T, FetchError> {
        serde_json::from_slice(&self.body).map_err(|_| FetchError::NotJson { provider })
    }
}

/// A reqwest client (redirects off, timeouts set) plus the retry policy. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Transport {
    provider: Provider,
    client: reqwest::Client,
    config: TransportConfig,
}

/// What one attempt came to.
enum Attempt {
    Done(Reply),
    /// Worth another try: the words for the error message, the error itself should it be the last,
    /// and the wait the server asked for.
    Retry {
        last: String,
        err: FetchError,
        retry_after: Option<Duration>,
    },
    Fail(FetchError),
}

impl Transport {
    pub fn new(provider: Provider, config: TransportConfig) -> Result<Transport, FetchError> {
        Self::build(provider, config, reqwest::Client::builder())
    }

    /// A transport that connects only to public addresses, checked after resolution
    /// ([`PublicOnly`]), and ignores proxy settings so the checked address is the one used.
    pub fn public_only(
        provider: Provider,
        config: TransportConfig,
        resolver: PublicOnly,
    ) -> Result<Transport, FetchError> {
        let builder = reqwest::Client::builder()
            .no_proxy()
            .dns_resolver(std::sync::Arc::new(resolver));
        Self::build(provider, config, builder)
    }

    fn build(
        provider: Provider,
        config: TransportConfig,
        builder: reqwest::ClientBuilder,
    ) -> Result<Transport, FetchError> {
        let client = builder
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("roster/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::Config {
                provider,
                detail: format!("could not build the HTTP client: {e}"),
            })?;
        Ok(Transport {
            provider,
            client,
            config,
        })
    }

    pub fn provider(&self) -> Provider {
        self.provider
    }

    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// The underlying client, for building requests inside the closure given to [`Transport::send`].
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends the request `build` makes, retrying as the module doc describes, and returns the first
    /// 2xx answer. `pacers` are waited on before every attempt.
    pub async fn send<F>(&self, pacers: &[&Pacer], build: F) -> Result<Reply, FetchError>
    where
        F: Fn() -> reqwest::RequestBuilder,
    {
        let cfg = &self.config;
        let deadline = Instant::now() + cfg.budget;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            for p in pacers {
                p.acquire().await;
            }
            let (last, err, retry_after) = match self.attempt(build()).await {
                Attempt::Done(mut reply) => {
                    reply.attempts = attempt;
                    return Ok(reply);
                }
                Attempt::Fail(e) => return Err(e),
                Attempt::Retry {
                    last,
                    err,
                    retry_after,
                } => (last, err, retry_after),
            };
            let wait = retry_after.unwrap_or_else(|| self.backoff(attempt));
            let out_of_time = Instant::now() + wait >= deadline;
            if attempt >= cfg.max_attempts.max(1) || out_of_time {
                tracing::warn!(provider = %self.provider, attempt, %last, "giving up");
                return Err(if attempt == 1 {
                    err
                } else {
                    FetchError::GaveUp {
                        provider: self.provider,
                        attempts: attempt,
                        last,
                    }
                });
            }
            tracing::info!(provider = %self.provider, attempt, %last, ?wait, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// `base * 2^(attempt-1)`, capped, then jittered down by up to half.
    fn backoff(&self, attempt: u32) -> Duration {
        let cfg = &self.config;
        let exp = cfg
            .backoff_base
            .saturating_mul(1u32 << (attempt - 1).min(20))
            .min(cfg.backoff_cap);
        let jitter: f64 = rand::rng().random_range(0.5..=1.0);
        exp.mul_f64(jitter)
    }

    async fn attempt(&self, req: reqwest::RequestBuilder) -> Attempt {
        let provider = self.provider;
        let timeout = self.config.request_timeout;
        let timeout_err = || FetchError::Timeout {
            provider,
            secs: timeout.as_secs_f64().ceil() as u64,
        };
        let result = tokio::time::timeout(timeout, async {
            let resp = req.timeout(timeout).send().await?;
            let status = resp.status();
            let headers = resp.headers().clone();
            let body = self.read_capped(resp).await?;
            Ok::<_, ReadError>((status, headers, body))
        })
        .await;
        let (status, headers, body) = match result {
            Err(_) => return retry_timeout(timeout_err()),
            Ok(Err(ReadError::TooLarge)) => {
                return Attempt::Fail(FetchError::TooLarge {
                    provider,
                    limit: self.config.max_body_bytes,
                });
            }
            Ok(Err(ReadError::Http(e))) if e.is_timeout() => return retry_timeout(timeout_err()),
            Ok(Err(ReadError::Http(e))) if InternalAddress::in_error(&e).is_some() => {
                let refused = InternalAddress::in_error(&e)
                    .map(ToString::to_string)
                    .unwrap_or_default();
                return Attempt::Fail(FetchError::Config {
                    provider,
                    detail: refused,
                });
            }
            Ok(Err(ReadError::Http(e))) => {
                let detail = describe_reqwest(&e);
                return Attempt::Retry {
                    last: detail.clone(),
                    err: FetchError::Connect { provider, detail },
                    retry_after: None,
                };
            }
            Ok(Ok(x)) => x,
        };
        if status.is_success() {
            return Attempt::Done(Reply {
                status,
                headers,
                body,
                attempts: 0,
            });
        }
        let reason = status.canonical_reason().unwrap_or("").to_owned();
        if status.is_redirection() {
            let location = headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("an unnamed address")
                .to_owned();
            return Attempt::Fail(FetchError::Redirect {
                provider,
                status: status.as_u16(),
                location,
            });
        }
        let detail = error_message(&body);
        let err = if status == StatusCode::FORBIDDEN {
            FetchError::Forbidden {
                provider,
                status: 403,
                detail,
            }
        } else {
            FetchError::Status {
                provider,
                status: status.as_u16(),
                reason: reason.clone(),
                detail,
            }
        };
        let transient = status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::REQUEST_TIMEOUT
            || status.is_server_error();
        if !transient {
            return Attempt::Fail(err);
        }
        let retry_after = if status == StatusCode::TOO_MANY_REQUESTS {
            headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs)
        } else {
            None
        };
        Attempt::Retry {
            last: format!("{} {}", status.as_u16(), reason).trim().to_owned(),
            err,
            retry_after,
        }
    }

    async fn read_capped(&self, mut resp: reqwest::Response) -> Result<Vec<u8>, ReadError> {
        let cap = self.config.max_body_bytes;
        if resp.content_length().is_some_and(|n| n > cap as u64) {
            return Err(ReadError::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await? {
            if body.len() + chunk.len() > cap {
                return Err(ReadError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

fn retry_timeout(err: FetchError) -> Attempt {
    let secs = match &err {
        FetchError::Timeout { secs, .. } => *secs,
        _ => 0,
    };
    Attempt::Retry {
        last: format!("no answer within {secs} s"),
        err,
        retry_after: None,
    }
}

enum ReadError {
    Http(reqwest::Error),
    TooLarge,
}

impl From<reqwest::Error> for ReadError {
    fn from(e: reqwest::Error) -> Self {
        ReadError::Http(e)
    }
}

/// A short cause for a failed connection, without the URL (which may carry a path an operator
/// typed, but never a secret: secrets go in headers and bodies).
fn describe_reqwest(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    // The whole chain (OS error codes, resolver and TLS detail) goes to the log; pages, runs and
    // mail get the kind of failure in words.
    tracing::warn!(error = %error_chain(e), "HRIS request failed");
    let mut io_kind = None;
    let mut text = String::new();
    let mut src = e.source();
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        text.push_str(&s.to_string().to_lowercase());
        text.push(' ');
        src = s.source();
    }
    use std::io::ErrorKind as K;
    let words = match io_kind {
        Some(K::ConnectionRefused) => "the connection was refused",
        Some(K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof) => {
            "the connection was cut off"
        }
        Some(K::TimedOut) => "the connection timed out",
        Some(K::HostUnreachable | K::NetworkUnreachable | K::NetworkDown) => {
            "the network path to it is down"
        }
        _ if text.contains("dns") || text.contains("lookup address") => {
            "its address could not be found (DNS)"
        }
        _ if text.contains("certificate") || text.contains("tls") || text.contains("handshake") => {
            "the secure connection (TLS) could not be set up"
        }
        _ if e.is_connect() => "no connection could be made",
        _ => "the connection broke off",
    };
    words.to_owned()
}

/// Every message of `e`'s chain, for the log.
fn error_chain(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        out.push_str(": ");
        out.push_str(&s.to_string());
        src = s.source();
    }
    out
}

/// The provider's own words from a JSON error body, in the shapes the providers use:
/// `{"error":{"message":…}}` (Personio v1), `{"message":…}`, `{"error":"…"}`,
/// `{"errors":[{"title"/"detail":…}]}` (problem+json).
pub fn error_message(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let pick = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    let msg = v
        .pointer("/error/message")
        .and_then(pick)
        .or_else(|| v.get("message").and_then(pick))
        .or_else(|| v.get("error").and_then(pick))
        .or_else(|| v.pointer("/errors/0/detail").and_then(pick))
        .or_else(|| v.pointer("/errors/0/title").and_then(pick))?;
    let msg: String = msg.chars().take(200).collect();
    Some(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_sentences() {
        let p = Provider::Personio;
        let e = FetchError::CredentialsRejected {
            provider: p,
            credential: "client ID and secret",
        };
        assert_eq!(e.to_string(), "Personio rejected the client ID and secret");
        let e = FetchError::NotJson {
            provider: Provider::Kiwihr,
        };
        assert_eq!(
            e.to_string(),
            "kiwiHR answered with a page that is not JSON"
        );
        let e = FetchError::GaveUp {
            provider: p,
            attempts: 4,
            last: "503 Service Unavailable".into(),
        };
        assert_eq!(
            e.to_string(),
            "gave up on Personio after 4 attempts: 503 Service Unavailable"
        );
        assert!(e.is_transient());
        let e = FetchError::Timeout {
            provider: p,
            secs: 30,
        };
        assert_eq!(e.to_string(), "Personio did not answer within 30 s");
        let e = FetchError::Status {
            provider: p,
            status: 404,
            reason: "Not Found".into(),
            detail: Some("No employee".into()),
        };
        assert_eq!(
            e.to_string(),
            "Personio answered 404 Not Found (No employee)"
        );
        assert!(!e.is_transient());
    }

    #[test]
    fn error_message_reads_the_common_shapes() {
        assert_eq!(
            error_message(br#"{"success":false,"error":{"code":0,"message":"Wrong credentials"}}"#)
                .as_deref(),
            Some("Wrong credentials")
        );
        assert_eq!(
            error_message(br#"{"message":"nope"}"#).as_deref(),
            Some("nope")
        );
        assert_eq!(
            error_message(br#"{"errors":[{"title":"T","detail":"D"}]}"#).as_deref(),
            Some("D")
        );
        assert_eq!(error_message(b"<html>"), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let t = Transport::new(
            Provider::Personio,
            TransportConfig {
                backoff_base: Duration::from_millis(100),
                backoff_cap: Duration::from_millis(400),
                ..TransportConfig::default()
            },
        )
        .unwrap();
        let d1 = t.backoff(1);
        assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
        let d3 = t.backoff(3);
        assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400));
        let d30 = t.backoff(30);
        assert!(d30 <= Duration::from_millis(400));
    }
}
