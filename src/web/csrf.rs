//! CSRF protection for every state-changing request, in one layer: a POST (or PUT, PATCH,
//! DELETE) without the right token, as the `csrf` form field or the `X-CSRF-Token` header,
//! gets 403 and reaches no handler.
//!
//! A logged-in session keeps its token in the session (rotated at login). An anonymous visitor
//! has no session row at all (a crawler hitting `/login` must not fill the sessions table), so
//! the login form uses a double-submit cookie instead: a random token in an HttpOnly cookie
//! that the form must repeat. Another site can neither read that cookie nor set it; with TLS it
//! is named `__Host-…`, which a sibling subdomain cannot set either.

use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
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
    let t = new_token();
    session.insert(KEY, &t).await?;
    Ok(t)
}

fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn cookie_name(tls: bool) -> &'static str {
    if tls {
        "__Host-roster_csrf"
    } else {
        "roster_csrf"
    }
}

/// The double-submit token from the request's cookie, when it has a well-formed one.
fn cookie_token(headers: &HeaderMap, tls: bool) -> Option<String> {
    let name = cookie_name(tls);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, v)| *k == name && v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|(_, v)| v.to_string())
}

/// The token an anonymous form (the login page) carries, and the `Set-Cookie` to send when the
/// visitor has no token cookie yet. A visitor with a session (logged in) keeps the session's.
pub async fn form_token(
    session: &Session,
    headers: &HeaderMap,
    tls: bool,
) -> Result<(String, Option<HeaderValue>), tower_sessions::session::Error> {
    if let Some(t) = session.get::<String>(KEY).await? {
        return Ok((t, None));
    }
    if let Some(t) = cookie_token(headers, tls) {
        return Ok((t, None));
    }
    let t = new_token();
    let secure = if tls { "; Secure" } else { "" };
    let cookie = format!(
        "{}={t}; Path=/; HttpOnly; SameSite=Lax{secure}",
        cookie_name(tls)
    );
    let value = HeaderValue::try_from(cookie).expect("hex token is a valid header value");
    Ok((t, Some(value)))
}

fn refused() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "Form expired",
        "This form was not sent from a current Roster page (its security token is missing or out of date). Go back, reload the page and try again.",
    )
}

pub async fn verify(
    axum::extract::State(state): axum::extract::State<crate::web::AppState>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return refused();
    };
    let expected = match session.get::<String>(KEY).await {
        Ok(Some(t)) => t,
        Ok(None) => match cookie_token(req.headers(), state.config.tls) {
            Some(t) => t,
            None => return refused(),
        },
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
