//! The guard: data we must not trust changes no one. It runs between reconcile and apply and
//! refuses an empty snapshot, or pauses a plan that would deactivate too many people until a
//! company manager approves exactly those people ("Apply anyway").

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::hris::Provider;

use super::{Directory, Plan};

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

/// A company manager's "Apply anyway" for a paused run: the people they agreed to deactivate.
/// Store it with the paused run; a re-run that would deactivate anyone outside it pauses again.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Approval {
    pub deactivate: BTreeSet<i64>,
}

impl Approval {
    /// The approval that lets a re-run of this paused plan through; `None` for other refusals,
    /// which no approval overrides.
    pub fn of(refusal: &Refusal) -> Option<Approval> {
        match refusal {
            Refusal::Paused {
                would_deactivate, ..
            } => Some(Approval {
                deactivate: would_deactivate.iter().map(|(id, _)| *id).collect(),
            }),
            Refusal::EmptySnapshot { .. } => None,
        }
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
    #[error(
        "Paused: this sync would deactivate {} of {active_synced} people. Review the list, then \
         choose “Apply anyway” if it is right.",
        .would_deactivate.len()
    )]
    Paused {
        /// `(person id, name)` of everyone the plan deactivates.
        would_deactivate: Vec<(i64, String)>,
        /// Active people synced from this provider before the run.
        active_synced: usize,
    },
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
    if too_many && !approval.is_some_and(|a| a.covers(&would_deactivate)) {
        return Err(Refusal::Paused {
            would_deactivate,
            active_synced,
        });
    }
    Ok(())
}
