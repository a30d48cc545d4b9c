//! Login and logout.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use crate::{
    auth::{self, LoginOutcome},
    web::{
        AppError, AppState, csrf,
        extract::start_session,
        form::FormData,
        layout::Layout,
        next::{self, safe_next},
        query::Query,
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub(super) struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The login page, with the anonymous form token and, for a first visit, its cookie. No
/// session row is written for an anonymous visitor.
async fn login_page(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    status: StatusCode,
    email: String,
    next: String,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (csrf, set_cookie) = csrf::form_token(session, headers, state.config.tls).await?;
    let page = LoginPage {
        layout: Layout::anonymous(csrf, "Log in"),
        email,
        next,
        error,
    };
    let mut res = (status, page).into_response();
    if let Some(cookie) = set_cookie {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("2"));
    }
    Ok(res)
}

pub(super) async fn login_form(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(q.next.as_deref().unwrap_or(next::DEFAULT));
    login_page(
        &state,
        &session,
        &headers,
        StatusCode::OK,
        String::new(),
        next,
        None,
    )
    .await
}

pub(super) async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, AppError> {
    let email = form.get("email").to_string();
    let next = safe_next(form.get("next"));
    let outcome = auth::login(
        &state.db,
        &state.password_checks,
        &email,
        form.get("password"),
        &peer.ip().to_string(),
    )
    .await?;
    let (status, error) = match outcome {
        LoginOutcome::LoggedIn { person_id } => {
            start_session(&session, person_id, &state.config).await?;
            return Ok(Redirect::to(&next).into_response());
        }
        LoginOutcome::Rejected => (
            StatusCode::UNAUTHORIZED,
            "The email or password is not right. Check both and try again.",
        ),
        LoginOutcome::Throttled => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed attempts. For your security, logging in is paused for 15 minutes; try again later, or choose a new password with \"Forgot your password?\".",
        ),
        LoginOutcome::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Roster is busy checking other logins. Try again in a few seconds.",
        ),
    };
    login_page(
        &state,
        &session,
        &headers,
        status,
        email,
        next,
        Some(error.into()),
    )
    .await
}

pub(super) async fn logout(session: Session) -> Result<Redirect, AppError> {
    session.flush().await?;
    Ok(Redirect::to("/login"))
}
