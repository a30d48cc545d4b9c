//! A sync run's lifecycle, typed once: the states a run moves through, why it started, where it
//! is while running, and why it failed. The database stores each as a text column (checked by
//! the schema); the worker, the web and the CLI move runs only through the transitions in
//! [`crate::db::sync_runs`], and pages, mail and the CLI decide by these types, never by the
//! run's message text.
//!
//! ```text
//! queued → running(stage) → succeeded | failed(kind) | refused(kind) | paused
//! paused → applied | discarded | superseded
//! ```

use serde::{Deserialize, Serialize};

use crate::hris::FetchError;

/// A stored name that is not one of the enum's (a newer schema, or a hand-edited row).
#[derive(Debug, thiserror::Error)]
#[error("unknown {what} {value:?} in the database")]
pub struct UnknownValue {
    what: &'static str,
    value: String,
}

/// An enum stored as text: its names, `as_str`, `parse`, and `TryFrom<String>` for sqlx.
macro_rules! stored_enum {
    ($(#[$m:meta])* $name:ident ($what:literal) { $($(#[$vm:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant,)+ }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$variant,)+];

            /// The name stored in the database (and used in URLs and the CLI).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownValue;
            fn try_from(value: String) -> Result<$name, UnknownValue> {
                $name::parse(&value).ok_or(UnknownValue { what: $what, value })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

stored_enum! {
    /// Where a run is in its life. `Running` holds the company's lock (one per company).
    State ("run state") {
        Queued = "queued",
        Running = "running",
        Succeeded = "succeeded",
        Failed = "failed",
        Refused = "refused",
        /// Waits for a company manager: apply it, or discard it.
        Paused = "paused",
        /// A paused run whose plan a later run applied (`closed_by_run`).
        Applied = "applied",
        Discarded = "discarded",
        /// A paused run a newer run made obsolete (`closed_by_run`).
        Superseded = "superseded",
    }
}

stored_enum! {
    /// Why a run started.
    Trigger ("trigger") {
        Connect = "connect",
        Schedule = "schedule",
        Manual = "manual",
        Cli = "cli",
        /// "Apply anyway" on a paused run.
        Approval = "approval",
    }
}

stored_enum! {
    /// What a running run is doing.
    Stage ("stage") {
        Starting = "starting",
        Fetching = "fetching",
        Planning = "planning",
        Applying = "applying",
        Done = "done",
    }
}

stored_enum! {
    /// Why a run failed or was refused: what the company manager has to do differs per kind.
    FailureKind ("failure kind") {
        /// The HRIS did not answer, or answered with an error that may pass (429, 5xx, timeouts).
        Unreachable = "unreachable",
        /// The HRIS rejected the stored credentials: reconnect with new ones.
        CredentialsRejected = "credentials_rejected",
        /// The credential may not read something the sync needs (a permission, an attribute).
        NotAllowed = "not_allowed",
        /// The HRIS sent data the sync must not trust (unreadable, inconsistent, empty).
        UntrustedData = "untrusted_data",
        /// Our database failed (unreachable, full disk).
        Database = "database",
        /// The stored credentials cannot be opened (the secret key changed or is missing).
        Key = "key",
        /// Anything else, including a run whose process stopped before it finished.
        Internal = "internal",
    }
}

/// How a sync ended (the states [`crate::db::sync_runs::finish`] may write).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
    Refused,
    Paused,
}

impl Outcome {
    pub fn state(self) -> State {
        match self {
            Outcome::Succeeded => State::Succeeded,
            Outcome::Failed => State::Failed,
            Outcome::Refused => State::Refused,
            Outcome::Paused => State::Paused,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.state().as_str()
    }
}

impl State {
    /// Still moving: queued or running.
    pub fn is_live(self) -> bool {
        matches!(self, State::Queued | State::Running)
    }

    /// Failed or refused: a failure kind says why.
    pub fn is_failure(self) -> bool {
        matches!(self, State::Failed | State::Refused)
    }

    /// A paused run that was closed by a person or a later run.
    pub fn is_closed_pause(self) -> bool {
        matches!(self, State::Applied | State::Discarded | State::Superseded)
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Queued => "Queued",
            State::Running => "Running",
            State::Succeeded => "Succeeded",
            State::Failed => "Failed",
            State::Refused => "Refused",
            State::Paused => "Paused",
            State::Applied => "Applied",
            State::Discarded => "Discarded",
            State::Superseded => "Superseded",
        }
    }
}

impl Trigger {
    pub fn label(self) -> &'static str {
        match self {
            Trigger::Connect => "First sync after connecting",
            Trigger::Schedule => "Morning schedule",
            Trigger::Manual => "Sync now",
            Trigger::Cli => "Command line",
            Trigger::Approval => "Apply anyway",
        }
    }
}

impl Stage {
    /// The stage in words, and its step of three.
    pub fn label(self) -> (&'static str, u8) {
        match self {
            Stage::Starting | Stage::Fetching => ("Fetching people from the HRIS", 1),
            Stage::Planning => ("Working out the changes", 2),
            Stage::Applying => ("Applying the changes", 3),
            Stage::Done => ("Done", 3),
        }
    }
}

impl FailureKind {
    /// The kind in words, for the run page and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            FailureKind::Unreachable => "The HRIS could not be reached",
            FailureKind::CredentialsRejected => "The HRIS rejected the credentials",
            FailureKind::NotAllowed => "The credential lacks a permission",
            FailureKind::UntrustedData => "The HRIS sent data the sync does not trust",
            FailureKind::Database => "Roster's database failed",
            FailureKind::Key => "The stored credentials cannot be opened",
            FailureKind::Internal => "The sync stopped or failed inside Roster",
        }
    }

    /// The kind of a failed fetch.
    pub fn of_fetch(e: &FetchError) -> FailureKind {
        match e {
            FetchError::CredentialsRejected { .. } => FailureKind::CredentialsRejected,
            FetchError::Forbidden { .. } | FetchError::MissingAttributes { .. } => {
                FailureKind::NotAllowed
            }
            FetchError::Status { status: 401, .. } => FailureKind::CredentialsRejected,
            FetchError::Status { status: 403, .. } => FailureKind::NotAllowed,
            FetchError::Status { .. }
            | FetchError::Timeout { .. }
            | FetchError::Connect { .. }
            | FetchError::GaveUp { .. }
            | FetchError::Redirect { .. }
            | FetchError::Config { .. } => FailureKind::Unreachable,
            FetchError::TooLarge { .. }
            | FetchError::NotJson { .. }
            | FetchError::Unreadable { .. }
            | FetchError::Inconsistent { .. }
            | FetchError::TooManyPages { .. } => FailureKind::UntrustedData,
        }
    }

    /// The kind of an unexpected error inside a run: the database's, or ours.
    pub fn of_error(e: &anyhow::Error) -> FailureKind {
        if e.chain().any(|c| c.is::<sqlx::Error>()) {
            FailureKind::Database
        } else {
            FailureKind::Internal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(*s));
        }
        for t in Trigger::ALL {
            assert_eq!(Trigger::try_from(t.as_str().to_string()).unwrap(), *t);
        }
        for k in FailureKind::ALL {
            assert_eq!(FailureKind::parse(k.as_str()), Some(*k));
        }
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(*s));
        }
        assert!(State::try_from("finished".to_string()).is_err());
    }

    #[test]
    fn a_database_error_is_a_database_failure() {
        let e = anyhow::Error::from(sqlx::Error::PoolTimedOut).context("reading the directory");
        assert_eq!(FailureKind::of_error(&e), FailureKind::Database);
        assert_eq!(
            FailureKind::of_error(&anyhow::anyhow!("no company 3")),
            FailureKind::Internal
        );
    }

    #[test]
    fn fetch_errors_have_kinds() {
        use crate::hris::Provider::Personio;
        let rejected = FetchError::CredentialsRejected {
            provider: Personio,
            credential: "API key",
        };
        assert_eq!(
            FailureKind::of_fetch(&rejected),
            FailureKind::CredentialsRejected
        );
        let attrs = FetchError::MissingAttributes {
            provider: Personio,
            keys: vec!["email".into()],
        };
        assert_eq!(FailureKind::of_fetch(&attrs), FailureKind::NotAllowed);
        let slow = FetchError::Timeout {
            provider: Personio,
            secs: 30,
        };
        assert_eq!(FailureKind::of_fetch(&slow), FailureKind::Unreachable);
    }
}
