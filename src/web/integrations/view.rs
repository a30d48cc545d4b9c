//! A sync run as the pages show it: plain-word labels, times in the company's time zone, and
//! what to do when it failed or paused.

use crate::db::sync_runs::Run;

use super::schedule::CompanyClock;

pub struct RunView {
    pub id: i64,
    pub provider: String,
    pub trigger: &'static str,
    pub started_by: String,
    pub when: String,
    pub duration: String,
    /// "running", "succeeded", "failed", "refused", "paused", "discarded".
    pub outcome: String,
    pub outcome_label: &'static str,
    pub running: bool,
    pub stage: String,
    pub stage_label: &'static str,
    pub stage_step: u8,
    pub created: i64,
    pub updated: i64,
    pub deactivated: i64,
    pub reactivated: i64,
    pub skipped: i64,
    pub message: Option<String>,
    /// The sentence the panel leads with when the run did not succeed.
    pub headline: Option<String>,
}

impl RunView {
    pub fn of(run: &Run, clock: &CompanyClock) -> RunView {
        let running = run.state == "running";
        let outcome = if running {
            "running".to_string()
        } else {
            run.outcome.clone().unwrap_or_else(|| "failed".into())
        };
        let (stage_label, stage_step) = match run.stage.as_str() {
            "planning" => ("Working out the changes", 2),
            "applying" => ("Applying the changes", 3),
            "done" => ("Done", 3),
            _ => ("Fetching people from the HRIS", 1),
        };
        let duration_ms = match run.duration_ms {
            Some(ms) => ms,
            None if running => (crate::db::now() - run.started_at)
                .whole_milliseconds()
                .max(0) as i64,
            None => 0,
        };
        RunView {
            id: run.id,
            provider: crate::hris::Provider::parse(&run.provider)
                .map(|p| p.label().to_string())
                .unwrap_or_else(|| run.provider.clone()),
            trigger: trigger_label(&run.trigger_kind),
            started_by: run
                .started_by
                .clone()
                .unwrap_or_else(|| "Roster".to_string()),
            when: clock.show_seconds(run.started_at),
            duration: duration(duration_ms),
            outcome_label: outcome_label(&outcome),
            headline: headline(&outcome, run.message.as_deref()),
            outcome,
            running,
            stage: run.stage.clone(),
            stage_label,
            stage_step,
            created: run.created,
            updated: run.updated,
            deactivated: run.deactivated,
            reactivated: run.reactivated,
            skipped: run.skipped,
            message: run.message.clone(),
        }
    }

    pub fn changes(&self) -> i64 {
        self.created + self.updated + self.deactivated + self.reactivated
    }
}

pub fn trigger_label(kind: &str) -> &'static str {
    match kind {
        "connect" => "First sync after connecting",
        "schedule" => "Morning schedule",
        "manual" => "Sync now",
        "cli" => "Command line",
        "approval" => "Apply anyway",
        _ => "Other",
    }
}

pub fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "running" => "Running",
        "succeeded" => "Succeeded",
        "failed" => "Failed",
        "refused" => "Refused",
        "paused" => "Paused",
        "discarded" => "Discarded",
        _ => "Unknown",
    }
}

/// What went wrong, in plain words, with what to do.
fn headline(outcome: &str, message: Option<&str>) -> Option<String> {
    let message = message.unwrap_or("").trim();
    let first = message
        .split(". Nothing was changed")
        .next()
        .unwrap_or(message)
        .trim_end_matches('.');
    match outcome {
        "failed" if first.contains("rejected the") => Some(format!(
            "{first}: reconnect with new credentials (Disconnect, then Connect)."
        )),
        "failed" if first.contains("may not read") || first.contains("refused access") => Some(
            format!("{first}. Nothing was changed; fix the permission, then choose Sync now."),
        ),
        "failed" => Some(format!(
            "The last sync failed: {first}. Nothing was changed; choose Sync now to try again."
        )),
        "refused" | "paused" => Some(message.to_string()),
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
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_credentials_say_to_reconnect() {
        let h = headline(
            "failed",
            Some("Personio rejected the client ID and secret. Nothing was changed."),
        )
        .unwrap();
        assert_eq!(
            h,
            "Personio rejected the client ID and secret: reconnect with new credentials (Disconnect, then Connect)."
        );
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
