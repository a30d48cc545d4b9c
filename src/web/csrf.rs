//! CSRF protection for every state-changing request, in one layer: a POST (or PUT, PATCH,
//! DELETE) without the session's token, as the `csrf` form field or the `X-CSRF-Token` header,
//! gets 403 and reaches no handler.

use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::{Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use crate::web::error::error_page;

const KEY: &str = "csrf";
/// Forms are small; anything larger is refused before it is buffered.
const MAX_FORM_BYTES: usize = 1 << 20;

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, tower_sessions::session::Error> {
    if let Some(t) = session.get::<String>(KEY).await? {
        return Ok(t);
    }
    rotate(session).await
}

/// A fresh token (at login, so a token seen before login is useless after it).
pub async fn rotate(session: &Session) -> Result<String, tower_sessions::session::Error> {
    let t = hex::encode(rand::random::<[u8; 32]>());
    session.insert(KEY, &t).await?;
    Ok(t)
}

fn refused() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "Form expired",
        "This form was not sent from a current Roster page (its security token is missing or out of date). Go back, reload the page and try again.",
    )
}

pub async fn verify(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return refused();
    };
    let expected = match session.get::<String>(KEY).await {
        Ok(Some(t)) => t,
        Ok(None) => return refused(),
        Err(e) => {
            tracing::error!(error = %e, "session store failed during CSRF check");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too large",
            "This form is larger than Roster accepts.",
        );
    };
    let sent = header.or_else(|| {
        url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == KEY)
            .map(|(_, v)| v.into_owned())
    });
    match sent {
        Some(s) if bool::from(s.as_bytes().ct_eq(expected.as_bytes())) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refused(),
    }
}
