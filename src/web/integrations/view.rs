//! A sync run as the pages show it: plain-word labels, times in the company's time zone, and
//! what to do when it failed or paused.

use crate::{
    db::sync_runs::Run,
    sync::lifecycle::{FailureKind, State},
};

use super::schedule::CompanyClock;

pub struct RunView {
    pub id: i64,
    pub provider: &'static str,
    pub trigger: &'static str,
    pub started_by: String,
    pub when: String,
    pub duration: String,
    pub state: State,
    /// The state's stored name, for CSS classes ("outcome-paused").
    pub outcome: &'static str,
    pub outcome_label: &'static str,
    pub running: bool,
    /// Why it failed or was refused, in words.
    pub failure: Option<&'static str>,
    /// How a paused run was closed.
    pub closed: Option<Closed>,
    /// The stage's stored name (`data-stage` for the live panel).
    pub stage: &'static str,
    pub stage_label: &'static str,
    pub stage_step: u8,
    pub created: i64,
    pub updated: i64,
    pub deactivated: i64,
    pub reactivated: i64,
    pub unchanged: i64,
    pub skipped: i64,
    pub message: Option<String>,
    /// The sentence the panel leads with when the run did not succeed.
    pub headline: Option<String>,
}

/// How a paused run ended: applied, discarded or superseded, when, by whom, by which run.
pub struct Closed {
    pub how: &'static str,
    /// Unknown for runs closed before this was recorded.
    pub when: Option<String>,
    pub by: Option<String>,
    pub run: Option<i64>,
}

impl RunView {
    pub fn of(run: &Run, clock: &CompanyClock) -> RunView {
        let running = run.state == State::Running;
        let (stage_label, stage_step) = run.stage.label();
        let duration_ms = match run.duration_ms {
            Some(ms) => ms,
            None if running => (crate::db::now() - run.started_at)
                .whole_milliseconds()
                .max(0) as i64,
            None => 0,
        };
        RunView {
            id: run.id,
            provider: run.provider.label(),
            trigger: run.trigger.label(),
            started_by: run
                .started_by
                .clone()
                .unwrap_or_else(|| "Roster".to_string()),
            when: clock.show_seconds(run.started_at),
            duration: duration(duration_ms),
            state: run.state,
            outcome: run.state.as_str(),
            outcome_label: run.state.label(),
            headline: headline(run.state, run.failure, run.message.as_deref()),
            running,
            failure: run.failure.map(FailureKind::label),
            closed: run.state.is_closed_pause().then(|| Closed {
                how: run.state.label(),
                when: run.closed_at.map(|t| clock.show(t)),
                by: run.closed_by.clone(),
                run: run.closed_by_run,
            }),
            stage: run.stage.as_str(),
            stage_label,
            stage_step,
            created: run.created,
            updated: run.updated,
            deactivated: run.deactivated,
            reactivated: run.reactivated,
            unchanged: run.unchanged,
            skipped: run.skipped,
            message: run.message.clone(),
        }
    }

    pub fn is_failure(&self) -> bool {
        self.state.is_failure()
    }

    pub fn is_paused(&self) -> bool {
        self.state == State::Paused
    }

    /// Paused, or a pause that closed: its counts and changes are a plan, not applied.
    pub fn is_planned(&self) -> bool {
        self.state == State::Paused || self.state.is_closed_pause()
    }

    pub fn changes(&self) -> i64 {
        self.created + self.updated + self.deactivated + self.reactivated
    }
}

/// What went wrong, in plain words, with what to do: decided by the failure kind; the message
/// supplies the provider's own words.
fn headline(state: State, kind: Option<FailureKind>, message: Option<&str>) -> Option<String> {
    let message = message.unwrap_or("").trim();
    let first = message
        .split(". Nothing was changed")
        .next()
        .unwrap_or(message)
        .trim_end_matches('.');
    match (state, kind) {
        (State::Failed, Some(FailureKind::CredentialsRejected)) => Some(format!(
            "{first}: reconnect with new credentials (Disconnect, then Connect)."
        )),
        // The message says what to do (reconnect, or the key used before).
        (State::Failed, Some(FailureKind::Key)) => Some(message.to_string()),
        (State::Failed, Some(FailureKind::NotAllowed)) => Some(format!(
            "{first}. Nothing was changed; fix the permission, then choose Sync now."
        )),
        (State::Failed, Some(FailureKind::Unreachable)) => Some(format!(
            "The last sync failed: {first}. Nothing was changed. The HRIS may be down or out of \
             reach; Roster tries again at the next morning sync, or choose Sync now later."
        )),
        (State::Failed, Some(FailureKind::UntrustedData)) => Some(format!(
            "The last sync failed: {first}. Roster did not trust this data, so nothing was \
             changed; check it in the HRIS, then choose Sync now."
        )),
        (State::Failed, Some(FailureKind::Database)) => Some(format!(
            "The last sync failed: {first}. Nothing was changed; the server's database needs \
             attention (ask whoever runs Roster), then choose Sync now."
        )),
        (State::Failed, _) => Some(format!(
            "The last sync failed: {first}. Nothing was changed; choose Sync now to try again."
        )),
        (State::Refused | State::Paused, _) => Some(message.to_string()),
        _ => None,
    }
}

/// "340 ms" under a second (most syncs of a small company), "1.2 s", "2 min 5 s".
pub fn duration(ms: i64) -> String {
    let secs = ms / 1000;
    if ms < 1000 {
        format!("{} ms", ms.max(0))
    } else if secs < 60 {
        format!("{}.{} s", secs, (ms % 1000) / 100)
    } else {
        format!("{} min {} s", secs / 60, secs % 60)
    }
}

/// One changed field of one person, for the preview page.
pub struct ChangeRow {
    pub person_id: Option<i64>,
    pub person_name: String,
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A created person's initial values in one line: "Job: Engineer · Hire date: 1 Mar 2024 · …".
pub fn initial_summary(after: &str) -> String {
    use crate::sync::history::{CUSTOM, initial_custom_values, initial_values};
    let custom = initial_custom_values(after).into_iter().map(|(k, v)| {
        let label = k.strip_prefix(CUSTOM).unwrap_or(&k).to_string();
        format!("{label}: {v}")
    });
    initial_values(after)
        .into_iter()
        .map(|(a, v)| format!("{}: {}", a.label(), a.show(&v)))
        .chain(custom)
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_credentials_say_to_reconnect() {
        let h = headline(
            State::Failed,
            Some(FailureKind::CredentialsRejected),
            Some("Personio rejected the client ID and secret. Nothing was changed."),
        )
        .unwrap();
        assert_eq!(
            h,
            "Personio rejected the client ID and secret: reconnect with new credentials (Disconnect, then Connect)."
        );
    }

    #[test]
    fn the_kind_decides_not_the_words() {
        // A message that merely contains "rejected the" is not a credentials failure.
        let h = headline(
            State::Failed,
            Some(FailureKind::Unreachable),
            Some("could not reach Personio: proxy rejected the connection. Nothing was changed."),
        )
        .unwrap();
        assert!(h.starts_with("The last sync failed:"), "{h}");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0), "0 ms");
        assert_eq!(duration(87), "87 ms");
        assert_eq!(duration(999), "999 ms");
        assert_eq!(duration(1234), "1.2 s");
        assert_eq!(duration(125_000), "2 min 5 s");
    }
}
