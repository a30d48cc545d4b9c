//! The words of the sync alerts: a problem ("the morning sync failed / was refused / paused")
//! and its end ("the sync works again"). Each says what happened by the run's kind (never the
//! raw error), what Roster did, what to do, and links to the run.

use serde::{Deserialize, Serialize};

use crate::{
    hris::Provider,
    mail::{Content, Links},
    sync::lifecycle::FailureKind,
};

/// What went wrong with a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Problem {
    Failed {
        kind: FailureKind,
    },
    Refused {
        kind: FailureKind,
    },
    /// The plan would deactivate `would_deactivate` of `active` synced people: a manager reviews.
    Paused {
        would_deactivate: i64,
        active: i64,
    },
}

impl Problem {
    /// What makes two alerts "the same ongoing problem": the outcome and its kind.
    pub fn key(&self) -> String {
        match self {
            Problem::Failed { kind } => format!("failed:{kind}"),
            Problem::Refused { kind } => format!("refused:{kind}"),
            Problem::Paused { .. } => "paused".into(),
        }
    }

    /// The problem in a few words, for subjects and the recovered mail.
    fn headline(&self, hris: &str) -> String {
        match self {
            Problem::Paused { .. } => "paused for your review".into(),
            Problem::Failed { kind } | Problem::Refused { kind } => {
                let verb = if matches!(self, Problem::Failed { .. }) {
                    "failed"
                } else {
                    "was refused"
                };
                let why = match kind {
                    FailureKind::Unreachable => format!("{hris} could not be reached"),
                    FailureKind::CredentialsRejected => {
                        format!("{hris} rejected the credentials")
                    }
                    FailureKind::NotAllowed => format!("{hris} refused access to some data"),
                    FailureKind::UntrustedData => {
                        format!("{hris} sent data Roster does not trust")
                    }
                    FailureKind::Database => "Roster's database failed".into(),
                    FailureKind::Key => "the stored credentials cannot be opened".into(),
                    FailureKind::Internal => "it stopped before it finished".into(),
                };
                format!("{verb}: {why}")
            }
        }
    }
}

/// Why this address gets sync alerts (the last line of every alert says how to stop them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum Audience {
    /// A company manager (their page has the switch).
    Manager { person_id: i64 },
    /// An address chosen in Company settings.
    Address,
}

/// The sync's problem, as one company manager (or alert address) reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncAlert {
    pub company: String,
    pub provider: Provider,
    pub run_id: i64,
    pub problem: Problem,
    /// When the run ended, in the company's time zone, in words.
    pub when: String,
    /// How many times the worker started this sync (retries included).
    pub attempts: i64,
    pub to: Audience,
}

/// The sync works again after an alert.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncRecovered {
    pub company: String,
    pub provider: Provider,
    pub run_id: i64,
    /// The problem it recovered from.
    pub was: Problem,
    pub when: String,
    pub created: i64,
    pub updated: i64,
    pub deactivated: i64,
    pub reactivated: i64,
    pub to: Audience,
}

fn why_you(company: &str, to: Audience, links: &Links) -> String {
    match to {
        Audience::Manager { person_id } => format!(
            "You get this because you are a company manager of {company}. To stop sync alerts, \
             turn them off on your own page: {}",
            links.path(&format!("/people/{person_id}"))
        ),
        Audience::Address => format!(
            "You get this because this address is set for sync alerts in {company}'s company \
             settings: {}",
            links.path("/settings/company")
        ),
    }
}

impl SyncAlert {
    pub fn render(&self, links: &Links) -> Content {
        let hris = self.provider.label();
        let c = &self.company;
        let tries = if self.attempts > 1 {
            format!(" Roster tried {} times before giving up.", self.attempts)
        } else {
            String::new()
        };
        let (happened, did, todo) = match self.problem {
            Problem::Paused {
                would_deactivate,
                active,
            } => (
                format!(
                    "The sync of {when} would deactivate {would_deactivate} of the {active} active \
                     people synced from {hris}, more than {c}'s limit allows, so it paused.",
                    when = self.when
                ),
                "Nothing was changed: nobody was deactivated, created or updated. Every morning \
                 sync pauses the same way until a company manager decides."
                    .to_string(),
                format!(
                    "Open the sync and check who would be deactivated. If the list is right \
                     (people really left), choose Apply anyway; if not, fix the data in {hris} \
                     and choose Discard."
                ),
            ),
            Problem::Failed { kind } | Problem::Refused { kind } => (
                format!(
                    "The sync of {when} {}: {}.{tries}",
                    if matches!(self.problem, Problem::Failed { .. }) {
                        "failed"
                    } else {
                        "was refused"
                    },
                    what_happened(kind, hris),
                    when = self.when
                ),
                "Nothing was changed: everyone in Roster is as they were before this sync."
                    .to_string(),
                what_to_do(kind, hris),
            ),
        };
        Content {
            subject: format!("{c}: the {hris} sync {}", self.problem.headline(hris)),
            greeting: "Hello,".into(),
            paragraphs: vec![
                format!("What happened: {happened}"),
                format!("What Roster did: {did}"),
                format!("What to do: {todo}"),
            ],
            action: Some(("Open the sync".into(), links.run(self.run_id))),
            after: vec![
                "Roster sends at most one alert a day about the same problem, and tells you \
                 when it is over."
                    .into(),
                why_you(c, self.to, links),
            ],
        }
    }
}

fn what_happened(kind: FailureKind, hris: &str) -> String {
    match kind {
        FailureKind::Unreachable => format!(
            "Roster could not reach {hris} (it did not answer in time, or answered with an error)"
        ),
        FailureKind::CredentialsRejected => format!(
            "{hris} rejected the credentials Roster has stored; they may have been revoked, \
             rotated or expired"
        ),
        FailureKind::NotAllowed => format!(
            "the {hris} credential Roster uses is not allowed to read something the sync needs \
             (a permission or an attribute)"
        ),
        FailureKind::UntrustedData => format!(
            "{hris} sent data Roster must not trust (unreadable, inconsistent, or nobody at all)"
        ),
        FailureKind::Database => "Roster's own database failed during the sync".into(),
        FailureKind::Key => {
            "Roster cannot open the stored credentials (the server's secret key changed or is \
             missing)"
                .into()
        }
        FailureKind::Internal => "the sync stopped inside Roster before it finished".into(),
    }
}

fn what_to_do(kind: FailureKind, hris: &str) -> String {
    match kind {
        FailureKind::Unreachable => format!(
            "Usually nothing: this often passes, and tomorrow morning's sync tries again. If it \
             keeps happening, check {hris}'s status, then choose Sync now under Settings › \
             Integrations."
        ),
        FailureKind::CredentialsRejected => format!(
            "Create new API credentials in {hris}, then connect again under Settings › \
             Integrations (the people stay as they are)."
        ),
        FailureKind::NotAllowed => format!(
            "Give the credential the missing permission in {hris} (the sync's page says which), \
             then choose Sync now under Settings › Integrations."
        ),
        FailureKind::UntrustedData => format!(
            "Check the people in {hris} and that the credential may still read them (the sync's \
             page has the details), then choose Sync now."
        ),
        FailureKind::Database => {
            "Ask whoever runs your Roster server to check its database (disk space, \
             connection). Tomorrow morning's sync tries again."
                .into()
        }
        FailureKind::Key => format!(
            "Ask whoever runs your Roster server to restore its secret key (ROSTER_SECRET_KEY or \
             the secret.key file), or connect {hris} again under Settings › Integrations."
        ),
        FailureKind::Internal => {
            "Tomorrow morning's sync tries again. If it keeps happening, ask whoever runs your \
             Roster server to look at its logs."
                .into()
        }
    }
}

impl SyncRecovered {
    pub fn render(&self, links: &Links) -> Content {
        let hris = self.provider.label();
        let c = &self.company;
        let changes = [
            (self.created, "created"),
            (self.updated, "updated"),
            (self.deactivated, "deactivated"),
            (self.reactivated, "reactivated"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect::<Vec<_>>();
        let changes = if changes.is_empty() {
            "Nobody needed a change.".to_string()
        } else {
            format!("People {}.", changes.join(", "))
        };
        Content {
            subject: format!("{c}: the {hris} sync works again"),
            greeting: "Hello,".into(),
            paragraphs: vec![
                format!(
                    "The sync of {} succeeded, so the problem Roster emailed you about (the sync \
                     {}) is over. {changes}",
                    self.when,
                    self.was.headline(hris)
                ),
                "Nothing else to do.".into(),
            ],
            action: Some(("Open the sync".into(), links.run(self.run_id))),
            after: vec![why_you(c, self.to, links)],
        }
    }
}

#[cfg(test)]
mod tests;
