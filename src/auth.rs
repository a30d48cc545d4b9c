//! Passwords (argon2id) and login with throttling that holds across processes.

use argon2::{Argon2, PasswordHasher, PasswordVerifier, password_hash::phc::PasswordHash};
use time::Duration;

use crate::db::{self, Db, login_attempts, people};

/// Failed attempts for one account within [`WINDOW`] before further attempts are refused.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed attempts from one address within [`WINDOW`] before further attempts are refused.
pub const MAX_FAILURES_PER_IP: i64 = 50;
pub const WINDOW: Duration = Duration::minutes(15);

/// The shortest password Roster accepts.
pub const MIN_PASSWORD_LEN: usize = 10;

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("could not hash the password: {e}"))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// A valid hash of a random password, verified when the email is unknown so that a wrong
/// email takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hash_password(&format!("{:x}", rand::random::<u128>())).expect("argon2 hashes")
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// The person id to put in the session.
    LoggedIn { person_id: i64 },
    /// Wrong email or wrong password: the user is not told which.
    Rejected,
    /// Too many failures for this account or from this address.
    Throttled,
}

/// Checks an email and password, recording the attempt. Refuses without checking when the
/// account or the address had too many recent failures.
pub async fn login(db: &Db, email: &str, password: &str, ip: &str) -> anyhow::Result<LoginOutcome> {
    let email_key = email.trim().to_lowercase();
    let since = db::now() - WINDOW;
    let (by_email, by_ip) = login_attempts::recent_failures(db, &email_key, ip, since).await?;
    if by_email >= MAX_FAILURES_PER_ACCOUNT || by_ip >= MAX_FAILURES_PER_IP {
        return Ok(LoginOutcome::Throttled);
    }
    let candidates = people::login_candidates(db, &email_key).await?;
    let password = password.to_string();
    let found = tokio::task::spawn_blocking(move || {
        if candidates.is_empty() {
            verify_password(&password, decoy_hash());
            return None;
        }
        candidates
            .into_iter()
            .find(|c| verify_password(&password, &c.password_hash))
            .map(|c| c.id)
    })
    .await?;
    login_attempts::record(db, &email_key, ip, found.is_some()).await?;
    Ok(match found {
        Some(person_id) => LoginOutcome::LoggedIn { person_id },
        None => LoginOutcome::Rejected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a phc string"));
    }
}
