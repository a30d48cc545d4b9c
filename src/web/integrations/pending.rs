//! Credentials waiting for "Start syncing" on Connect's review: checked with the HRIS, not yet
//! stored. They live encrypted in the session (never in the page), bound to the company, the
//! person and the provider; Start syncing takes them, Cancel drops them.

use tower_sessions::Session;

use crate::{
    crypto::{Sealed, SecretBox},
    hris::{Provider, providers::Credentials},
    web::{AppError, CurrentUser},
};

const KEY: &str = "integrations.pending_connect";

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    provider: String,
    ciphertext: String,
    nonce: String,
    key_id: String,
}

fn context(user: &CurrentUser, provider: Provider) -> String {
    format!(
        "roster pending connect company={} person={} provider={}",
        user.company_id(),
        user.person.id,
        provider.as_str()
    )
}

/// Keeps `creds` until the manager starts syncing or cancels.
pub async fn keep(
    session: &Session,
    secrets: &SecretBox,
    user: &CurrentUser,
    creds: &Credentials,
) -> Result<(), AppError> {
    let provider = creds.provider();
    let sealed = secrets.seal(&creds.to_json(), &context(user, provider));
    let stored = Stored {
        provider: provider.as_str().to_string(),
        ciphertext: hex::encode(&sealed.ciphertext),
        nonce: hex::encode(&sealed.nonce),
        key_id: sealed.key_id,
    };
    session.insert(KEY, stored).await?;
    Ok(())
}

/// The waiting credentials of `provider`, removed from the session (one use).
pub async fn take(
    session: &Session,
    secrets: &SecretBox,
    user: &CurrentUser,
    provider: Provider,
) -> Result<Option<Credentials>, AppError> {
    let Some(stored) = session.remove::<Stored>(KEY).await? else {
        return Ok(None);
    };
    if stored.provider != provider.as_str() {
        return Ok(None);
    }
    let (Ok(ciphertext), Ok(nonce)) = (hex::decode(&stored.ciphertext), hex::decode(&stored.nonce))
    else {
        return Ok(None);
    };
    let sealed = Sealed {
        ciphertext,
        nonce,
        key_id: stored.key_id,
    };
    Ok(secrets
        .open(&sealed, &context(user, provider))
        .ok()
        .and_then(|b| Credentials::from_json(&b).ok()))
}

pub async fn forget(session: &Session) -> Result<(), AppError> {
    session.remove::<Stored>(KEY).await?;
    Ok(())
}
