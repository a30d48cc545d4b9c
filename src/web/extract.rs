//! Guards as extractors: [`CurrentUser`] (logged in, active, with a login) and [`Manager`]
//! (a company manager). Handlers name the guard they need in their signature.

use axum::{
    extract::{FromRequestParts, Request, State},
    http::request::Parts,
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_sessions::Session;

use crate::{
    db::people::{self, SessionPerson},
    directory::Role,
    session_store::{LOADED_PERSON_KEY, PERSON_KEY},
    web::{AppError, AppState, csrf, expiry},
};

/// The logged-in person. Loaded from the database on every request, so a deactivated person or a
/// removed login ends the session at once.
#[derive(Clone)]
pub struct CurrentUser {
    pub person: SessionPerson,
    pub role: Role,
    pub session: Session,
    pub csrf: String,
}

impl CurrentUser {
    pub fn company_id(&self) -> i64 {
        self.person.company_id
    }
    pub fn is_manager(&self) -> bool {
        self.role == Role::Manager
    }
}

/// A company manager: settings, integrations, and editing people and groups.
#[derive(Clone)]
pub struct Manager(pub CurrentUser);

/// Starts a logged-in session for `person_id`: a new session id (no fixation), a new CSRF token,
/// the login time and the session's first end.
pub async fn start_session(
    session: &Session,
    person_id: i64,
    config: &crate::config::Config,
) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(PERSON_KEY, person_id).await?;
    expiry::start(session, config).await?;
    csrf::rotate(session).await?;
    Ok(())
}

fn login_required(parts: &Parts) -> AppError {
    let next = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    // Only come back to pages one can GET.
    let next = if parts.method == axum::http::Method::GET {
        next
    } else {
        "/".into()
    };
    AppError::LoginRequired { next }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, msg)| {
                AppError::Internal(anyhow::anyhow!("session layer missing: {msg}"))
            })?;
        let Some(person_id) = session.get::<i64>(PERSON_KEY).await? else {
            return Err(login_required(parts));
        };
        let login_at = session.get::<i64>(expiry::LOGIN_AT_KEY).await?.unwrap_or(0);
        let age = time::OffsetDateTime::now_utc().unix_timestamp() - login_at;
        if age < 0 || age as u64 >= state.config.session_max().as_secs() {
            session.flush().await?;
            return Err(login_required(parts));
        }
        // Read with the session row (`session_store`), unless the session changed hands.
        let loaded = session
            .get::<SessionPerson>(LOADED_PERSON_KEY)
            .await?
            .filter(|p| p.id == person_id);
        let person = match loaded {
            Some(p) => Some(p),
            None => people::session_person(&state.db, person_id).await?,
        };
        let Some((person, role)) = person
            .filter(|p| p.active)
            .and_then(|p| p.role.as_deref().and_then(Role::parse).map(|r| (p, r)))
        else {
            session.flush().await?;
            return Err(login_required(parts));
        };
        expiry::touch(&session, login_at, &state.config).await?;
        let csrf = csrf::token(&session).await?;
        let user = CurrentUser {
            person,
            role,
            session,
            csrf,
        };
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

impl FromRequestParts<AppState> for Manager {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if user.is_manager() {
            Ok(Manager(user))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Layer: everything under `/settings` (including paths no route matches) needs a company
/// manager; anonymous visitors go to the login page, employees get 403.
pub async fn settings_are_for_managers(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if path != "/settings" && !path.starts_with("/settings/") {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    match Manager::from_request_parts(&mut parts, &state).await {
        Ok(_) => next.run(Request::from_parts(parts, body)).await,
        Err(e) => e.into_response(),
    }
}
