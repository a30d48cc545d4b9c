//! Tests of the pure sync: one file per rule, fixtures built in code so each test shows the data it
//! is about. `person`/`hris` make a matching pair (same names), so only what a test changes differs.

mod active;
mod bad_records;
mod builtin_mapping;
mod fields;
mod fixture;
mod groups;
mod guard;
mod managers;
mod mapping;
mod matching;
mod perf;
mod plan;
mod props;
mod selection;
mod worlds;

use time::{Date, macros::date};

use crate::directory::{Group, Person, Role, Source};
use crate::hris::{Field, HrisPerson, ManagerRef, Provider, Snapshot};

use super::{Directory, Plan, Rules, reconcile};

pub const COMPANY: i64 = 1;
pub const TODAY: Date = date!(2026 - 11 - 22);

fn first_name_of(email: &str) -> String {
    let local = email.split(['@', '.']).next().unwrap_or_default();
    let mut c = local.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A person created by hand, active, named after their email ("anna.b@x.io" → "Anna Test").
pub fn manual(id: i64, email: &str) -> Person {
    Person {
        id,
        company_id: COMPANY,
        email: email.to_string(),
        first_name: first_name_of(email),
        last_name: "Test".to_string(),
        position: None,
        department: None,
        gender: None,
        birth_date: None,
        employee_number: None,
        first_hired_on: None,
        manager_id: None,
        active: true,
        source: Source::Manual,
        source_id: None,
        role: None,
        group_ids: Vec::new(),
    }
}

/// A person synced from Personio with id `sid`.
pub fn synced(id: i64, sid: &str, email: &str) -> Person {
    Person {
        source: Source::Personio,
        source_id: Some(sid.to_string()),
        ..manual(id, email)
    }
}

/// The HRIS side of [`manual`]/[`synced`]: same names, active, no manager, the rest not shared.
pub fn hris(sid: &str, email: &str) -> HrisPerson {
    HrisPerson {
        source_id: sid.to_string(),
        email: Some(email.to_string()),
        first_name: Field::Value(first_name_of(email)),
        last_name: Field::Value("Test".to_string()),
        active: Some(true),
        manager: Field::Empty,
        ..HrisPerson::default()
    }
}

pub fn managed_by(mut p: HrisPerson, sid: &str) -> HrisPerson {
    p.manager = Field::Value(ManagerRef {
        source_id: sid.to_string(),
        email: None,
    });
    p
}

pub fn company_manager(mut p: Person) -> Person {
    p.role = Some(Role::Manager);
    p
}

pub fn dir(people: Vec<Person>) -> Directory {
    Directory {
        company_id: COMPANY,
        people,
        groups: Vec::new(),
        field_values: Default::default(),
    }
}

pub fn group(id: i64, name: &str) -> Group {
    Group {
        id,
        company_id: COMPANY,
        name: name.to_string(),
    }
}

pub fn snap(people: Vec<HrisPerson>) -> Snapshot {
    Snapshot {
        provider: Provider::Personio,
        people,
        pages: 1,
    }
}

pub fn kiwi(people: Vec<HrisPerson>) -> Snapshot {
    Snapshot {
        provider: Provider::Kiwihr,
        ..snap(people)
    }
}

pub fn rules() -> Rules {
    Rules {
        today: TODAY,
        gender_choices: vec!["male".to_string(), "female".to_string()],
        provider: Provider::Personio,
        selection: Default::default(),
        mapping: Default::default(),
        fields: Vec::new(),
    }
}

/// Reconciles with the rules matching the snapshot's provider.
pub fn run(d: &Directory, s: &Snapshot) -> Plan {
    reconcile(
        d,
        s,
        &Rules {
            provider: s.provider,
            ..rules()
        },
    )
}

/// The changes of person `id`, as `(field, before, after)` display strings.
pub fn changes_of(plan: &Plan, id: i64) -> Vec<(&'static str, Option<String>, Option<String>)> {
    plan.updates
        .iter()
        .filter(|u| u.person_id == id)
        .flat_map(|u| &u.changes)
        .map(|c| (c.field.key(), c.before.clone(), c.after.clone()))
        .collect()
}

pub fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

pub fn errors(plan: &Plan) -> Vec<String> {
    plan.errors
        .iter()
        .map(|e| format!("{}: {}", e.name, e.message))
        .collect()
}
