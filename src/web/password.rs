//! "Forgot password" and the set-password page that invitation and reset links open. Both are
//! for people who are not logged in.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{ConnectInfo, Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use crate::{
    access::password::{self, ResetRequest, SetPasswordError},
    auth::MIN_PASSWORD_LEN,
    directory::limits,
    web::{AppError, AppState, csrf, extract::start_session, form::FormData, layout::Layout},
};

#[derive(Template, WebTemplate)]
#[template(path = "password/forgot.html")]
pub(super) struct ForgotPage {
    layout: Layout,
    sent: bool,
    error: Option<String>,
}

pub(super) async fn forgot_form(session: Session) -> Result<ForgotPage, AppError> {
    Ok(ForgotPage {
        layout: Layout::anonymous(csrf::token(&session).await?, "Forgot your password?"),
        sent: false,
        error: None,
    })
}

pub(super) async fn forgot(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    form: FormData,
) -> Result<Response, AppError> {
    let email = form.get("email");
    let layout = Layout::anonymous(csrf::token(&session).await?, "Forgot your password?");
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
    token: &str,
    error: Option<String>,
) -> Result<SetPage, AppError> {
    let link = password::check_link(&state.db, token).await?;
    let title = match &link {
        Some(l) if l.purpose == "invitation" => "Welcome to Roster",
        _ => "Choose a new password",
    };
    Ok(SetPage {
        layout: Layout::anonymous(csrf::token(session).await?, title),
        token: token.to_string(),
        welcome: link.map(|l| Welcome {
            invitation: l.purpose == "invitation",
            first_name: l.first_name,
            company: l.company_name,
            email: l.email,
        }),
        error,
        min_len: MIN_PASSWORD_LEN,
    })
}

pub(super) async fn set_form(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let p = page(&state, &session, &token, None).await?;
    let status = if p.welcome.is_some() {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    Ok((status, p).into_response())
}

pub(super) async fn set(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let outcome =
        password::set_password(&state.db, &token, form.get("password"), form.get("confirm"))
            .await?;
    match outcome {
        Ok(person_id) => {
            start_session(&session, person_id).await?;
            Ok(Redirect::to("/people").into_response())
        }
        Err(e) => {
            let status = match e {
                SetPasswordError::InvalidLink => StatusCode::GONE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let p = page(&state, &session, &token, Some(e.to_string())).await?;
            Ok((status, p).into_response())
        }
    }
}
