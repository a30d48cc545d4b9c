//! Login and logout.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{ConnectInfo, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use crate::{
    auth::{self, LoginOutcome},
    web::{
        AppError, AppState, csrf, extract::start_session, form::FormData, layout::Layout,
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

/// Only local paths: never send someone to another site after login.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_string()
    } else {
        "/people".to_string()
    }
}

pub(super) async fn login_form(
    session: Session,
    Query(q): Query<NextQuery>,
) -> Result<LoginPage, AppError> {
    let csrf = csrf::token(&session).await?;
    Ok(LoginPage {
        layout: Layout::anonymous(csrf, "Log in"),
        email: String::new(),
        next: safe_next(q.next.as_deref().unwrap_or("/people")),
        error: None,
    })
}

pub(super) async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
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
            start_session(&session, person_id).await?;
            return Ok(Redirect::to(&next).into_response());
        }
        LoginOutcome::Rejected => (
            StatusCode::UNAUTHORIZED,
            "The email or password is not right. Check both and try again.",
        ),
        LoginOutcome::Throttled => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed attempts. For your security, logging in is paused for 15 minutes; try again later or ask a company manager to reset your password.",
        ),
        LoginOutcome::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Roster is busy checking other logins. Try again in a few seconds.",
        ),
    };
    let csrf = csrf::token(&session).await?;
    let page = LoginPage {
        layout: Layout::anonymous(csrf, "Log in"),
        email,
        next,
        error: Some(error.into()),
    };
    let mut res = (status, page).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("2"));
    }
    Ok(res)
}

pub(super) async fn logout(session: Session) -> Result<Redirect, AppError> {
    session.flush().await?;
    Ok(Redirect::to("/login"))
}
