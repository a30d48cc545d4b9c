//! The history of a plan, for `sync_changes` and the run pages: one row per changed value of an
//! existing person (with the reason reconcile recorded), and **one** row per created person
//! carrying their initial values as JSON (a first sync of 50,000 people writes 50,000 rows, not
//! half a million).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use time::Date;

use crate::directory::{Attribute, Source, attributes::status_value};

use super::plan::{NewPerson, PersonRef, Plan};

/// What a history row records: a created person, one attribute of an existing one, or one of
/// their custom fields (by its label when the change was made, so the history reads the same
/// after a rename or a delete).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HistoryField {
    /// `after` holds the initial values: see [`initial_values`].
    Created,
    Attribute(Attribute),
    Custom(String),
}

impl HistoryField {
    /// The `sync_changes.field` column: "created", the attribute's key, or "field:" + label.
    pub fn key(&self) -> Cow<'static, str> {
        match self {
            HistoryField::Created => Cow::Borrowed(CREATED),
            HistoryField::Attribute(a) => Cow::Borrowed(a.key()),
            HistoryField::Custom(label) => Cow::Owned(format!("{CUSTOM}{label}")),
        }
    }
    pub fn parse(key: &str) -> Option<HistoryField> {
        match key {
            CREATED => Some(HistoryField::Created),
            other => match other.strip_prefix(CUSTOM) {
                Some(label) => Some(HistoryField::Custom(label.to_string())),
                None => Attribute::parse(other).map(HistoryField::Attribute),
            },
        }
    }
    /// What a person reads: "Created", "Job", "Hire date", "Office", ….
    pub fn label(&self) -> &str {
        match self {
            HistoryField::Created => "Created",
            HistoryField::Attribute(a) => a.label(),
            HistoryField::Custom(label) => label,
        }
    }
}

/// The `sync_changes.field` of a created person's row.
pub const CREATED: &str = "created";

/// What starts the `sync_changes.field` of a custom field's row (and its key among a created
/// person's initial values).
pub const CUSTOM: &str = "field:";

/// One row for `sync_changes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub person: PersonRef,
    pub person_name: String,
    pub field: HistoryField,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
}

impl Plan {
    /// Every change as a history row: each column of each update, one row per created person,
    /// each manager change and each membership added (`after`) or removed (`before`) of an
    /// existing person (a created person's manager and groups are among its initial values).
    pub fn history(&self) -> Vec<HistoryRow> {
        self.history_rows().collect()
    }

    /// [`Plan::history`] one row at a time, so apply writes them in chunks.
    pub fn history_rows(&self) -> impl Iterator<Item = HistoryRow> + '_ {
        let updates = self.updates.iter().flat_map(|u| {
            u.changes.iter().map(move |c| HistoryRow {
                person: PersonRef::Existing(u.person_id),
                person_name: u.name.clone(),
                field: HistoryField::Attribute(c.field),
                before: c.before.clone(),
                after: c.after.clone(),
                reason: c.reason.clone(),
            })
        });
        let mut managers: HashMap<usize, &str> = HashMap::new();
        for m in &self.managers {
            if let (PersonRef::New(k), Some(name)) = (m.person, &m.after) {
                managers.insert(k, name);
            }
        }
        let mut groups: HashMap<usize, Vec<&str>> = HashMap::new();
        for m in &self.membership_adds {
            if let PersonRef::New(k) = m.person {
                groups.entry(k).or_default().push(&m.group_name);
            }
        }
        let mut customs: HashMap<usize, Vec<(&str, &str)>> = HashMap::new();
        for f in &self.field_values {
            if let (PersonRef::New(k), Some(v)) = (f.person, &f.after) {
                customs.entry(k).or_default().push((&f.label, v));
            }
        }
        let creates = self.creates.iter().map(move |p| HistoryRow {
            person: PersonRef::New(p.key),
            person_name: p.full_name(),
            field: HistoryField::Created,
            before: None,
            after: Some(created_json(
                p,
                managers.get(&p.key).copied(),
                groups.get(&p.key).map(Vec::as_slice).unwrap_or_default(),
                customs.get(&p.key).map(Vec::as_slice).unwrap_or_default(),
            )),
            reason: None,
        });
        let fields = self
            .field_values
            .iter()
            .filter(|f| existing(&f.person))
            .map(|f| HistoryRow {
                person: f.person,
                person_name: f.name.clone(),
                field: HistoryField::Custom(f.label.clone()),
                before: f.before.clone(),
                after: f.after.clone(),
                reason: None,
            });
        let managers = self
            .managers
            .iter()
            .filter(|m| existing(&m.person))
            .map(|m| HistoryRow {
                person: m.person,
                person_name: m.name.clone(),
                field: HistoryField::Attribute(Attribute::Manager),
                before: m.before.clone(),
                after: m.after.clone(),
                reason: Some(m.reason.clone()),
            });
        let memberships = [
            (&self.membership_removes, true),
            (&self.membership_adds, false),
        ]
        .into_iter()
        .flat_map(move |(list, removed)| {
            list.iter().filter(|m| existing(&m.person)).map(move |m| {
                let g = Some(m.group_name.clone());
                HistoryRow {
                    person: m.person,
                    person_name: m.person_name.clone(),
                    field: HistoryField::Attribute(Attribute::Groups),
                    before: if removed { g.clone() } else { None },
                    after: if removed { None } else { g },
                    reason: None,
                }
            })
        });
        updates
            .chain(creates)
            .chain(managers)
            .chain(memberships)
            .chain(fields)
    }
}

fn existing(r: &PersonRef) -> bool {
    matches!(r, PersonRef::Existing(_))
}

/// A created person's initial values as a JSON object of attribute key → value as the history
/// stores it (dates `YYYY-MM-DD`, status `active`/`inactive`, groups joined by ", "), custom
/// fields under "field:" + label; unset attributes are left out.
fn created_json(
    p: &NewPerson,
    manager: Option<&str>,
    groups: &[&str],
    customs: &[(&str, &str)],
) -> String {
    let date = |d: Option<Date>| d.map(|d| d.to_string());
    let mut values: BTreeMap<Cow<'_, str>, String> = customs
        .iter()
        .map(|(label, v)| (Cow::Owned(format!("{CUSTOM}{label}")), v.to_string()))
        .collect();
    let mut set = |a: Attribute, v: Option<String>| {
        if let Some(v) = v {
            values.insert(Cow::Borrowed(a.key()), v);
        }
    };
    set(Attribute::HrisId, Some(link_label(p.source, &p.source_id)));
    set(Attribute::Email, Some(p.email.clone()));
    set(Attribute::FirstName, Some(p.first_name.clone()));
    set(Attribute::LastName, Some(p.last_name.clone()));
    set(Attribute::Position, p.position.clone());
    set(Attribute::Department, p.department.clone());
    set(Attribute::Gender, p.gender.clone());
    set(Attribute::BirthDate, date(p.birth_date));
    set(Attribute::EmployeeNumber, p.employee_number.clone());
    set(Attribute::FirstHiredOn, date(p.first_hired_on));
    set(Attribute::Manager, manager.map(str::to_string));
    set(
        Attribute::Groups,
        (!groups.is_empty()).then(|| groups.join(", ")),
    );
    set(Attribute::Active, Some(status_value(p.active).to_string()));
    serde_json::to_string(&values).expect("a map of strings serialises")
}

/// A created row's initial values, in the order a person's page lists attributes: what the
/// pages show for a "created" row (unknown keys are skipped; unreadable JSON gives nothing).
pub fn initial_values(after: &str) -> Vec<(Attribute, String)> {
    let values: BTreeMap<String, String> = serde_json::from_str(after).unwrap_or_default();
    Attribute::ALL
        .into_iter()
        .filter_map(|a| values.get(a.key()).map(|v| (a, v.clone())))
        .collect()
}

/// A created row's initial custom field values: `(key, value)` with the key as stored
/// ("field:" + label), in label order.
pub fn initial_custom_values(after: &str) -> Vec<(String, String)> {
    let values: BTreeMap<String, String> = serde_json::from_str(after).unwrap_or_default();
    values
        .into_iter()
        .filter(|(k, _)| k.starts_with(CUSTOM))
        .collect()
}

/// How the history shows a link: "Personio 42", or "Roster" for a manual person.
pub fn link_label(source: Source, source_id: &str) -> String {
    if source == Source::Manual || source_id.is_empty() {
        source.label().to_string()
    } else {
        format!("{} {}", source.label(), source_id)
    }
}
