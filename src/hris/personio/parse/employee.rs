//! One employee's attributes → one [`HrisPerson`]: the fields we map, found by key, with what
//! could not be read kept as problems on the person.

use serde_json::{Map, Value};
use time::Date;

use super::all_attributes::{Infos, attributes};
use super::values::{id_string, is_empty, parse_date, stringify, value_of};
use crate::hris::{Field, HrisPerson, ManagerRef};

pub(super) fn parse_employee(
    attrs: &Map<String, Value>,
    infos: &mut Infos,
) -> Result<HrisPerson, String> {
    let source_id = attrs
        .get("id")
        .map(value_of)
        .and_then(id_string)
        .ok_or("it has no readable id")?;
    let mut problems = Vec::new();
    let email = match text(attrs, "email") {
        Field::Value(e) => Some(e),
        _ => None,
    };
    let mut status = None;
    let (active, unknown_status) = match attrs.get("status").map(value_of) {
        None => (None, None),
        Some(v) => {
            let raw = stringify(v);
            status = Some(raw.clone());
            match raw.to_lowercase().as_str() {
                "active" | "onboarding" | "leave" => (Some(true), None),
                "inactive" => (Some(false), None),
                "" => (None, Some("(empty)".to_owned())),
                _ => (None, Some(raw)),
            }
        }
    };
    let gender = match text(attrs, "gender") {
        Field::Value(g) => Field::Value(g.to_lowercase()),
        other => other,
    };
    let birth_date = birth_date(attrs, &mut problems);
    let first_hired_on = date(attrs, "hire_date", &mut problems);
    let manager = supervisor(attrs, &mut problems);
    Ok(HrisPerson {
        source_id,
        email,
        first_name: text(attrs, "first_name"),
        last_name: text(attrs, "last_name"),
        position: text(attrs, "position"),
        department: department(attrs),
        gender,
        birth_date,
        employee_number: Field::NotShared,
        first_hired_on,
        active,
        unknown_status,
        status,
        end_date: None,
        manager,
        groups: Field::NotShared,
        attributes: attributes(attrs, infos),
        problems,
    })
}

/// Date of birth is a custom attribute whose `universal_id` is `date_of_birth` (a Personio-wide
/// name, not a label).
fn birth_date(attrs: &Map<String, Value>, problems: &mut Vec<String>) -> Field<Date> {
    let key = attrs.iter().find_map(|(k, env)| {
        (env.get("universal_id").and_then(Value::as_str) == Some("date_of_birth")).then_some(k)
    });
    match key {
        Some(k) => date(attrs, k, problems),
        None => Field::NotShared,
    }
}

fn text(attrs: &Map<String, Value>, key: &str) -> Field<String> {
    match attrs.get(key).map(value_of) {
        None => Field::NotShared,
        Some(v) if is_empty(v) => Field::Empty,
        Some(v) => {
            let s = stringify(v);
            if s.is_empty() {
                Field::Empty
            } else {
                Field::Value(s)
            }
        }
    }
}

fn date(attrs: &Map<String, Value>, key: &str, problems: &mut Vec<String>) -> Field<Date> {
    match attrs.get(key).map(value_of) {
        None => Field::NotShared,
        Some(v) if is_empty(v) => Field::Empty,
        Some(Value::String(s)) => match parse_date(s) {
            Some(d) => Field::Value(d),
            None => {
                problems.push(format!("{key} is not a date: {:?}", truncate(s)));
                Field::NotShared
            }
        },
        Some(other) => {
            problems.push(format!(
                "{key} is not a date: {}",
                truncate(&other.to_string())
            ));
            Field::NotShared
        }
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

fn department(attrs: &Map<String, Value>) -> Field<String> {
    match attrs.get("department").map(value_of) {
        None => Field::NotShared,
        Some(v) if is_empty(v) => Field::Empty,
        Some(Value::Object(o)) => {
            match o
                .get("attributes")
                .and_then(|a| a.get("name"))
                .map(value_of)
            {
                Some(Value::String(s)) if !s.trim().is_empty() => Field::Value(s.trim().to_owned()),
                _ => Field::Empty,
            }
        }
        Some(Value::String(s)) => Field::Value(s.trim().to_owned()),
        Some(_) => Field::Empty,
    }
}

fn supervisor(attrs: &Map<String, Value>, problems: &mut Vec<String>) -> Field<ManagerRef> {
    match attrs.get("supervisor").map(value_of) {
        None => Field::NotShared,
        Some(v) if is_empty(v) => Field::Empty,
        Some(v) => {
            let inner = v.get("attributes");
            let id = inner
                .and_then(|a| a.get("id"))
                .map(value_of)
                .and_then(id_string);
            let email = inner
                .and_then(|a| a.get("email"))
                .map(value_of)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_owned);
            match id {
                Some(source_id) => Field::Value(ManagerRef { source_id, email }),
                None => {
                    problems.push("the supervisor has no readable id".into());
                    Field::NotShared
                }
            }
        }
    }
}
