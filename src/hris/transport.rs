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

mod attempt;
mod config;
mod connection;
mod error;

pub use config::TransportConfig;
pub use error::{FetchError, error_message};

use std::time::Duration;

use rand::Rng;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::time::Instant;

use super::Provider;
use super::pacing::Pacer;
use super::public_address::PublicOnly;
use attempt::Attempt;

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
