//! Passwords (argon2id) and login with throttling that holds across processes and under
//! parallel requests: an attempt is reserved in the database before its password is checked.

mod checks;
mod verify;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use time::Duration;

use crate::db::{self, Db, login_attempts, people};

pub use checks::{Busy, PasswordChecks};

/// Failed attempts for one account within [`WINDOW`] before further attempts are refused.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed attempts from one address within [`WINDOW`] before further attempts are refused.
pub const MAX_FAILURES_PER_IP: i64 = 50;
pub const WINDOW: Duration = Duration::minutes(15);

/// The shortest password Roster accepts.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Argon2id with OWASP's recommended floor: 19 MiB of memory (19,456 KiB), 2 passes, 1 lane.
/// New hashes use these; a stored hash is verified with the parameters written in it, so hashes
/// made with other parameters keep working.
pub const ARGON2_M_KIB: u32 = 19_456;
pub const ARGON2_T: u32 = 2;
pub const ARGON2_P: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, None).expect("valid argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("could not hash the password: {e}"))
}

/// Whether `password` matches the stored hash `phc`, with this thread's reused argon2 memory.
pub fn verify_password(password: &str, phc: &str) -> bool {
    verify::verify(password, phc)
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
    /// Every password check was busy; nothing was checked and nothing counted.
    Busy,
}

/// Checks an email and password. The attempt is first reserved (counted as a failure) under a
/// lock that also counts the recent failures, so parallel guesses cannot all pass the count
/// before any is written; past the limits nothing is checked. A correct password turns the
/// reservation into a success.
pub async fn login(
    db: &Db,
    checks: &PasswordChecks,
    email: &str,
    password: &str,
    ip: &str,
) -> anyhow::Result<LoginOutcome> {
    let email_key = email.trim().to_lowercase();
    let limits = login_attempts::Limits {
        since: db::now() - WINDOW,
        per_account: MAX_FAILURES_PER_ACCOUNT,
        per_address: MAX_FAILURES_PER_IP,
    };
    let Some(attempt) = login_attempts::reserve(db, &email_key, ip, &limits).await? else {
        return Ok(LoginOutcome::Throttled);
    };
    let candidates = people::login_candidates(db, &email_key).await?;
    let password = password.to_string();
    let found = checks
        .run(move || {
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
    Ok(match found {
        Err(Busy) => {
            login_attempts::cancel(db, attempt).await?;
            LoginOutcome::Busy
        }
        Ok(Some(person_id)) => {
            login_attempts::succeeded(db, attempt).await?;
            LoginOutcome::LoggedIn { person_id }
        }
        Ok(None) => LoginOutcome::Rejected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn hashes_made_with_other_parameters_still_verify() {
        let older = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8_192, 3, 1, None).unwrap(),
        )
        .hash_password(b"correct horse battery")
        .unwrap()
        .to_string();
        assert!(older.contains("m=8192,t=3,p=1"), "{older}");
        assert!(verify_password("correct horse battery", &older));
        assert!(!verify_password("wrong", &older));
    }
}
