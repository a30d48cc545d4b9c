//! One error type for every handler, rendered once: users read a clear message, a 500 never
//! shows internals, and the log gets the whole cause chain. Every error response carries an
//! [`ErrorInfo`]; the [`super::error_page`] layer renders it inside the page layout (with the
//! navigation and Log out for a logged-in person).

use axum::{
    http::{StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
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

/// What an error page says; attached to the response for the layout layer to render.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub title: String,
    pub message: String,
}

/// An error response: its status and an [`ErrorInfo`], rendered into a page by the layout layer.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let mut res = status.into_response();
    res.extensions_mut().insert(ErrorInfo {
        title: title.to_string(),
        message: message.to_string(),
    });
    res
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
