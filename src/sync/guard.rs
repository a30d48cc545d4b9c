//! The guard: data we must not trust changes no one. It runs between reconcile and apply and
//! refuses an empty snapshot, or pauses a plan that would deactivate too many people until a
//! company manager approves exactly those people ("Apply anyway").

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::hris::Provider;

use super::{Directory, Plan, review::ShownChange};

/// When a run pauses instead of deactivating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardSettings {
    /// Pause when more than this percentage of the active synced people would be deactivated…
    pub max_percent: u32,
    /// …and more than this many people.
    pub min_people: usize,
}

impl Default for GuardSettings {
    fn default() -> GuardSettings {
        GuardSettings {
            max_percent: 20,
            min_people: 2,
        }
    }
}

/// A company manager's "Apply anyway" for a paused run: the plan its page showed. Stored with
/// the paused run; a re-run that would deactivate anyone outside it, or change anything it did
/// not show, pauses again (with the new plan) instead of applying.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Approval {
    pub deactivate: BTreeSet<i64>,
    /// Every change of the paused plan (an approval stored before plans were kept has none, so
    /// its re-run pauses again and shows the whole plan).
    #[serde(default)]
    pub shown: BTreeSet<ShownChange>,
}

impl Approval {
    /// The approval that lets a re-run of this paused plan through; `None` for other refusals,
    /// which no approval overrides.
    pub fn of(refusal: &Refusal, plan: &Plan) -> Option<Approval> {
        match refusal {
            Refusal::Paused {
                would_deactivate, ..
            } => Some(Approval {
                deactivate: would_deactivate.iter().map(|(id, _)| *id).collect(),
                shown: plan.history_rows().map(|r| ShownChange::of(&r)).collect(),
            }),
            Refusal::EmptySnapshot { .. } => None,
        }
    }

    /// How many changes of `plan` the paused run did not show.
    pub fn beyond(&self, plan: &Plan) -> usize {
        plan.history_rows()
            .filter(|r| !self.shown.contains(&ShownChange::of(r)))
            .count()
    }

    /// Everyone this plan deactivates was approved (fewer is fine: someone may have come back).
    pub fn covers(&self, would_deactivate: &[(i64, String)]) -> bool {
        would_deactivate
            .iter()
            .all(|(id, _)| self.deactivate.contains(id))
    }
}

/// Why a run did not apply its plan. `Display` is the sentence the run page shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum Refusal {
    #[error(
        "Refused: {} returned nobody, but {synced} people in Roster are synced from it. Nothing was \
         changed. Check that the API credential may still read employees.",
        .provider.label()
    )]
    EmptySnapshot { provider: Provider, synced: usize },
    #[error("{}", paused_sentence(.would_deactivate.len(), *.active_synced, .settings, *.beyond))]
    Paused {
        /// `(person id, name)` of everyone the plan deactivates.
        would_deactivate: Vec<(i64, String)>,
        /// Active people synced from this provider before the run.
        active_synced: usize,
        /// The company's threshold when the run paused.
        settings: GuardSettings,
        /// Changes an "Apply anyway" re-run found that the approved plan did not show (0 for
        /// a run that paused on the threshold).
        beyond: usize,
    },
}

/// The most people the minimum may name (the column is a 32-bit integer).
pub const MAX_MIN_PEOPLE: u32 = 1_000_000;

impl GuardSettings {
    /// The two settings as typed (web form, CLI): a whole percentage from 1 to 100 and a whole
    /// number of people from 0. Each error names its field (`max_percent`, `min_people`).
    pub fn parse(
        max_percent: &str,
        min_people: &str,
    ) -> Result<GuardSettings, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let percent = max_percent
            .trim()
            .trim_end_matches('%')
            .trim()
            .parse::<u32>()
            .ok();
        if !percent.is_some_and(|p| (1..=100).contains(&p)) {
            errors.push((
                "max_percent",
                format!(
                    "The percentage must be a whole number from 1 to 100; “{}” is not.",
                    max_percent.trim()
                ),
            ));
        }
        let min = min_people.trim().parse::<u32>().ok();
        if min.is_none_or(|m| m > MAX_MIN_PEOPLE) {
            errors.push((
                "min_people",
                format!(
                    "The number of people must be a whole number from 0 to {MAX_MIN_PEOPLE}; “{}” is not.",
                    min_people.trim()
                ),
            ));
        }
        match (percent, min) {
            (Some(max_percent), Some(min_people)) if errors.is_empty() => Ok(GuardSettings {
                max_percent,
                min_people: min_people as usize,
            }),
            _ => Err(errors),
        }
    }

    /// "more than 20 % and more than 2 people".
    pub fn describe(&self) -> String {
        format!(
            "more than {} % and more than {} {}",
            self.max_percent,
            self.min_people,
            if self.min_people == 1 {
                "person"
            } else {
                "people"
            }
        )
    }
}

fn paused_sentence(n: usize, active: usize, settings: &GuardSettings, beyond: usize) -> String {
    if beyond > 0 {
        return format!(
            "Paused again: the HRIS changed since the plan you approved ({beyond} {} not in it), \
             so nothing was applied. This sync would deactivate {n} of {active} people. Review \
             the new plan, then choose “Apply anyway” if it is right.",
            if beyond == 1 {
                "change was"
            } else {
                "changes were"
            }
        );
    }
    format!(
        "Paused: this sync would deactivate {n} of {active} people; a sync pauses when it would \
         deactivate {}. Review the changes, then choose “Apply anyway” if they are right.",
        settings.describe()
    )
}

pub fn guard(
    plan: &Plan,
    dir: &Directory,
    settings: &GuardSettings,
    approval: Option<&Approval>,
) -> Result<(), Refusal> {
    let source = plan.provider.source();
    let synced: Vec<_> = dir
        .people
        .iter()
        .filter(|p| p.company_id == dir.company_id && p.source == source)
        .collect();
    if plan.hris_people == 0 && !synced.is_empty() {
        return Err(Refusal::EmptySnapshot {
            provider: plan.provider,
            synced: synced.len(),
        });
    }
    let active_synced = synced.iter().filter(|p| p.active).count();
    let would_deactivate = plan.deactivations();
    let n = would_deactivate.len();
    let too_many = n > settings.min_people
        && n as u128 * 100 > u128::from(settings.max_percent) * active_synced as u128;
    // An approved re-run applies only within the plan the manager saw, whatever its size.
    let beyond = approval.map_or(0, |a| a.beyond(plan));
    let pause = match approval {
        Some(a) => beyond > 0 || !a.covers(&would_deactivate),
        None => too_many,
    };
    if pause {
        return Err(Refusal::Paused {
            would_deactivate,
            active_synced,
            settings: *settings,
            beyond,
        });
    }
    Ok(())
}
