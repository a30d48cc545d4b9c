//! The single changes a [`Plan`](super::Plan) is made of: who and which group a change is
//! about ([`PersonRef`], [`GroupRef`]), the column changes of existing people, the people and
//! groups to create, manager links, memberships, and the custom field values and choices the
//! attribute mapping sets.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::directory::{Attribute, FieldValue, Source};

/// A person the plan refers to: an existing row, or someone the plan creates
/// (`New(k)` is `plan.creates[k]`, whose `key` is `k`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PersonRef {
    Existing(i64),
    New(usize),
}

/// A group the plan refers to: an existing row, or one it creates (`New(k)` is
/// `plan.groups_to_create[k]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum GroupRef {
    Existing(i64),
    New(usize),
}

/// The typed new value of one column of `people`, for apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewValue {
    Email(String),
    FirstName(String),
    LastName(String),
    Position(Option<String>),
    Department(Option<String>),
    Gender(Option<String>),
    BirthDate(Option<Date>),
    EmployeeNumber(Option<String>),
    FirstHiredOn(Option<Date>),
    Active(bool),
    /// Set `source` and `source_id` together.
    Link {
        source: Source,
        source_id: String,
    },
}

impl NewValue {
    pub fn field(&self) -> Attribute {
        match self {
            NewValue::Email(_) => Attribute::Email,
            NewValue::FirstName(_) => Attribute::FirstName,
            NewValue::LastName(_) => Attribute::LastName,
            NewValue::Position(_) => Attribute::Position,
            NewValue::Department(_) => Attribute::Department,
            NewValue::Gender(_) => Attribute::Gender,
            NewValue::BirthDate(_) => Attribute::BirthDate,
            NewValue::EmployeeNumber(_) => Attribute::EmployeeNumber,
            NewValue::FirstHiredOn(_) => Attribute::FirstHiredOn,
            NewValue::Active(_) => Attribute::Active,
            NewValue::Link { .. } => Attribute::HrisId,
        }
    }
}

/// One changed column: display strings for the history, the typed value for apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: Attribute,
    pub before: Option<String>,
    pub after: Option<String>,
    pub value: NewValue,
    /// Why, where the history should say it ((de/re)activation, adoption).
    pub reason: Option<String>,
}

impl FieldChange {
    pub fn new(before: Option<String>, after: Option<String>, value: NewValue) -> FieldChange {
        FieldChange {
            field: value.field(),
            before,
            after,
            value,
            reason: None,
        }
    }

    pub fn because(mut self, reason: String) -> FieldChange {
        self.reason = Some(reason);
        self
    }
}

/// The column changes for one existing person (never `manager_id` or groups: see
/// [`ManagerChange`] and [`Membership`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonUpdate {
    pub person_id: i64,
    /// The person's name before the change, for the history page.
    pub name: String,
    pub changes: Vec<FieldChange>,
}

impl PersonUpdate {
    /// `Some(new)` when this update changes `active`.
    pub fn active_change(&self) -> Option<bool> {
        self.changes.iter().find_map(|c| match c.value {
            NewValue::Active(a) => Some(a),
            _ => None,
        })
    }
}

/// Someone to insert. `manager_id` stays null at insert; [`Plan::managers`] sets it afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPerson {
    /// This person's index in `plan.creates`, what `PersonRef::New` refers to.
    pub key: usize,
    pub source: Source,
    pub source_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub position: Option<String>,
    pub department: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<Date>,
    pub employee_number: Option<String>,
    pub first_hired_on: Option<Date>,
    pub active: bool,
}

impl NewPerson {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A group to insert, by name (`key` is its index in `plan.groups_to_create`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGroup {
    pub key: usize,
    pub name: String,
}

/// Set (or clear) one person's manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagerChange {
    pub person: PersonRef,
    pub name: String,
    pub manager: Option<PersonRef>,
    /// Display names for the history: the manager before and after.
    pub before: Option<String>,
    pub after: Option<String>,
    /// Why ("supervisor changed in Personio", or why the manager was left unset).
    pub reason: String,
}

/// One membership to add or remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub person: PersonRef,
    pub group: GroupRef,
    /// Display names for the history.
    pub person_name: String,
    pub group_name: String,
}

/// Set (or clear) one person's value of a custom field the HRIS fills (see `sync::mapping`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSet {
    pub person: PersonRef,
    /// The person's name, for the history.
    pub name: String,
    pub field_id: i64,
    /// The field's label, as the history names it.
    pub label: String,
    /// Display strings for the history.
    pub before: Option<String>,
    pub after: Option<String>,
    /// `None` clears the field.
    pub value: Option<FieldValue>,
}

/// A value the HRIS sent that becomes a new choice of a choice field (the mapping says so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewChoice {
    pub field_id: i64,
    pub choice: String,
}
