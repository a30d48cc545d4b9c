//! "Forgot password" and the set-password page that invitation and reset links open. Both are
//! for people who are not logged in.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{ConnectInfo, Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use crate::{
    access::password::{self, ResetRequest, SetPasswordError},
    auth::MIN_PASSWORD_LEN,
    directory::limits,
    web::{AppError, AppState, csrf, extract::start_session, form::FormData, layout::Layout},
};

/// An anonymous page with the double-submit form token (no session row for a visitor), and its
/// cookie on a first visit.
async fn anonymous(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    title: &str,
) -> Result<(Layout, Option<header::HeaderValue>), AppError> {
    let (csrf, cookie) = csrf::form_token(session, headers, state.config.tls).await?;
    Ok((Layout::anonymous(csrf, title), cookie))
}

fn respond(
    status: StatusCode,
    page: impl IntoResponse,
    cookie: Option<header::HeaderValue>,
) -> Response {
    let mut res = (status, page).into_response();
    if let Some(c) = cookie {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

#[derive(Template, WebTemplate)]
#[template(path = "password/forgot.html")]
pub(super) struct ForgotPage {
    layout: Layout,
    sent: bool,
    error: Option<String>,
}

pub(super) async fn forgot_form(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (layout, cookie) = anonymous(&state, &session, &headers, "Forgot your password?").await?;
    let page = ForgotPage {
        layout,
        sent: false,
        error: None,
    };
    Ok(respond(StatusCode::OK, page, cookie))
}

pub(super) async fn forgot(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, AppError> {
    let email = form.get("email");
    let (layout, _) = anonymous(&state, &session, &headers, "Forgot your password?").await?;
    if email.is_empty() || email.chars().count() > limits::EMAIL {
        let page = ForgotPage {
            layout,
            sent: false,
            error: Some("Enter the email address you log in with.".into()),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    match password::request_reset(&state.db, email, &peer.ip().to_string()).await? {
        ResetRequest::Answered => Ok(ForgotPage {
            layout,
            sent: true,
            error: None,
        }
        .into_response()),
        ResetRequest::Throttled => {
            let page = ForgotPage {
                layout,
                sent: false,
                error: Some(
                    "Too many requests from your network. Wait an hour, then try again.".into(),
                ),
            };
            Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "password/set.html")]
pub(super) struct SetPage {
    layout: Layout,
    token: String,
    /// None: the link does not work (used, expired, replaced, or the person is deactivated).
    welcome: Option<Welcome>,
    error: Option<String>,
    min_len: usize,
}

pub struct Welcome {
    invitation: bool,
    first_name: String,
    company: String,
    email: String,
}

async fn page(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    token: &str,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, AppError> {
    let link = password::check_link(&state.db, token).await?;
    let title = match &link {
        Some(l) if l.purpose == "invitation" => "Welcome to Roster",
        _ => "Choose a new password",
    };
    let (layout, cookie) = anonymous(state, session, headers, title).await?;
    let status = if link.is_none() {
        StatusCode::GONE
    } else {
        status
    };
    let page = SetPage {
        layout,
        token: token.to_string(),
        welcome: link.map(|l| Welcome {
            invitation: l.purpose == "invitation",
            first_name: l.first_name,
            company: l.company_name,
            email: l.email,
        }),
        error,
        min_len: MIN_PASSWORD_LEN,
    };
    Ok(respond(status, page, cookie))
}

pub(super) async fn set_form(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    page(&state, &session, &headers, &token, StatusCode::OK, None).await
}

pub(super) async fn set(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(token): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let outcome =
        password::set_password(&state.db, &token, form.get("password"), form.get("confirm"))
            .await?;
    match outcome {
        Ok(person_id) => {
            start_session(&session, person_id, &state.config).await?;
            Ok(Redirect::to("/people").into_response())
        }
        Err(e) => {
            let status = match e {
                SetPasswordError::InvalidLink => StatusCode::GONE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            page(
                &state,
                &session,
                &headers,
                &token,
                status,
                Some(e.to_string()),
            )
            .await
        }
    }
}
