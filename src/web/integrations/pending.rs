//! Credentials waiting for "Start syncing" on Connect's review: checked with the HRIS, not yet
//! stored. They live encrypted in the session (never in the page), bound to the company, the
//! person and the provider; Start syncing takes them, Cancel drops them.

use tower_sessions::Session;

use super::session_slot::Slot;
use crate::{
    crypto::SecretBox,
    hris::{Provider, providers::Credentials},
    web::{AppError, CurrentUser},
};

const SLOT: Slot = Slot {
    key: "integrations.pending_connect",
    purpose: "pending connect",
};

/// Keeps `creds` until the manager starts syncing or cancels.
pub async fn keep(
    session: &Session,
    secrets: &SecretBox,
    user: &CurrentUser,
    creds: &Credentials,
) -> Result<(), AppError> {
    SLOT.put(session, secrets, user, creds.provider(), &creds.to_json())
        .await
}

/// The waiting credentials of `provider`, removed from the session (one use).
pub async fn take(
    session: &Session,
    secrets: &SecretBox,
    user: &CurrentUser,
    provider: Provider,
) -> Result<Option<Credentials>, AppError> {
    Ok(SLOT
        .open(session, secrets, user, provider, true)
        .await?
        .and_then(|b| Credentials::from_json(&b).ok()))
}

pub async fn forget(session: &Session) -> Result<(), AppError> {
    SLOT.forget(session).await
}
