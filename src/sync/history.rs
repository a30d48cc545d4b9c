//! The history of a plan: one row per changed value, for `sync_changes` and the run pages.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::directory::Source;

use super::plan::{PersonField, PersonRef, Plan};

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
        let mut rows = Vec::new();
        for u in &self.updates {
            for c in &u.changes {
                rows.push(HistoryRow {
                    person: PersonRef::Existing(u.person_id),
                    person_name: u.name.clone(),
                    field: c.field,
                    before: c.before.clone(),
                    after: c.after.clone(),
                });
            }
        }
        for p in &self.creates {
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
        }
        for m in &self.managers {
            rows.push(HistoryRow {
                person: m.person,
                person_name: m.name.clone(),
                field: PersonField::Manager,
                before: m.before.clone(),
                after: m.after.clone(),
            });
        }
        for (list, removed) in [
            (&self.membership_removes, true),
            (&self.membership_adds, false),
        ] {
            for m in list {
                let g = Some(m.group_name.clone());
                rows.push(HistoryRow {
                    person: m.person,
                    person_name: m.person_name.clone(),
                    field: PersonField::Groups,
                    before: if removed { g.clone() } else { None },
                    after: if removed { None } else { g },
                });
            }
        }
        rows
    }
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
