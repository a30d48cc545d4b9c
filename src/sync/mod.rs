//! The one sync path: fetch → [`reconcile()`] (pure) → [`guard()`] → apply (one transaction) → record.
//!
//! This module holds the pure parts: [`reconcile()`] turns the directory as it is and an HRIS
//! [`Snapshot`](crate::hris::Snapshot) into a [`Plan`], [`guard()`] decides whether the plan may be
//! applied, and [`apply_in_memory`] shows what applying a plan means, for tests.
//!
//! Applying a [`Plan`] in the database, in one transaction, is six loops in this order:
//! 1. `groups_to_create`: insert; remember `key → id`.
//! 2. `updates`: for each person, set every `FieldChange::value` (one `update … where id = ? and
//!    company_id = ?`). Keep the order: an address is freed before someone takes it.
//! 3. `creates`: insert with `manager_id` null; remember `key → id`.
//! 4. `managers`: set `manager_id` (a `PersonRef::New(k)` is the id from step 3).
//! 5. `membership_removes`, then 6. `membership_adds`.
//!
//! Then record the run: `plan.counts`, `plan.history()` as `sync_changes` rows, and the notes
//! (`warnings`, `errors`, `run_warnings`, `not_in_hris`).

pub mod alerts;
pub mod apply;
mod builtins;
mod emails;
mod fields;
pub mod first_sync;
mod groups;
pub mod guard;
pub mod history;
pub mod lifecycle;
mod managers;
mod mapped;
pub mod mapping;
mod matching;
mod memory;
pub mod morning;
pub mod plan;
mod reasons;
pub mod reconcile;
pub mod review;
pub mod run;
pub mod selection;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use time::Date;

use crate::directory::{CustomField, FieldValue, Group, Person};
use crate::hris::Provider;

pub use guard::{Approval, GuardSettings, Refusal, guard};
pub use history::{HistoryField, HistoryRow};
pub use memory::apply_in_memory;
pub use plan::{
    Counts, FieldChange, FieldSet, GroupRef, ManagerChange, Membership, NewChoice, NewGroup,
    NewPerson, NewValue, PersonNote, PersonRef, PersonUpdate, Plan, Unmatched,
};
pub use reconcile::reconcile;

/// One company's directory as the sync reads it: every person (active or not, whatever their
/// source) with their group ids, and every group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    pub company_id: i64,
    pub people: Vec<Person>,
    pub groups: Vec<Group>,
    /// `(person id, field id)` → the stored value, for the custom fields the mapping fills.
    pub field_values: BTreeMap<(i64, i64), FieldValue>,
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
    /// Who is synced (empty: everyone the HRIS sends).
    pub selection: selection::Selection,
    /// Which HRIS attributes fill which custom fields (empty: none, as before mappings).
    pub mapping: mapping::Mapping,
    /// The company's custom fields (what the mapping's field ids name).
    pub fields: Vec<CustomField>,
}
