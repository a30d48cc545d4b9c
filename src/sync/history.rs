//! The history of a plan: one row per changed value, for `sync_changes` and the run pages.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::directory::Source;

use super::plan::{NewPerson, PersonField, PersonRef, Plan};

/// One row for `sync_changes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub person: PersonRef,
    pub person_name: String,
    pub field: PersonField,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Plan {
    /// Every change as a history row: each column of each update, each field set on a created
    /// person, each manager change and each membership added (`after`) or removed (`before`).
    pub fn history(&self) -> Vec<HistoryRow> {
        self.history_rows().collect()
    }

    /// [`Plan::history`] one row at a time: a first sync of 50,000 people has half a million
    /// rows, which apply writes in chunks instead of holding them all.
    pub fn history_rows(&self) -> impl Iterator<Item = HistoryRow> + '_ {
        let updates = self.updates.iter().flat_map(|u| {
            u.changes.iter().map(move |c| HistoryRow {
                person: PersonRef::Existing(u.person_id),
                person_name: u.name.clone(),
                field: c.field,
                before: c.before.clone(),
                after: c.after.clone(),
            })
        });
        let creates = self.creates.iter().flat_map(created_rows);
        let managers = self.managers.iter().map(|m| HistoryRow {
            person: m.person,
            person_name: m.name.clone(),
            field: PersonField::Manager,
            before: m.before.clone(),
            after: m.after.clone(),
        });
        let memberships = [
            (&self.membership_removes, true),
            (&self.membership_adds, false),
        ]
        .into_iter()
        .flat_map(|(list, removed)| {
            list.iter().map(move |m| {
                let g = Some(m.group_name.clone());
                HistoryRow {
                    person: m.person,
                    person_name: m.person_name.clone(),
                    field: PersonField::Groups,
                    before: if removed { g.clone() } else { None },
                    after: if removed { None } else { g },
                }
            })
        });
        updates.chain(creates).chain(managers).chain(memberships)
    }
}

/// The history rows of one created person: the link, then every field that is set.
fn created_rows(p: &NewPerson) -> Vec<HistoryRow> {
    let mut rows = Vec::with_capacity(11);
    let set = |field, after: Option<String>| HistoryRow {
        person: PersonRef::New(p.key),
        person_name: p.full_name(),
        field,
        before: None,
        after,
    };
    let date = |d: Option<Date>| d.map(|d| d.to_string());
    rows.push(set(
        PersonField::Link,
        Some(link_label(p.source, &p.source_id)),
    ));
    rows.push(set(PersonField::Email, Some(p.email.clone())));
    rows.push(set(PersonField::FirstName, Some(p.first_name.clone())));
    rows.push(set(PersonField::LastName, Some(p.last_name.clone())));
    for (field, v) in [
        (PersonField::Position, p.position.clone()),
        (PersonField::Department, p.department.clone()),
        (PersonField::Gender, p.gender.clone()),
        (PersonField::BirthDate, date(p.birth_date)),
        (PersonField::EmployeeNumber, p.employee_number.clone()),
        (PersonField::FirstHiredOn, date(p.first_hired_on)),
    ] {
        if v.is_some() {
            rows.push(set(field, v));
        }
    }
    rows.push(set(PersonField::Active, Some(yes_no(p.active))));
    rows
}

/// How the history shows `active`.
pub fn yes_no(b: bool) -> String {
    if b { "active" } else { "inactive" }.to_string()
}

/// How the history shows a link: "Personio 42", or "Roster" for a manual person.
pub fn link_label(source: Source, source_id: &str) -> String {
    if source == Source::Manual || source_id.is_empty() {
        source.label().to_string()
    } else {
        format!("{} {}", source.label(), source_id)
    }
}
