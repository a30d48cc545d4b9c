//! One attempt at a request: the answer read (within the size cap and timeout) and sorted into a
//! success, a failure worth retrying (with the wait the server asked for) or a final failure.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;

use super::connection::describe_reqwest;
use super::{FetchError, Reply, Transport, error_message};
use crate::hris::public_address::InternalAddress;

/// What one attempt came to.
pub(super) enum Attempt {
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
    pub(super) async fn attempt(&self, req: reqwest::RequestBuilder) -> Attempt {
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
