//! The plan of changes one sync run would make: what `reconcile` produces, `guard` checks and
//! `apply` writes, plus what the run's history records.
//!
//! Applying a plan is a fixed sequence of simple loops, in this order (see [`Plan`]):
//! groups → updates → creates → managers → membership removes → membership adds.
//! The order matters: `updates` are sorted so an email is released before another person takes
//! it, and creates come after the updates for the same reason; managers come after the creates so
//! a link may point at someone created in this run.
//!
//! The single changes are in `changes`; this module holds the plan itself, its notes and its
//! counts.

mod changes;

use serde::{Deserialize, Serialize};

use crate::directory::{Attribute, Source};
use crate::hris::Provider;

pub use changes::{
    FieldChange, FieldSet, GroupRef, ManagerChange, Membership, NewChoice, NewGroup, NewPerson,
    NewValue, PersonRef, PersonUpdate,
};

/// A note about one person: a warning (the person was synced, with a caveat) or an error (the
/// person was skipped and left exactly as they were).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonNote {
    /// The row, when the person exists or is created in this run.
    pub person: Option<PersonRef>,
    /// The provider's id, when the note is about an HRIS record.
    pub source_id: Option<String>,
    /// Who, as a person would recognise them: name and/or email.
    pub name: String,
    pub message: String,
}

/// A person in Roster whom the HRIS does not know (created by hand, or linked to another provider).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmatched {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub source: Source,
    pub active: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub created: usize,
    /// Existing people with any change that is not (de/re)activation.
    pub updated: usize,
    pub deactivated: usize,
    pub reactivated: usize,
    /// HRIS people matched to a row that needs no change.
    pub unchanged: usize,
    /// HRIS people left alone because of an error (see `Plan::errors`).
    pub skipped: usize,
}

impl std::fmt::Display for Counts {
    /// The run's one-line summary: "2 created, 1 updated, 0 deactivated, …".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} deactivated, {} reactivated, {} unchanged, {} skipped",
            self.created,
            self.updated,
            self.deactivated,
            self.reactivated,
            self.unchanged,
            self.skipped
        )
    }
}

/// Everything one sync run would change. See the module docs for the order to apply it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub company_id: i64,
    pub provider: Provider,
    /// How many people the snapshot held (the guard refuses an empty one).
    pub hris_people: usize,
    pub groups_to_create: Vec<NewGroup>,
    /// Column changes of existing people, including (de/re)activation and linking.
    pub updates: Vec<PersonUpdate>,
    pub creates: Vec<NewPerson>,
    pub managers: Vec<ManagerChange>,
    pub membership_removes: Vec<Membership>,
    pub membership_adds: Vec<Membership>,
    /// Synced people with a caveat (manager left unset, kept active, …).
    pub warnings: Vec<PersonNote>,
    /// Skipped HRIS people: nothing about them changes in this run.
    pub errors: Vec<PersonNote>,
    /// Said once per run: attributes not shared, colliding group names, unknown genders, ….
    pub run_warnings: Vec<String>,
    /// People in Roster the HRIS does not know; they stay as they are.
    pub not_in_hris: Vec<Unmatched>,
    /// Attributes the provider owns that no one in the snapshot carried: the credential may not
    /// read them, so they stay editable on people (see `hris::ownership`).
    pub unread: Vec<Attribute>,
    /// HRIS people the who-is-synced rules leave out (never created; deactivated if synced).
    #[serde(default)]
    pub left_out: usize,
    /// Custom field values the attribute mapping sets, existing and created people alike
    /// (applied after the creates).
    #[serde(default)]
    pub field_values: Vec<FieldSet>,
    /// Choices added to choice fields before the values are set.
    #[serde(default)]
    pub choices_to_add: Vec<NewChoice>,
    pub counts: Counts,
}

impl Plan {
    pub fn new(company_id: i64, provider: Provider) -> Plan {
        Plan {
            company_id,
            provider,
            hris_people: 0,
            groups_to_create: Vec::new(),
            updates: Vec::new(),
            creates: Vec::new(),
            managers: Vec::new(),
            membership_removes: Vec::new(),
            membership_adds: Vec::new(),
            warnings: Vec::new(),
            errors: Vec::new(),
            run_warnings: Vec::new(),
            not_in_hris: Vec::new(),
            unread: Vec::new(),
            left_out: 0,
            field_values: Vec::new(),
            choices_to_add: Vec::new(),
            counts: Counts::default(),
        }
    }

    /// Nothing to write (warnings and errors may still be worth recording).
    pub fn is_empty(&self) -> bool {
        self.groups_to_create.is_empty()
            && self.updates.is_empty()
            && self.creates.is_empty()
            && self.managers.is_empty()
            && self.membership_removes.is_empty()
            && self.membership_adds.is_empty()
            && self.field_values.is_empty()
            && self.choices_to_add.is_empty()
    }

    /// Existing people this plan deactivates: `(id, name)`, in plan order.
    pub fn deactivations(&self) -> Vec<(i64, String)> {
        self.updates
            .iter()
            .filter(|u| u.active_change() == Some(false))
            .map(|u| (u.person_id, u.name.clone()))
            .collect()
    }

    /// Existing people this plan reactivates: `(id, name)`.
    pub fn reactivations(&self) -> Vec<(i64, String)> {
        self.updates
            .iter()
            .filter(|u| u.active_change() == Some(true))
            .map(|u| (u.person_id, u.name.clone()))
            .collect()
    }

    /// Existing people this plan adopts (links to the provider): `(id, name)`.
    pub fn links(&self) -> Vec<(i64, String)> {
        self.updates
            .iter()
            .filter(|u| u.changes.iter().any(|c| c.field == Attribute::HrisId))
            .map(|u| (u.person_id, u.name.clone()))
            .collect()
    }
}
