//! The secret typed into Connect, kept for the next try when the check failed for another
//! reason (a wrong kiwiHR URL, the HRIS unreachable): kiwiHR shows a token only once, so making
//! the manager paste it again would lose it. It is kept encrypted in the session (never in the
//! page), bound to the company, the person and the provider, and dropped once the provider
//! rejected it or the connection succeeded.

use tower_sessions::Session;

use super::session_slot::Slot;
use crate::{
    crypto::SecretBox,
    hris::{Provider, secret::Secret},
    web::{AppError, CurrentUser},
};

const SLOT: Slot = Slot {
    key: "integrations.kept_secret",
    purpose: "kept connect secret",
};

/// Keeps `secret` for the next try of this provider's Connect.
pub async fn keep(
    session: &Session,
    secrets: &SecretBox,
    user: &CurrentUser,
    provider: Provider,
    secret: &Secret,
) -> Result<(), AppError> {
    SLOT.put(session, secrets, user, provider, secret.expose().as_bytes())
        .await
}

/// The kept secret of this provider, if any (one that no longer opens counts as none).
pub async fn take(
    session: &Session,
    secrets: &SecretBox,
    user: &CurrentUser,
    provider: Provider,
) -> Result<Option<Secret>, AppError> {
    Ok(SLOT
        .open(session, secrets, user, provider, false)
        .await?
        .and_then(|b| String::from_utf8(b).ok())
        .map(Secret::new))
}

/// Whether a secret is kept for this provider (for the form's hint).
pub async fn is_kept(session: &Session, provider: Provider) -> Result<bool, AppError> {
    SLOT.holds(session, provider).await
}

pub async fn forget(session: &Session) -> Result<(), AppError> {
    SLOT.forget(session).await
}
