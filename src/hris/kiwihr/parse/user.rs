//! One `User` item → one [`HrisPerson`] (per kiwihr.md §9): ids, dates, manager and teams read
//! leniently, with an odd value noted as a problem on the person instead of aborting the page.

use serde_json::{Map, Value};
use time::Date;

use super::truncate;
use crate::hris::{Field, HrisPerson, ManagerRef};

/// A user's id: a string of digits, accepted as a JSON number too; always an opaque string.
fn id_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) if n.is_u64() || n.is_i64() => Some(n.to_string()),
        _ => None,
    }
}

/// Maps one `User` (per kiwihr.md §9). `Err` only for an item we cannot identify at all.
pub(super) fn parse_user(item: &Value) -> Result<HrisPerson, String> {
    let user = item.as_object().ok_or("is not an object")?;
    let source_id = id_of(user.get("id")).ok_or("has no usable id")?;
    let mut problems = Vec::new();

    let email = match user.get("email") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    };
    let position = match user.get("position") {
        None => Field::NotShared,
        Some(Value::Object(p)) => non_empty(p.get("name")),
        Some(_) => Field::Empty,
    };
    let active = match user.get("isActive") {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    };
    let unknown_status = match (active, user.get("isActive")) {
        (None, Some(v)) => Some(format!("isActive = {}", truncate(&v.to_string(), 50))),
        (None, None) => Some("isActive missing".to_string()),
        _ => None,
    };
    let end_date = match date_field(user, "employmentEndDate", &mut problems) {
        Field::Value(d) => Some(d),
        _ => None,
    };

    Ok(HrisPerson {
        email,
        first_name: text_field(user, "firstName"),
        last_name: text_field(user, "lastName"),
        position,
        // kiwiHR has nothing that maps onto a department: leave ours alone.
        department: Field::NotShared,
        gender: match user.get("gender") {
            None => Field::NotShared,
            Some(Value::String(g)) if !g.trim().is_empty() => Field::Value(g.trim().to_lowercase()),
            Some(_) => Field::Empty,
        },
        birth_date: date_field(user, "birthDate", &mut problems),
        employee_number: text_field(user, "employeeNumber"),
        first_hired_on: date_field(user, "employmentStartDate", &mut problems),
        active,
        unknown_status,
        status: None,
        end_date,
        manager: manager_field(user, &mut problems),
        groups: groups_field(user),
        attributes: crate::hris::kiwihr::fields::attributes(user),
        problems,
        source_id,
    })
}

fn non_empty(v: Option<&Value>) -> Field<String> {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => Field::Value(s.trim().to_string()),
        Some(Value::Number(n)) => Field::Value(n.to_string()),
        _ => Field::Empty,
    }
}

/// Absent → not shared (leave ours alone); `null`/`""` → empty; a string → trimmed value.
fn text_field(user: &Map<String, Value>, key: &str) -> Field<String> {
    match user.get(key) {
        None => Field::NotShared,
        v => non_empty(v),
    }
}

/// A `Date`: bare `YYYY-MM-DD`, or the first ten characters when a time part follows. Anything
/// else is noted as a problem and left alone (`NotShared`), so garbage never clears a good value.
fn date_field(user: &Map<String, Value>, key: &str, problems: &mut Vec<String>) -> Field<Date> {
    match user.get(key) {
        None => Field::NotShared,
        Some(Value::Null) => Field::Empty,
        Some(Value::String(s)) if s.trim().is_empty() => Field::Empty,
        Some(v) => match v.as_str().and_then(parse_date) {
            Some(d) => Field::Value(d),
            None => {
                problems.push(format!(
                    "{key} {} is not a date (YYYY-MM-DD); left unchanged",
                    truncate(&v.to_string(), 40)
                ));
                Field::NotShared
            }
        },
    }
}

/// `YYYY-MM-DD`, optionally followed by `T…` or ` …` (a time part we ignore).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let head = s.get(..10)?;
    let rest = &s[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    let b = head.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return None;
    }
    let year: i32 = head[0..4].parse().ok()?;
    let month: u8 = head[5..7].parse().ok()?;
    let day: u8 = head[8..10].parse().ok()?;
    Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

fn manager_field(user: &Map<String, Value>, problems: &mut Vec<String>) -> Field<ManagerRef> {
    match user.get("manager") {
        None => Field::NotShared,
        Some(Value::Object(m)) => match id_of(m.get("id")) {
            Some(source_id) => Field::Value(ManagerRef {
                source_id,
                email: match m.get("email") {
                    Some(Value::String(e)) if !e.trim().is_empty() => Some(e.trim().to_string()),
                    _ => None,
                },
            }),
            None => {
                problems.push("manager has no usable id; left unchanged".to_string());
                Field::NotShared
            }
        },
        Some(_) => Field::Empty,
    }
}

/// Team names from `teams[]`, falling back to `team` only when `teams` is empty or absent.
/// Names are trimmed and de-duplicated (two teams may share a name; they are one group here).
fn groups_field(user: &Map<String, Value>) -> Field<Vec<String>> {
    let names = |teams: &[Value]| {
        let mut out: Vec<String> = Vec::new();
        for t in teams {
            if let Some(name) = t.get("name").and_then(Value::as_str).map(str::trim)
                && !name.is_empty()
                && !out.iter().any(|n| n == name)
            {
                out.push(name.to_string());
            }
        }
        out
    };
    let from_teams = match user.get("teams") {
        Some(Value::Array(ts)) => Some(names(ts)),
        Some(_) => Some(Vec::new()),
        None => None,
    };
    let from_team = match user.get("team") {
        Some(t @ Value::Object(_)) => Some(names(std::slice::from_ref(t))),
        Some(_) => Some(Vec::new()),
        None => None,
    };
    match (from_teams, from_team) {
        (Some(ts), _) if !ts.is_empty() => Field::Value(ts),
        (_, Some(t)) if !t.is_empty() => Field::Value(t),
        (None, None) => Field::NotShared,
        _ => Field::Empty,
    }
}
