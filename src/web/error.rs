//! One error type for every handler, rendered once: users read a clear message, a 500 never
//! shows internals, and the log gets the whole cause chain.

use askama::Template;
use axum::{
    http::{StatusCode, Uri},
    response::{Html, IntoResponse, Redirect, Response},
};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not logged in (or the session ended): go to the login page, then come back.
    #[error("login required")]
    LoginRequired { next: String },
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> AppError {
        AppError::Internal(e.into())
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> AppError {
        AppError::Internal(anyhow::anyhow!("session store: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
}

pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        title,
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, title.to_string()).into_response(),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::LoginRequired { next } => {
                let next =
                    url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
                Redirect::to(&format!("/login?next={next}")).into_response()
            }
            AppError::Forbidden => error_page(
                StatusCode::FORBIDDEN,
                "Not allowed",
                "This page is for company managers. Ask a company manager if you need a change.",
            ),
            AppError::NotFound => error_page(
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing here. The link may be out of date.",
            ),
            AppError::BadRequest(msg) => error_page(StatusCode::BAD_REQUEST, "Bad request", &msg),
            AppError::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "request failed");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Roster could not complete this request. Try again, and tell your administrator if it keeps happening.",
                )
            }
        }
    }
}

pub async fn not_found(_uri: Uri) -> AppError {
    AppError::NotFound
}
