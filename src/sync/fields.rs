//! The column pass: what the HRIS wants each synced person's columns to be, and the changes from
//! what the row holds. Not shared → left alone; empty → cleared; a value → set.

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt};

use time::Date;

use crate::directory::{Person, attributes::status_value};
use crate::hris::{Field, Provider};

use super::Rules;
use super::history::link_label;
use super::plan::{FieldChange, NewPerson, NewValue};
use super::reasons;
use super::reconcile::Entry;

/// What the HRIS wants a synced person's columns to be; `None` = leave as is.
pub(super) struct Desired {
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub position: Option<Option<String>>,
    pub department: Option<Option<String>>,
    pub gender: Option<Option<String>>,
    pub birth_date: Option<Option<Date>>,
    pub employee_number: Option<Option<String>>,
    pub first_hired_on: Option<Option<Date>>,
    pub active: bool,
    /// Why the person is (or is not) active, for the history.
    pub status_reason: String,
}

impl Desired {
    pub(super) fn of(e: &Entry<'_>, rules: &Rules, genders: &mut GenderMap) -> Desired {
        let hp = e.hp;
        let name = |f: &Field<String>| match f {
            Field::Value(v) => Some(v.trim().to_string()),
            _ => None,
        };
        let ended = hp.end_date.is_some_and(|d| d < rules.today);
        Desired {
            email: e.email.expect("synced people have an email").to_string(),
            first_name: name(&hp.first_name),
            last_name: name(&hp.last_name),
            position: text(&hp.position),
            department: text(&hp.department),
            gender: text(&hp.gender).map(|g| g.and_then(|g| genders.map(&g))),
            birth_date: hp.birth_date.shared().map(|d| d.copied()),
            employee_number: text(&hp.employee_number),
            first_hired_on: hp.first_hired_on.shared().map(|d| d.copied()),
            active: hp.active == Some(true) && !ended,
            status_reason: reasons::status(hp, rules.today, rules.provider),
        }
    }

    pub(super) fn new_person(&self, key: usize, e: &Entry<'_>, provider: Provider) -> NewPerson {
        NewPerson {
            key,
            source: provider.source(),
            source_id: e.hp.source_id.clone(),
            email: self.email.clone(),
            first_name: self.first_name.clone().unwrap_or_default(),
            last_name: self.last_name.clone().unwrap_or_default(),
            position: self.position.clone().flatten(),
            department: self.department.clone().flatten(),
            gender: self.gender.clone().flatten(),
            birth_date: self.birth_date.flatten(),
            employee_number: self.employee_number.clone().flatten(),
            first_hired_on: self.first_hired_on.flatten(),
            active: self.active,
        }
    }
}

/// A text field: not shared → `None`; empty or blank → `Some(None)`; else the trimmed value.
fn text(f: &Field<String>) -> Option<Option<String>> {
    f.shared().map(|v| {
        v.map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
}

pub(super) fn active_change(before: bool, after: bool, reason: String) -> FieldChange {
    FieldChange::new(
        Some(status_value(before).to_string()),
        Some(status_value(after).to_string()),
        NewValue::Active(after),
    )
    .because(reason)
}

/// A nullable column: the row's value, the wanted one (`None` = leave), how to set it.
type TextColumn<'a> = (
    &'a Option<String>,
    &'a Option<Option<String>>,
    fn(Option<String>) -> NewValue,
);
type DateColumn = (
    Option<Date>,
    Option<Option<Date>>,
    fn(Option<Date>) -> NewValue,
);

pub(super) fn column_changes(
    p: &Person,
    e: &Entry<'_>,
    d: &Desired,
    active: bool,
    provider: Provider,
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let source = provider.source();
    if p.source != source || p.source_id.as_deref() != Some(e.hp.source_id.as_str()) {
        out.push(
            FieldChange::new(
                Some(link_label(p.source, p.source_id.as_deref().unwrap_or(""))),
                Some(link_label(source, &e.hp.source_id)),
                NewValue::Link {
                    source,
                    source_id: e.hp.source_id.clone(),
                },
            )
            .because(reasons::adopted(provider)),
        );
    }
    if p.email != d.email {
        out.push(FieldChange::new(
            Some(p.email.clone()),
            Some(d.email.clone()),
            NewValue::Email(d.email.clone()),
        ));
    }
    let mut name = |cur: &String, new: &Option<String>, v: fn(String) -> NewValue| {
        if let Some(new) = new
            && cur != new
        {
            out.push(FieldChange::new(
                Some(cur.clone()),
                Some(new.clone()),
                v(new.clone()),
            ));
        }
    };
    name(&p.first_name, &d.first_name, NewValue::FirstName);
    name(&p.last_name, &d.last_name, NewValue::LastName);
    let texts: [TextColumn<'_>; 4] = [
        (&p.position, &d.position, NewValue::Position),
        (&p.department, &d.department, NewValue::Department),
        (&p.gender, &d.gender, NewValue::Gender),
        (
            &p.employee_number,
            &d.employee_number,
            NewValue::EmployeeNumber,
        ),
    ];
    for (cur, new, v) in texts {
        if let Some(new) = new
            && cur != new
        {
            out.push(FieldChange::new(cur.clone(), new.clone(), v(new.clone())));
        }
    }
    let dates: [DateColumn; 2] = [
        (p.birth_date, d.birth_date, NewValue::BirthDate),
        (p.first_hired_on, d.first_hired_on, NewValue::FirstHiredOn),
    ];
    for (cur, new, v) in dates {
        if let Some(new) = new
            && cur != new
        {
            let show = |d: Option<Date>| d.map(|d| d.to_string());
            out.push(FieldChange::new(show(cur), show(new), v(new)));
        }
    }
    if p.active != active {
        out.push(active_change(p.active, active, d.status_reason.clone()));
    }
    // The history reads best in one fixed order: the link first, then the columns.
    out.sort_by_key(|c| c.field);
    out
}

/// Maps provider gender values onto the company's choices, collecting the ones that match none.
pub(super) struct GenderMap<'a> {
    choices: HashMap<String, &'a str>,
    unknown: BTreeSet<String>,
}

impl<'a> GenderMap<'a> {
    pub(super) fn new(choices: &'a [String]) -> GenderMap<'a> {
        let mut map = HashMap::new();
        for c in choices {
            map.entry(c.trim().to_lowercase()).or_insert(c.as_str());
        }
        GenderMap {
            choices: map,
            unknown: BTreeSet::new(),
        }
    }
    fn map(&mut self, value: &str) -> Option<String> {
        let key = value.trim().to_lowercase();
        match self.choices.get(&key) {
            Some(c) => Some(c.to_string()),
            None => {
                self.unknown.insert(key);
                None
            }
        }
    }
    pub(super) fn warning(&self, provider: Provider) -> Option<String> {
        (!self.unknown.is_empty()).then(|| {
            let list: Vec<String> = self.unknown.iter().map(|g| format!("“{g}”")).collect();
            format!(
                "{} gender {} matches none of the company's gender choices: left empty. \
                 Add the choice in the settings to keep it.",
                provider.label(),
                list.join(", ")
            )
        })
    }
}
