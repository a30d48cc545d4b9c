//! What a company manager reads when the HRIS could not be used: what happened, in the provider's
//! terms, then what to do, chosen by the failure's kind (never by its words). Connect and Preview
//! use it; the run pages build their headline from the same kinds (`view.rs`). The OS and
//! library detail stays in the log (`hris::transport`).

use crate::{
    hris::{FetchError, Provider},
    sync::lifecycle::FailureKind,
};

/// "Could not reach Personio: the connection was refused. Personio may be down or …".
pub fn for_fetch(e: &FetchError, provider: Provider, nothing_stored: bool) -> String {
    let p = provider.label();
    let todo = match (e, FailureKind::of_fetch(e)) {
        (FetchError::Config { .. }, _) => "Check the address and try again.".to_string(),
        (_, FailureKind::CredentialsRejected) => {
            format!("Check the credentials in {p} and try again.")
        }
        (_, FailureKind::NotAllowed) => {
            format!("Give the credential that permission in {p}'s API settings, then try again.")
        }
        (_, FailureKind::UntrustedData) => format!(
            "Roster did not use this answer. Try again later; if it persists, {p}'s support can see what it sent."
        ),
        _ => {
            format!("{p} may be down or out of reach from this server; try again in a few minutes.")
        }
    };
    let outcome = if nothing_stored {
        "Nothing was stored."
    } else {
        "Nothing was changed."
    };
    format!("{}. {todo} {outcome}", capitalized(&e.to_string()))
}

/// The provider's error as a sentence ("could not reach …" → "Could not reach …"), leaving a
/// brand spelled in lower case ("kiwiHR rejected …") as it is.
fn capitalized(s: &str) -> String {
    if s.starts_with("kiwiHR") {
        return s.to_string();
    }
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_gets_its_own_advice() {
        let p = Provider::Personio;
        let down = FetchError::GaveUp {
            provider: p,
            attempts: 4,
            last: "the connection was refused".into(),
        };
        let said = for_fetch(&down, p, true);
        assert!(
            said.starts_with("Gave up on Personio after 4 attempts: the connection was refused."),
            "{said}"
        );
        assert!(
            said.contains("try again in a few minutes") && !said.contains("credentials"),
            "{said}"
        );
        assert!(said.ends_with("Nothing was stored."), "{said}");

        let rejected = FetchError::CredentialsRejected {
            provider: p,
            credential: "client ID and secret",
        };
        assert!(for_fetch(&rejected, p, true).contains("Check the credentials in Personio"));

        let missing = FetchError::MissingAttributes {
            provider: p,
            keys: vec!["email".into()],
        };
        let said = for_fetch(&missing, p, false);
        assert!(
            said.contains("may not read email") && said.contains("API settings"),
            "{said}"
        );
        assert!(said.ends_with("Nothing was changed."), "{said}");

        let junk = FetchError::NotJson { provider: p };
        assert!(for_fetch(&junk, p, false).contains("Roster did not use this answer"));
    }
}
