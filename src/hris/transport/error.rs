//! [`FetchError`]: why talking to an HRIS failed, in the words a company manager reads, and whether
//! trying later may help; plus the provider's own message read from an error body.

use super::Provider;

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
}
