//! The secret typed into Connect, kept for the next try when the check failed for another
//! reason (a wrong kiwiHR URL, the HRIS unreachable): kiwiHR shows a token only once, so making
//! the manager paste it again would lose it. It is kept encrypted in the session (never in the
//! page), bound to the company, the person and the provider, and dropped once the provider
//! rejected it or the connection succeeded.

use tower_sessions::Session;

use crate::{
    crypto::{Sealed, SecretBox},
    hris::{Provider, secret::Secret},
    web::{AppError, CurrentUser},
};

const KEY: &str = "integrations.kept_secret";

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    provider: String,
    ciphertext: String,
    nonce: String,
    key_id: String,
}

fn context(user: &CurrentUser, provider: Provider) -> String {
    format!(
        "roster kept connect secret company={} person={} provider={}",
        user.company_id(),
        user.person.id,
        provider.as_str()
    )
}

/// Keeps `secret` for the next try of this provider's Connect.
pub async fn keep(
    session: &Session,
    secrets: &SecretBox,
    user: &CurrentUser,
    provider: Provider,
    secret: &Secret,
) -> Result<(), AppError> {
    let sealed = secrets.seal(secret.expose().as_bytes(), &context(user, provider));
    let stored = Stored {
        provider: provider.as_str().to_string(),
        ciphertext: hex::encode(&sealed.ciphertext),
        nonce: hex::encode(&sealed.nonce),
        key_id: sealed.key_id,
    };
    session.insert(KEY, stored).await?;
    Ok(())
}

/// The kept secret of this provider, if any (one that no longer opens counts as none).
pub async fn take(
    session: &Session,
    secrets: &SecretBox,
    user: &CurrentUser,
    provider: Provider,
) -> Result<Option<Secret>, AppError> {
    let Some(stored) = session.get::<Stored>(KEY).await? else {
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
        .and_then(|b| String::from_utf8(b).ok())
        .map(Secret::new))
}

/// Whether a secret is kept for this provider (for the form's hint).
pub async fn is_kept(session: &Session, provider: Provider) -> Result<bool, AppError> {
    Ok(session
        .get::<Stored>(KEY)
        .await?
        .is_some_and(|s| s.provider == provider.as_str()))
}

pub async fn forget(session: &Session) -> Result<(), AppError> {
    session.remove::<Stored>(KEY).await?;
    Ok(())
}
