//! Mail: what Roster tells people by email, and how it gets there.
//!
//! - [`Mail`] is what happened (an invitation, a password reset, a sync alert), stored as JSON in
//!   the outbox by [`queue`] inside the transaction of the event itself; nothing else sends mail.
//! - [`render`](Mail::render) turns it into a subject, a plain-text and an HTML part (askama
//!   templates), with links built from `ROSTER_PUBLIC_URL`.
//! - [`sender`] is the worker's loop: it claims due rows and hands them to the SMTP server
//!   (`ROSTER_SMTP_URL`, lettre over rustls) with retries and backoff. Without an SMTP URL mail
//!   stays in the outbox, where `roster mail list` / `roster mail show` read it.

mod alerts;
mod config;
mod content;
mod kinds;
pub mod sender;
mod smtp;

pub use alerts::{Audience, Problem, SyncAlert, SyncRecovered};
pub use config::MailConfig;
pub use content::{Content, Links};
pub use kinds::{Mail, Token};
pub use smtp::SmtpUrl;

use crate::db::{Tx, outbox};

/// Queues `mail` to `recipient` inside the caller's transaction: it is sent if and only if the
/// event that caused it commits.
pub async fn queue(
    tx: &mut Tx,
    company_id: Option<i64>,
    recipient: &str,
    mail: &Mail,
) -> anyhow::Result<i64> {
    let payload = serde_json::to_string(mail)?;
    Ok(outbox::insert(tx, company_id, mail.kind(), recipient, &payload).await?)
}
