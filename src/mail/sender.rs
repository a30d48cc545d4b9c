//! The worker's mail loop: claims due outbox rows one at a time and hands each to the SMTP
//! server. A transient failure (server down, 4xx) is retried with exponential backoff and never
//! dropped; a permanent one (5xx: the server refuses the recipient) is recorded and not retried.
//! Each row is claimed with a lease before sending, so two workers never send the same mail, and
//! is marked sent once the server accepted it.

use std::time::{Duration, SystemTime};

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};
use tokio::sync::watch;

use crate::{
    db::{Db, outbox},
    mail::{Links, Mail, MailConfig},
};

/// How long a claimed row is ours; longer than the SMTP timeout.
const LEASE: time::Duration = time::Duration::minutes(2);
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything needed to turn an outbox row into a message.
#[derive(Clone)]
pub struct Composer {
    pub from: Mailbox,
    pub links: Links,
}

impl Composer {
    pub fn new(config: &MailConfig, bind: std::net::SocketAddr) -> Composer {
        Composer {
            from: config.from(bind),
            links: Links::new(config.public_base(bind)),
        }
    }

    /// The full message of a row: From, To, Subject, `Date` (when the mail was queued),
    /// `Message-ID` (the same on every retry) and the plain-text and HTML parts.
    pub fn message(&self, row: &outbox::OutboxRow) -> anyhow::Result<Message> {
        let mail: Mail = serde_json::from_str(&row.payload).map_err(|e| {
            anyhow::anyhow!("outbox row {} is not a mail Roster knows: {e}", row.id)
        })?;
        let content = mail.render(&self.links);
        let to: Mailbox = row
            .recipient
            .parse()
            .map_err(|e| anyhow::anyhow!("{:?} is not an email address: {e}", row.recipient))?;
        let domain = self.from.email.domain().to_string();
        let created: SystemTime = row.created_at.into();
        Ok(Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(content.subject.clone())
            .date(created)
            .message_id(Some(format!("<{}.{}@{domain}>", row.message_key, row.id)))
            .multipart(MultiPart::alternative_plain_html(
                content.text(),
                content.html(),
            ))?)
    }
}

/// Sends due mail until `stop` turns true. Without an SMTP URL there is nothing to do: mail
/// stays in the outbox for `roster mail list`.
pub async fn run(
    db: Db,
    config: MailConfig,
    bind: std::net::SocketAddr,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    config.check()?;
    let Some(url) = config.smtp_url.clone() else {
        tracing::info!("no ROSTER_SMTP_URL: mail stays in the outbox (`roster mail list`)");
        return Ok(());
    };
    let transport = url.transport(SMTP_TIMEOUT)?;
    let composer = Composer::new(&config, bind);
    tracing::info!(smtp = %url, from = %composer.from, "mail sender started");
    loop {
        while let Some(row) = outbox::claim_due(&db, LEASE).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not read the outbox; trying again");
            None
        }) {
            send_one(&db, &transport, &composer, &config, row).await;
            if *stop.borrow() {
                return Ok(());
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(config.poll()) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return Ok(());
        }
    }
}

async fn send_one(
    db: &Db,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    composer: &Composer,
    config: &MailConfig,
    row: outbox::OutboxRow,
) {
    let message = match composer.message(&row) {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(outbox = row.id, error = %e, "mail cannot be built; not retried");
            let _ = outbox::mark_failed(db, row.id, &e.to_string()).await;
            return;
        }
    };
    let result = match transport.send(message).await {
        Ok(_) => outbox::mark_sent(db, row.id).await,
        Err(e) if e.is_permanent() => {
            tracing::error!(outbox = row.id, kind = %row.kind, error = %e, "the SMTP server refused the mail; not retried");
            outbox::mark_failed(db, row.id, &e.to_string()).await
        }
        Err(e) => {
            let wait = backoff(config.retry_base(), row.attempts);
            tracing::warn!(outbox = row.id, kind = %row.kind, attempt = row.attempts, error = %e,
                retry_in_secs = wait.as_secs(), "mail not sent; will try again");
            let at = crate::db::now() + time::Duration::seconds(wait.as_secs() as i64);
            outbox::mark_retry(db, row.id, &e.to_string(), at).await
        }
    };
    if let Err(e) = result {
        // The row's lease runs out and it is tried again: a mail is never lost, and at worst
        // sent twice when the database fails right after the server accepted it.
        tracing::error!(outbox = row.id, error = %e, "could not record the mail's state");
    }
}

/// The wait after `attempts` failed sends: `base`, then doubled, at most an hour.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let factor = 1u32 << (attempts.clamp(1, 12) - 1);
    (base * factor).min(Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let b = Duration::from_secs(30);
        assert_eq!(backoff(b, 1), Duration::from_secs(30));
        assert_eq!(backoff(b, 2), Duration::from_secs(60));
        assert_eq!(backoff(b, 4), Duration::from_secs(240));
        assert_eq!(backoff(b, 40), Duration::from_secs(3600));
    }
}
