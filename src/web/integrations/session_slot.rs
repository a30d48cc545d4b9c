//! One value kept encrypted in the session for a later request of the same manager: sealed with
//! the server's key, bound to the company, the person and the provider, never put in a page.
//! Connect keeps a typed secret for the next try in one slot (`kept_secret`) and checked
//! credentials waiting for "Start syncing" in another (`pending`).

use tower_sessions::Session;

use crate::{
    crypto::{Sealed, SecretBox},
    hris::Provider,
    web::{AppError, CurrentUser},
};

/// A named place in the session; `purpose` goes into the seal's context, so a value sealed for
/// one slot does not open in another.
pub struct Slot {
    pub key: &'static str,
    pub purpose: &'static str,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    provider: String,
    ciphertext: String,
    nonce: String,
    key_id: String,
}

impl Slot {
    fn context(&self, user: &CurrentUser, provider: Provider) -> String {
        format!(
            "roster {} company={} person={} provider={}",
            self.purpose,
            user.company_id(),
            user.person.id,
            provider.as_str()
        )
    }

    /// Seals `plain` for `provider` into the slot, replacing what it held.
    pub async fn put(
        &self,
        session: &Session,
        secrets: &SecretBox,
        user: &CurrentUser,
        provider: Provider,
        plain: &[u8],
    ) -> Result<(), AppError> {
        let sealed = secrets.seal(plain, &self.context(user, provider));
        let stored = Stored {
            provider: provider.as_str().to_string(),
            ciphertext: hex::encode(&sealed.ciphertext),
            nonce: hex::encode(&sealed.nonce),
            key_id: sealed.key_id,
        };
        session.insert(self.key, stored).await?;
        Ok(())
    }

    /// The value sealed for `provider`, if any (one that no longer opens counts as none); `take`
    /// also empties the slot.
    pub async fn open(
        &self,
        session: &Session,
        secrets: &SecretBox,
        user: &CurrentUser,
        provider: Provider,
        take: bool,
    ) -> Result<Option<Vec<u8>>, AppError> {
        let stored = if take {
            session.remove::<Stored>(self.key).await?
        } else {
            session.get::<Stored>(self.key).await?
        };
        let Some(stored) = stored.filter(|s| s.provider == provider.as_str()) else {
            return Ok(None);
        };
        let (Ok(ciphertext), Ok(nonce)) =
            (hex::decode(&stored.ciphertext), hex::decode(&stored.nonce))
        else {
            return Ok(None);
        };
        let sealed = Sealed {
            ciphertext,
            nonce,
            key_id: stored.key_id,
        };
        Ok(secrets.open(&sealed, &self.context(user, provider)).ok())
    }

    /// Whether the slot holds a value for `provider`.
    pub async fn holds(&self, session: &Session, provider: Provider) -> Result<bool, AppError> {
        Ok(session
            .get::<Stored>(self.key)
            .await?
            .is_some_and(|s| s.provider == provider.as_str()))
    }

    pub async fn forget(&self, session: &Session) -> Result<(), AppError> {
        session.remove::<Stored>(self.key).await?;
        Ok(())
    }
}
