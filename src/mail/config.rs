//! The mail settings: `ROSTER_SMTP_URL`, `ROSTER_MAIL_FROM`, `ROSTER_PUBLIC_URL` and the
//! sender's timings.

use std::{fmt, net::SocketAddr, time::Duration};

use clap::Args;
use lettre::message::Mailbox;

use crate::mail::SmtpUrl;

#[derive(Args, Clone)]
pub struct MailConfig {
    /// Where mail is sent: smtps://user:pass@host:465, smtp://user:pass@host:587?tls=starttls, or
    /// smtp://host:port for a local relay without TLS. When unset, mail stays in the outbox
    /// (`roster mail list`). The password never appears in logs.
    #[arg(long, env = "ROSTER_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<SmtpUrl>,

    /// The sender of every mail, e.g. "Roster <roster@acme.com>". Required with an SMTP URL.
    #[arg(long, env = "ROSTER_MAIL_FROM", global = true)]
    pub mail_from: Option<Mailbox>,

    /// The address people open Roster at (e.g. https://roster.acme.com): links in mail start
    /// with it. Default: http:// and the listen address.
    #[arg(long, env = "ROSTER_PUBLIC_URL", global = true)]
    pub public_url: Option<url::Url>,

    /// First wait before sending a mail again after the SMTP server failed, doubled per attempt
    /// up to an hour.
    #[arg(
        long,
        env = "ROSTER_MAIL_RETRY_BASE_SECS",
        default_value_t = 30,
        global = true,
        hide = true
    )]
    pub mail_retry_base_secs: u64,

    /// How often the worker looks for mail to send.
    #[arg(
        long,
        env = "ROSTER_MAIL_POLL_MS",
        default_value_t = 2000,
        global = true,
        hide = true
    )]
    pub mail_poll_ms: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp_url: None,
            mail_from: None,
            public_url: None,
            mail_retry_base_secs: 30,
            mail_poll_ms: 2000,
        }
    }
}

impl MailConfig {
    /// The base of every link in mail: `ROSTER_PUBLIC_URL`, else the listen address (an
    /// unspecified address such as 0.0.0.0 becomes 127.0.0.1, which at least works locally).
    pub fn public_base(&self, bind: SocketAddr) -> url::Url {
        if let Some(u) = &self.public_url {
            return u.clone();
        }
        let mut addr = bind;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        url::Url::parse(&format!("http://{addr}/")).expect("an address makes a URL")
    }

    /// The From address: `ROSTER_MAIL_FROM`, else roster@ the public host (fine for mail that
    /// stays in the outbox; [`MailConfig::check`] requires a real one before sending).
    pub fn from(&self, bind: SocketAddr) -> Mailbox {
        if let Some(m) = &self.mail_from {
            return m.clone();
        }
        let host = self
            .public_base(bind)
            .host_str()
            .filter(|h| h.contains('.') && h.parse::<std::net::IpAddr>().is_err())
            .unwrap_or("localhost")
            .to_string();
        format!("Roster <roster@{host}>")
            .parse()
            .unwrap_or_else(|_| {
                "Roster <roster@localhost>"
                    .parse()
                    .expect("literal mailbox")
            })
    }

    /// Settings that cannot work together are refused at startup, with what to do.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.smtp_url.is_some() && self.mail_from.is_none() {
            anyhow::bail!(
                "ROSTER_SMTP_URL is set but ROSTER_MAIL_FROM is not: set the sender, e.g. ROSTER_MAIL_FROM=\"Roster <roster@acme.com>\""
            );
        }
        if let Some(u) = &self.public_url
            && !matches!(u.scheme(), "http" | "https")
        {
            anyhow::bail!("ROSTER_PUBLIC_URL must be an http:// or https:// address, not {u}");
        }
        Ok(())
    }

    pub fn retry_base(&self) -> Duration {
        Duration::from_secs(self.mail_retry_base_secs.max(1))
    }

    pub fn poll(&self) -> Duration {
        Duration::from_millis(self.mail_poll_ms.max(50))
    }
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_url", &self.smtp_url)
            .field("mail_from", &self.mail_from.as_ref().map(|m| m.to_string()))
            .field("public_url", &self.public_url.as_ref().map(|u| u.as_str()))
            .finish()
    }
}
