//! `ROSTER_SMTP_URL`: where mail goes, parsed once at startup with clear errors, and a `Debug` /
//! `Display` that never show the password.
//!
//! - `smtps://user:pass@host:465`: TLS from the first byte (port 465 by default).
//! - `smtp://user:pass@host:587?tls=starttls`: plain connection upgraded with STARTTLS, which is
//!   required (a server that does not offer it is an error, not a downgrade).
//! - `smtp://host:port`: no TLS at all, for a relay on the same machine (and the tests).

use std::{fmt, str::FromStr, time::Duration};

use lettre::{
    AsyncSmtpTransport, Tokio1Executor,
    transport::smtp::{AsyncSmtpTransportBuilder, authentication::Credentials},
};

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// SMTPS: TLS from the first byte.
    Tls,
    /// STARTTLS, required.
    StartTls,
    /// No TLS (a local relay).
    Plain,
}

#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    host: String,
    port: u16,
    security: Security,
    user: Option<String>,
    password: Option<String>,
}

fn decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

impl FromStr for SmtpUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<SmtpUrl, String> {
        let url = url::Url::parse(s.trim()).map_err(|e| {
            format!("ROSTER_SMTP_URL is not a URL ({e}); expected e.g. smtps://user:pass@mail.example.com:465")
        })?;
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.to_ascii_lowercase());
        let security = match (url.scheme(), tls.as_deref()) {
            ("smtps", None) => Security::Tls,
            ("smtp", Some("starttls" | "required")) => Security::StartTls,
            ("smtp", None | Some("none")) => Security::Plain,
            ("smtp" | "smtps", Some(other)) => {
                return Err(format!(
                    "ROSTER_SMTP_URL: unknown tls={other:?}; use smtps://… (TLS) or smtp://…?tls=starttls"
                ));
            }
            (scheme, _) => {
                return Err(format!(
                    "ROSTER_SMTP_URL must start with smtps:// or smtp://, not {scheme}://"
                ));
            }
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("ROSTER_SMTP_URL has no host")?
            .trim_matches(['[', ']'])
            .to_string();
        let port = url.port().unwrap_or(match security {
            Security::Tls => 465,
            Security::StartTls => 587,
            Security::Plain => 25,
        });
        let user = Some(decode(url.username())).filter(|u| !u.is_empty());
        let password = url.password().map(decode);
        if password.is_some() && user.is_none() {
            return Err("ROSTER_SMTP_URL has a password but no user name".into());
        }
        Ok(SmtpUrl {
            host,
            port,
            security,
            user,
            password,
        })
    }
}

impl SmtpUrl {
    pub fn security(&self) -> Security {
        self.security
    }

    /// A lettre transport for this URL (connections are opened when mail is sent).
    pub fn transport(
        &self,
        timeout: Duration,
    ) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
        let builder: AsyncSmtpTransportBuilder = match self.security {
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&self.host)?,
            Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&self.host)?,
            Security::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host),
        };
        let mut builder = builder.port(self.port).timeout(Some(timeout));
        if let Some(user) = &self.user {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                self.password.clone().unwrap_or_default(),
            ));
        }
        Ok(builder.build())
    }
}

/// `smtps://user:***@host:465`: safe to log.
impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.security == Security::Tls {
            "smtps"
        } else {
            "smtp"
        };
        write!(f, "{scheme}://")?;
        if let Some(u) = &self.user {
            write!(f, "{u}")?;
            if self.password.is_some() {
                f.write_str(":***")?;
            }
            f.write_str("@")?;
        }
        write!(f, "{}:{}", self.host, self.port)?;
        if self.security == Security::StartTls {
            f.write_str("?tls=starttls")?;
        }
        Ok(())
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmtpUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_shapes_parse_and_the_password_never_shows() {
        let u: SmtpUrl = "smtps://roster%40acme.com:s3cr%2Ft@mail.example.com"
            .parse()
            .unwrap();
        assert_eq!((u.security, u.port), (Security::Tls, 465));
        assert_eq!(u.user.as_deref(), Some("roster@acme.com"));
        assert_eq!(u.password.as_deref(), Some("s3cr/t"));
        let shown = format!("{u} {u:?}");
        assert!(!shown.contains("s3cr"), "{shown}");
        assert!(shown.contains("smtps://roster@acme.com:***@mail.example.com:465"));

        let u: SmtpUrl = "smtp://u:p@host:587?tls=starttls".parse().unwrap();
        assert_eq!((u.security, u.port), (Security::StartTls, 587));
        let u: SmtpUrl = "smtp://127.0.0.1:2525".parse().unwrap();
        assert_eq!((u.security, u.port, u.user), (Security::Plain, 2525, None));
    }

    #[test]
    fn wrong_urls_say_what_is_wrong() {
        for (url, says) in [
            (
                "http://mail.example.com",
                "must start with smtps:// or smtp://",
            ),
            ("smtp://host?tls=maybe", "unknown tls"),
            ("mail.example.com:25", "must start with"),
            ("smtp://:pw@host", "password but no user"),
        ] {
            let err = url.parse::<SmtpUrl>().unwrap_err();
            assert!(err.contains(says), "{url}: {err}");
            assert!(!err.contains("pw"), "{err}");
        }
    }
}
