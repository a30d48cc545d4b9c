//! The Personio client's bearer token: signed in once (`POST /v1/auth`), cached until shortly
//! before it expires, and replaced when an answer carries a new one (Personio's old one-time
//! tokens; harmless with today's stable ones).

use reqwest::header::AUTHORIZATION;
use serde_json::Value;
use std::time::Duration;
use tokio::time::Instant;

use super::{CREDENTIAL, PROVIDER, PersonioClient};
use crate::hris::transport::{FetchError, Reply};

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) value: String,
    pub(super) valid_until: Instant,
}

impl PersonioClient {
    /// Adopts a new token from an answer's `authorization` header.
    pub(super) async fn adopt_token(&self, reply: &Reply, used: &Token) {
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
    pub(super) async fn token(&self) -> Result<Token, FetchError> {
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
            .send(&[&self.limits.auth], || {
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
