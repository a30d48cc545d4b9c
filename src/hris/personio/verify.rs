//! Connect's check of a Personio credential: it signs in and may read what the sync needs.

use super::parse::{REQUIRED_KEYS, USED_KEYS};
use super::{PROVIDER, PersonioClient};
use crate::hris::transport::FetchError;

/// What [`PersonioClient::verify`] found: the credential works and can read what we need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Attribute keys the credential may read, as Personio lists them.
    pub readable: Vec<String>,
    /// Attributes we use that the credential may not read: those fields are left alone.
    pub missing_optional: Vec<String>,
}

impl Verification {
    /// Sentences for the settings page, one per missing optional attribute.
    pub fn warnings(&self) -> Vec<String> {
        self.missing_optional
            .iter()
            .map(|k| format!("The Personio credential may not read \"{k}\", so Roster will leave that field alone."))
            .collect()
    }
}

impl PersonioClient {
    /// Proves the credential works (one auth call) and reads the attribute list: an error when
    /// email or status cannot be read, warnings for other attributes we use.
    pub async fn verify(&self) -> Result<Verification, FetchError> {
        // Always a fresh token: a cached one would not prove the secret still works.
        *self.token.lock().await = None;
        let readable: Vec<String> = self
            .attributes()
            .await?
            .into_iter()
            .map(|a| a.info.key)
            .collect();
        let missing = |keys: &[&str]| -> Vec<String> {
            keys.iter()
                .filter(|k| !readable.iter().any(|r| r == **k))
                .map(|k| k.to_string())
                .collect()
        };
        let required = missing(REQUIRED_KEYS);
        if !required.is_empty() {
            return Err(FetchError::MissingAttributes {
                provider: PROVIDER,
                keys: required,
            });
        }
        let optional: Vec<&str> = USED_KEYS
            .iter()
            .copied()
            .filter(|k| !REQUIRED_KEYS.contains(k))
            .collect();
        Ok(Verification {
            missing_optional: missing(&optional),
            readable,
        })
    }
}
