//! Who may log in, and how they get there from a browser: invitations, "forgot password", the
//! set-password link both send, and a company manager changing roles or removing a login.
//!
//! Every change is one transaction with its audit event and, where someone must hear of it, its
//! outbox mail. The web, the CLI and the sync call these functions; none writes logins itself.

pub mod invite;
pub mod password;
pub mod roles;
mod token;

pub use token::{hash_token, new_token};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;
/// How long a password-reset link works.
pub const RESET_MINUTES: i64 = 60;

/// Why a change to someone's access was refused; the message says what to do instead.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    #[error(
        "{0} is the last active company manager: make someone else a company manager first, so the company is never left without one."
    )]
    LastManager(String),
    #[error("{0} is deactivated: reactivate them before inviting them.")]
    Deactivated(String),
    #[error("{0} already has a login.")]
    HasLogin(String),
    #[error("{0} has no login.")]
    NoLogin(String),
}
