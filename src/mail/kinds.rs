//! What a mail says, as data: the outbox stores a [`Mail`] as JSON and renders it when it is sent
//! or shown, so the wording lives in one place ([`Mail::render`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::mail::{Content, Links, SyncAlert, SyncRecovered};

/// A one-time token as it travels in a link. Only its hash is stored next to the person; the
/// token itself is in the outbox row until the mail is read. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Token(pub String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mail {
    /// A company manager (or an automatic invitation after a sync) gives a person a login.
    Invitation {
        company: String,
        name: String,
        invited_by: Option<String>,
        token: Token,
        expires_days: i64,
    },
    /// Someone asked for a new password on the login page.
    PasswordReset {
        company: String,
        name: String,
        token: Token,
        expires_minutes: i64,
    },
    /// A sync failed (after its last retry), was refused, or paused for review.
    SyncAlert(SyncAlert),
    /// The next sync after an alert succeeded.
    SyncRecovered(SyncRecovered),
}

impl Mail {
    /// The outbox's `kind` column (what `roster mail list` shows).
    pub fn kind(&self) -> &'static str {
        match self {
            Mail::Invitation { .. } => "invitation",
            Mail::PasswordReset { .. } => "password_reset",
            Mail::SyncAlert(_) => "sync_alert",
            Mail::SyncRecovered(_) => "sync_recovered",
        }
    }

    pub fn render(&self, links: &Links) -> Content {
        match self {
            Mail::Invitation {
                company,
                name,
                invited_by,
                token,
                expires_days,
            } => {
                let who = invited_by.as_deref().unwrap_or("A company manager");
                Content {
                    subject: format!("You are invited to {company}'s directory on Roster"),
                    greeting: format!("Hello {name},"),
                    paragraphs: vec![format!(
                        "{who} invited you to {company}'s people directory on Roster. \
                             Choose a password to log in and find your colleagues."
                    )],
                    action: Some(("Choose your password".into(), links.set_password(token))),
                    after: vec![format!(
                        "The link works once and expires in {expires_days} days. \
                         If you did not expect this invitation, you can ignore this email."
                    )],
                }
            }
            Mail::PasswordReset {
                company,
                name,
                token,
                expires_minutes,
            } => Content {
                subject: format!("Reset your Roster password for {company}"),
                greeting: format!("Hello {name},"),
                paragraphs: vec![
                    "Someone (hopefully you) asked to reset your Roster password. \
                     Choose a new one with the link below; your other sessions will be logged out."
                        .into(),
                ],
                action: Some(("Choose a new password".into(), links.set_password(token))),
                after: vec![format!(
                    "The link works once and expires in {} minutes. If you did not ask for it, \
                     ignore this email: your password stays as it is.",
                    expires_minutes
                )],
            },
            Mail::SyncAlert(a) => a.render(links),
            Mail::SyncRecovered(r) => r.render(links),
        }
    }
}
