//! The layer that turns every error response into a page with the layout: the navigation, the
//! person's name and Log out stay on a 400, 403, 404 or 500. Handlers and guards return an
//! [`ErrorInfo`]; responses without one (axum's plain-text rejections of a path or form, 405)
//! get a page chosen by their status, so no plain text reaches a browser.

use askama::Template;
use axum::{
    extract::{FromRequestParts, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use tower_sessions::Session;

use crate::web::{AppState, CurrentUser, error::ErrorInfo, layout::Layout};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    status: u16,
    message: &'a str,
}

/// Paths whose error answers are for machines (probes, assets): left as they are.
fn for_machines(path: &str) -> bool {
    path == "/healthz" || path == "/readyz" || path.starts_with("/static/")
}

/// The page for an error response that came without an [`ErrorInfo`].
fn by_status(status: StatusCode) -> ErrorInfo {
    let (title, message) = match status {
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => (
            "Not found",
            "There is nothing here. The link may be out of date.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("Too large", "This form is larger than Roster accepts."),
        s if s.is_client_error() => (
            "Bad request",
            "Roster could not read this address or form. Check the link, or go back and try again.",
        ),
        _ => (
            "Something went wrong",
            "Roster could not complete this request. Try again, and tell your administrator if it keeps happening.",
        ),
    };
    ErrorInfo {
        title: title.into(),
        message: message.into(),
    }
}

pub async fn with_layout(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let session = req.extensions().get::<Session>().cloned();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || for_machines(&path) {
        return res;
    }
    let info = match res.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        None if is_html(&res) => return res,
        None => by_status(status),
    };
    let layout = match user(&state, session).await {
        Some(user) => Layout::new(&user, "", info.title.clone()),
        None => Layout::anonymous(String::new(), info.title.clone()),
    };
    let page = ErrorPage {
        layout,
        status: status.as_u16(),
        message: &info.message,
    };
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    match page.render() {
        Ok(html) => (parts, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page did not render");
            (parts, info.title).into_response()
        }
    }
}

fn is_html(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// The logged-in person of this request's session, if any (an error page must not fail).
async fn user(state: &AppState, session: Option<Session>) -> Option<CurrentUser> {
    let mut parts = Request::new(()).into_parts().0;
    parts.extensions.insert(session?);
    CurrentUser::from_request_parts(&mut parts, state)
        .await
        .ok()
}
