//! Reviewing a paused run. A paused run keeps its whole plan as its history rows (creates,
//! updates, deactivations, reactivations, group changes), so its page shows exactly what "Apply
//! anyway" would do; the approval remembers those changes, and a re-plan that brings anything
//! beyond them pauses again instead of applying. A run that is no longer paused says why it
//! cannot be applied or discarded.

use serde::{Deserialize, Serialize};

use crate::{
    db::{Tx, sync_runs::Run},
    sync::lifecycle::State,
};

use super::{HistoryRow, PersonRef, Plan, apply};

/// One planned change as the paused run's page showed it (its reason aside: the words may
/// change, the change is the same).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ShownChange {
    /// An existing person's id; `None` for someone the plan creates (their name and initial
    /// values, in `after`, tell them apart).
    pub person: Option<i64>,
    pub name: String,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl ShownChange {
    pub fn of(row: &HistoryRow) -> ShownChange {
        let (person, name) = match row.person {
            PersonRef::Existing(id) => (Some(id), String::new()),
            PersonRef::New(_) => (None, row.person_name.clone()),
        };
        ShownChange {
            person,
            name,
            field: row.field.key().to_string(),
            before: row.before.clone(),
            after: row.after.clone(),
        }
    }
}

/// Records a paused plan in `tx`: every change it would make as the run's history rows (people
/// it would create have no id yet), and its warnings, errors and the people not in the HRIS.
pub async fn record_plan(tx: &mut Tx, plan: &Plan, run_id: i64) -> sqlx::Result<()> {
    apply::record_history(tx, plan, run_id, &existing).await?;
    apply::record_notes(tx, plan, run_id, &existing).await
}

/// The id of a person the directory has (someone a plan would create has none yet).
pub fn existing(r: PersonRef) -> Option<i64> {
    match r {
        PersonRef::Existing(id) => Some(id),
        PersonRef::New(_) => None,
    }
}

/// Why `run` cannot be applied or discarded, in words; `None` while it is paused.
pub fn not_open(run: &Run) -> Option<String> {
    let id = run.id;
    let by = run
        .closed_by
        .as_deref()
        .map(|b| format!(" by {b}"))
        .unwrap_or_default();
    let link = |before: &str, after: &str| {
        run.closed_by_run
            .map(|r| format!("{before}sync {r}{after}"))
            .unwrap_or_default()
    };
    Some(match run.state {
        State::Paused => return None,
        State::Applied => format!(
            "Sync {id} was already applied{by}{}; it cannot be applied or discarded again.",
            link(" in ", "")
        ),
        State::Discarded => {
            format!("Sync {id} was discarded{by}; nothing from it can be applied any more.")
        }
        State::Superseded => format!(
            "Sync {id} was replaced by a newer plan{}; review that one instead.",
            link(" (", ")")
        ),
        other => format!(
            "Sync {id} did not pause (it is {}); there is nothing to apply or discard.",
            other.label().to_lowercase()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_run_says_how_it_closed() {
        let run = |state, by: Option<&str>, closing: Option<i64>| Run {
            id: 7,
            company_id: 1,
            provider: crate::hris::Provider::Personio,
            trigger: crate::sync::lifecycle::Trigger::Schedule,
            started_by: None,
            state,
            stage: crate::sync::lifecycle::Stage::Done,
            failure: None,
            pages: 1,
            created: 0,
            updated: 0,
            deactivated: 5,
            reactivated: 0,
            unchanged: 0,
            skipped: 0,
            message: None,
            approval: None,
            approved_from: None,
            started_at: crate::db::now(),
            heartbeat_at: crate::db::now(),
            finished_at: None,
            duration_ms: None,
            closed_at: None,
            closed_by: by.map(str::to_string),
            closed_by_run: closing,
        };
        assert_eq!(not_open(&run(State::Paused, None, None)), None);
        assert_eq!(
            not_open(&run(State::Applied, Some("Maria Manager"), Some(9))).unwrap(),
            "Sync 7 was already applied by Maria Manager in sync 9; it cannot be applied or discarded again."
        );
        assert_eq!(
            not_open(&run(State::Superseded, None, Some(8))).unwrap(),
            "Sync 7 was replaced by a newer plan (sync 8); review that one instead."
        );
        assert!(
            not_open(&run(State::Succeeded, None, None))
                .unwrap()
                .contains("did not pause (it is succeeded)")
        );
    }
}
