//! What the person form holds (the values as typed, so a form with errors comes back filled in),
//! its field errors, and the checks that need nothing but the form.

use std::collections::HashSet;

use time::{Date, macros::format_description};

use crate::{
    db::people,
    directory::{Attribute, Email, Person, limits},
    hris::ownership::Locks,
    web::{field_errors::Errors, form::FormData},
};

/// What the form shows: the values as typed, so a form with errors comes back filled in.
#[derive(Default, Clone)]
pub struct Values {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub position: String,
    pub department: String,
    pub gender: String,
    pub birth_date: String,
    pub employee_number: String,
    pub first_hired_on: String,
    pub manager_id: String,
    pub active: bool,
    pub group_ids: Vec<i64>,
    /// The company's custom fields, as stored or typed.
    pub custom: Vec<super::custom::CustomInput>,
}

impl Values {
    pub fn of(p: &Person) -> Values {
        let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        Values {
            email: p.email.clone(),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            position: p.position.clone().unwrap_or_default(),
            department: p.department.clone().unwrap_or_default(),
            gender: p.gender.clone().unwrap_or_default(),
            birth_date: date(p.birth_date),
            employee_number: p.employee_number.clone().unwrap_or_default(),
            first_hired_on: date(p.first_hired_on),
            manager_id: p.manager_id.map(|m| m.to_string()).unwrap_or_default(),
            active: p.active,
            group_ids: p.group_ids.clone(),
            custom: Vec::new(),
        }
    }

    pub fn from_form(f: &FormData) -> Values {
        let get = |a: Attribute| f.get(a.form_name()).to_string();
        Values {
            email: get(Attribute::Email),
            first_name: get(Attribute::FirstName),
            last_name: get(Attribute::LastName),
            position: get(Attribute::Position),
            department: get(Attribute::Department),
            gender: get(Attribute::Gender),
            birth_date: get(Attribute::BirthDate),
            employee_number: get(Attribute::EmployeeNumber),
            first_hired_on: get(Attribute::FirstHiredOn),
            manager_id: get(Attribute::Manager),
            active: f.has(Attribute::Active.form_name()),
            group_ids: distinct(
                f.all(Attribute::Groups.form_name())
                    .iter()
                    .filter_map(|g| g.parse().ok()),
            ),
            custom: Vec::new(),
        }
    }

    /// Keeps the stored value of every field locked on the person, whatever was submitted (a
    /// disabled input is not submitted at all).
    pub fn keep_locked(mut self, stored: Values, locks: &Locks) -> Values {
        for field in locks.fields() {
            match field {
                Attribute::Email => self.email = stored.email.clone(),
                Attribute::FirstName => self.first_name = stored.first_name.clone(),
                Attribute::LastName => self.last_name = stored.last_name.clone(),
                Attribute::Position => self.position = stored.position.clone(),
                Attribute::Department => self.department = stored.department.clone(),
                Attribute::Gender => self.gender = stored.gender.clone(),
                Attribute::BirthDate => self.birth_date = stored.birth_date.clone(),
                Attribute::EmployeeNumber => self.employee_number = stored.employee_number.clone(),
                Attribute::FirstHiredOn => self.first_hired_on = stored.first_hired_on.clone(),
                Attribute::Manager => self.manager_id = stored.manager_id.clone(),
                Attribute::Active => self.active = stored.active,
                Attribute::Groups => self.group_ids = stored.group_ids.clone(),
                Attribute::HrisId => {}
            }
        }
        self
    }

    pub fn in_group(&self, id: &i64) -> bool {
        self.group_ids.contains(id)
    }
}

/// Each id once, in the order first given (a form may repeat `groups=1&groups=1`).
fn distinct(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.filter(|id| seen.insert(*id)).collect()
}

/// A form error when `value` is longer than `max` characters (the limits of
/// [`crate::directory::limits`], shared with the HRIS parsers).
fn check_length(errors: &mut Errors, field: Attribute, value: &str, max: usize) {
    if !limits::fits(value, max) {
        errors.add(
            field.form_name(),
            format!(
                "{} can be at most {max} characters; this one has {}.",
                field.label(),
                value.chars().count()
            ),
        );
    }
}

fn parse_date(field: Attribute, raw: &str, errors: &mut Errors) -> Option<Date> {
    if raw.is_empty() {
        return None;
    }
    match Date::parse(raw, format_description!("[year]-[month]-[day]")) {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(
                field.form_name(),
                format!("{} must be a date like 2024-03-01.", field.label()),
            );
            None
        }
    }
}

/// Checks a submitted form: everything that can be told without the database.
pub fn validate(
    v: &Values,
    gender_choices: &[String],
    errors: &mut Errors,
) -> Option<people::PersonInput> {
    let email = match Email::parse(&v.email) {
        Ok(e) => Some(e),
        Err(e) => {
            errors.add("email", e.to_string());
            None
        }
    };
    if v.first_name.is_empty() {
        errors.add("first_name", "First name is required.");
    }
    if v.last_name.is_empty() {
        errors.add("last_name", "Last name is required.");
    }
    for (field, value, max) in [
        (Attribute::FirstName, &v.first_name, limits::NAME),
        (Attribute::LastName, &v.last_name, limits::NAME),
        (Attribute::Position, &v.position, limits::POSITION),
        (Attribute::Department, &v.department, limits::DEPARTMENT),
        (
            Attribute::EmployeeNumber,
            &v.employee_number,
            limits::EMPLOYEE_NUMBER,
        ),
    ] {
        check_length(errors, field, value, max);
    }
    if !v.gender.is_empty() && !gender_choices.iter().any(|g| g == &v.gender) {
        errors.add(
            "gender",
            format!(
                "“{}” is not one of the company's gender choices.",
                limits::truncate(&v.gender, limits::GENDER)
            ),
        );
    }
    let birth_date = parse_date(Attribute::BirthDate, &v.birth_date, errors);
    let first_hired_on = parse_date(Attribute::FirstHiredOn, &v.first_hired_on, errors);
    let manager_id = if v.manager_id.is_empty() {
        None
    } else {
        match v.manager_id.parse::<i64>() {
            Ok(m) => Some(m),
            Err(_) => {
                errors.add("manager_id", "Choose a manager from the list.");
                None
            }
        }
    };
    let opt = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    Some(people::PersonInput {
        email: email?.as_str().to_string(),
        first_name: v.first_name.clone(),
        last_name: v.last_name.clone(),
        position: opt(&v.position),
        department: opt(&v.department),
        gender: opt(&v.gender),
        birth_date,
        employee_number: opt(&v.employee_number),
        first_hired_on,
        manager_id,
        active: v.active,
    })
    .filter(|_| errors.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_with_blank_names_and_a_bad_email_says_so() {
        let v = Values {
            email: "nope".into(),
            ..Values::default()
        };
        let mut e = Errors::default();
        assert!(validate(&v, &[], &mut e).is_none());
        assert!(e.get("email").unwrap().contains("not a valid email"));
        assert_eq!(e.get("first_name"), Some("First name is required."));
        assert_eq!(e.get("last_name"), Some("Last name is required."));
    }
}
