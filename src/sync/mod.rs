//! The one sync path: fetch → [`reconcile`] (pure) → [`guard`] → apply (one transaction) → record.
//!
//! This module holds the pure parts: [`reconcile`] turns the directory as it is and an HRIS
//! [`Snapshot`](crate::hris::Snapshot) into a [`Plan`], [`guard`] decides whether the plan may be
//! applied, and [`apply_in_memory`] shows what applying a plan means, for tests.

pub mod apply;
mod emails;
mod fields;
mod groups;
pub mod guard;
mod managers;
mod memory;
pub mod plan;
pub mod reconcile;
pub mod run;

#[cfg(test)]
mod tests;

use time::Date;

use crate::directory::{Group, Person};
use crate::hris::Provider;

pub use guard::{Approval, GuardSettings, Refusal, guard};
pub use memory::apply_in_memory;
pub use plan::{
    Counts, FieldChange, GroupRef, HistoryRow, ManagerChange, Membership, NewGroup, NewPerson,
    NewValue, PersonField, PersonNote, PersonRef, PersonUpdate, Plan, Unmatched,
};
pub use reconcile::reconcile;

/// One company's directory as the sync reads it: every person (active or not, whatever their
/// source) with their group ids, and every group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    pub company_id: i64,
    pub people: Vec<Person>,
    pub groups: Vec<Group>,
}

/// What reconcile needs to know besides the two data sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// The company's today (in its time zone): a contract that ended strictly before it deactivates.
    pub today: Date,
    /// The company's gender choices, as spelled in its settings.
    pub gender_choices: Vec<String>,
    /// The provider the snapshot comes from; its people get `source = provider.source()`.
    pub provider: Provider,
}
