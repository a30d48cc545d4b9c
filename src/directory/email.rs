//! A validated, normalised email address: trimmed, compared case-insensitively.

use std::fmt;

/// An email address that passed [`Email::parse`]. Stored as typed (trimmed); compare with
/// [`Email::key`], which is lower-cased, as the database does.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Email is required.")]
    Empty,
    #[error(
        "“{0}” is not a valid email address (it needs one @ and a domain, like name@example.com)."
    )]
    Invalid(String),
}

impl Email {
    /// Accepts `local@domain.tld` with no spaces, one `@`, a dot in the domain and sane lengths.
    /// Deliberately simple: the HRIS and a person typing both produce ordinary addresses, and a
    /// stricter RFC 5322 parser would accept things no mail system delivers.
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        Email::check(raw).map(|s| Email(s.to_string()))
    }

    /// [`Email::parse`] without the allocation: the trimmed address, if valid.
    pub fn check(raw: &str) -> Result<&str, EmailError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        let invalid = || EmailError::Invalid(s.chars().take(100).collect());
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = s.split_once('@').ok_or_else(invalid)?;
        if local.is_empty()
            || local.len() > 64
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
            || domain.starts_with('-')
        {
            return Err(invalid());
        }
        Ok(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive key used for uniqueness within a company.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_trims() {
        assert_eq!(
            Email::parse("  Lena.Brandt@example.com ").unwrap().as_str(),
            "Lena.Brandt@example.com"
        );
        assert_eq!(Email::parse("a+b@x.io").unwrap().key(), "a+b@x.io");
        assert_eq!(
            Email::parse("Lena@Example.COM").unwrap().key(),
            "lena@example.com"
        );
    }

    #[test]
    fn rejects_what_no_mail_system_delivers() {
        for bad in [
            "",
            "   ",
            "lena",
            "lena@",
            "@example.com",
            "lena@example",
            "le na@example.com",
            "lena@@example.com",
            "lena@example..com",
            "lena@.example.com",
            "lena@example.com.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
