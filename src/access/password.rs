//! "Forgot password" and the set-password link that invitations and resets share.
//!
//! A reset request gets the same answer whether or not the address has a login; it is throttled
//! per email and per address. Setting a password through a link uses the link up, logs the
//! person out everywhere else, and is an audit event.

use crate::{
    access::{RESET_MINUTES, hash_token, new_token},
    auth,
    db::{Db, audit, login_tokens, people},
    directory::Role,
    mail::{self, Mail},
    session_store,
};

/// Reset requests per email within [`THROTTLE_WINDOW`]; more are silently not sent.
pub const MAX_RESETS_PER_EMAIL: i64 = 3;
/// Reset requests from one address within [`THROTTLE_WINDOW`]; more are refused.
pub const MAX_RESETS_PER_IP: i64 = 20;
/// A bound on what argon2 is asked to hash.
pub const MAX_PASSWORD_LEN: usize = 1000;
pub const THROTTLE_WINDOW: time::Duration = time::Duration::hours(1);

#[derive(Debug, PartialEq, Eq)]
pub enum ResetRequest {
    /// The same answer for a known and an unknown address (a mail went out only if known).
    Answered,
    /// Too many requests from this address.
    Throttled,
}

/// How long a reset request takes at the least, known address or not ([`request_reset`]).
pub const RESET_ANSWER_FLOOR: std::time::Duration = std::time::Duration::from_millis(100);

/// Records a reset request and, unless it is throttled, mails a reset link to every active login
/// with this email (one per company): when it returns, the links and their mails are stored.
///
/// The answer must not tell whether the address has a login. One transaction does the same for
/// every address (record and count the request, read the logins) and, for a known one, stores the
/// links, their mails and the audit events; a second commit only for known addresses (one disk
/// flush on SQLite) had made their answer measurably slower. What is left of the difference (a few
/// inserts) is hidden by answering no sooner than [`RESET_ANSWER_FLOOR`] after the request came.
pub async fn request_reset(db: &Db, email: &str, ip: &str) -> anyhow::Result<ResetRequest> {
    let floor = tokio::time::Instant::now() + RESET_ANSWER_FLOOR;
    let answer = record_and_send(db, email, ip).await;
    tokio::time::sleep_until(floor).await;
    answer
}

async fn record_and_send(db: &Db, email: &str, ip: &str) -> anyhow::Result<ResetRequest> {
    let email_key = email.trim().to_lowercase();
    let since = crate::db::now() - THROTTLE_WINDOW;
    let mut tx = db.begin().await?;
    let (by_email, by_ip) =
        login_tokens::record_reset_request(&mut tx, &email_key, ip, since).await?;
    if by_ip > MAX_RESETS_PER_IP {
        tx.commit().await?;
        return Ok(ResetRequest::Throttled);
    }
    // Over the per-email limit: not told apart from a sent mail, and nothing sent.
    let to = if by_email > MAX_RESETS_PER_EMAIL || email_key.is_empty() {
        Vec::new()
    } else {
        people::reset_candidates(&mut tx, &email_key).await?
    };
    for person in to {
        let (token, hash) = new_token();
        let expires = crate::db::now() + time::Duration::minutes(RESET_MINUTES);
        login_tokens::replace(
            &mut tx,
            person.company_id,
            person.id,
            "reset",
            None,
            &hash,
            expires,
        )
        .await?;
        mail::queue(
            &mut tx,
            Some(person.company_id),
            &person.email,
            &Mail::PasswordReset {
                company: person.company_name,
                name: person.first_name,
                token,
                expires_minutes: RESET_MINUTES,
            },
        )
        .await?;
        audit::record(
            &mut tx,
            person.company_id,
            None,
            "password_reset_requested",
            &format!("Password reset requested for {}", person.email),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(ResetRequest::Answered)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SetPasswordError {
    #[error(
        "This link does not work any more: it was used already, it expired, or a newer one replaced it. Ask for a new one."
    )]
    InvalidLink,
    #[error("The password needs at least {0} characters.")]
    TooShort(usize),
    #[error("The password can have at most {0} characters.")]
    TooLong(usize),
    #[error("The two passwords are not the same.")]
    Mismatch,
}

/// Checks a set-password link without using it (the page shows the form only for a live link).
pub async fn check_link(db: &Db, raw: &str) -> anyhow::Result<Option<login_tokens::ValidToken>> {
    Ok(login_tokens::find_valid(db, &hash_token(raw)).await?)
}

/// Uses the link: sets the password (an invitation also gives the invited role), ends the
/// person's other sessions and uses the link up, in one transaction. Returns the person's id.
pub async fn set_password(
    db: &Db,
    raw: &str,
    password: &str,
    confirm: &str,
) -> anyhow::Result<Result<i64, SetPasswordError>> {
    let Some(link) = check_link(db, raw).await? else {
        return Ok(Err(SetPasswordError::InvalidLink));
    };
    if password.chars().count() < auth::MIN_PASSWORD_LEN {
        return Ok(Err(SetPasswordError::TooShort(auth::MIN_PASSWORD_LEN)));
    }
    if password.chars().count() > MAX_PASSWORD_LEN {
        return Ok(Err(SetPasswordError::TooLong(MAX_PASSWORD_LEN)));
    }
    if password != confirm {
        return Ok(Err(SetPasswordError::Mismatch));
    }
    // Only reached with a live link, so these hashes are few; a blocking thread keeps the
    // runtime free while argon2 works.
    let pw = password.to_string();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&pw)).await??;
    let current = people::get(db, link.company_id, link.person_id).await?;
    let role = match (link.purpose.as_str(), current.and_then(|p| p.role)) {
        // A reset keeps the role; an invitation gives the invited one unless a login exists.
        (_, Some(role)) => role,
        _ => link
            .role
            .as_deref()
            .and_then(Role::parse)
            .unwrap_or(Role::Employee),
    };
    let mut tx = db.begin().await?;
    if !login_tokens::consume(&mut tx, link.id).await? {
        return Ok(Err(SetPasswordError::InvalidLink));
    }
    people::set_login(
        &mut tx,
        link.company_id,
        link.person_id,
        Some((&hash, role)),
    )
    .await?;
    session_store::end_sessions_of(&mut tx, link.person_id).await?;
    let action = if link.purpose == "invitation" {
        "invitation_accepted"
    } else {
        "password_reset"
    };
    audit::record(
        &mut tx,
        link.company_id,
        Some(link.person_id),
        action,
        &format!("{} set a password through a one-time link", link.email),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(link.person_id))
}
