//! kiwiHR GraphQL replies → our types. A pure function of the reply's bytes: no I/O, no clock,
//! and it never panics, whatever arrives (a proptest feeds it arbitrary bytes and JSON).
//!
//! A reply as a whole is either a usable page or an error. Inside a page, one person's odd value
//! (an unparseable date, an unknown flag) is a problem noted on that person, never an abort.

use serde_json::{Map, Value};
use time::Date;

use crate::directory::Attribute;
use crate::hris::{Field, HrisPerson, ManagerRef};

/// What this parser fills, so what kiwiHR owns on a person linked to it (the tests fail when the
/// parser fills anything else). kiwiHR has no departments: a department stays Roster's.
pub const OWNS: &[Attribute] = &[
    Attribute::HrisId,
    Attribute::Email,
    Attribute::FirstName,
    Attribute::LastName,
    Attribute::Position,
    Attribute::Gender,
    Attribute::BirthDate,
    Attribute::EmployeeNumber,
    Attribute::FirstHiredOn,
    Attribute::Manager,
    Attribute::Active,
    Attribute::Groups,
];

/// One page of `users`, as far as the pager needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsersPage {
    pub people: Vec<HrisPerson>,
    /// `pageInfo.count`: the total number of users across all pages.
    pub count: u64,
    /// `pageInfo.next`: `None` on the last page (or when not sent).
    pub next: Option<u64>,
}

/// Why a reply could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    /// The `errors` array carried an authentication-ish message.
    #[error("kiwiHR rejected the API token: {0}")]
    Unauthorized(String),
    /// Any other GraphQL error (a query we got wrong, a limit kiwiHR refuses, …).
    #[error("kiwiHR rejected the query: {0}")]
    Rejected(String),
    /// The body is not JSON at all (an HTML error page, a cut-off reply).
    #[error("kiwiHR answered with something that is not JSON")]
    NotJson,
    /// JSON, but without the shape we asked for.
    #[error("kiwiHR sent a reply we could not read: {0}")]
    Malformed(String),
}

/// Reads the `errors` array of any reply body, whatever the HTTP status: `Some` when it holds at
/// least one error. Used for non-2xx replies too, where only the message matters.
pub fn graphql_errors(body: &[u8]) -> Option<ReplyError> {
    let value: Value = serde_json::from_slice(body).ok()?;
    errors_of(&value)
}

/// Parses one reply to the `users` query.
pub fn parse_users_page(body: &[u8]) -> Result<UsersPage, ReplyError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| ReplyError::NotJson)?;
    if let Some(err) = errors_of(&value) {
        return Err(err);
    }
    let users = value
        .get("data")
        .and_then(|d| d.get("users"))
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("no data.users object"))?;
    // `items: null` is read as no items; `count` then decides whether that is consistent.
    let items: &[Value] = match users.get("items") {
        Some(Value::Array(items)) => items,
        Some(Value::Null) => &[],
        _ => return Err(malformed("data.users.items is not a list")),
    };
    let page_info = users
        .get("pageInfo")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("data.users.pageInfo is missing"))?;
    let count = page_info
        .get("count")
        .and_then(Value::as_u64)
        .ok_or_else(|| malformed("pageInfo.count is not a number"))?;
    let next = page_info.get("next").and_then(Value::as_u64);
    let people = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let mut person =
                parse_user(item).map_err(|e| malformed(&format!("user #{} {e}", i + 1)))?;
            crate::hris::clean::person(&mut person);
            Ok(person)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(UsersPage {
        people,
        count,
        next,
    })
}

fn malformed(what: &str) -> ReplyError {
    ReplyError::Malformed(what.to_string())
}

/// Words in a GraphQL error message that mean "your credentials are not accepted".
fn is_auth_message(message: &str) -> bool {
    let m = message.to_lowercase();
    ["auth", "unauthor", "forbidden"]
        .iter()
        .any(|w| m.contains(w))
}

fn errors_of(value: &Value) -> Option<ReplyError> {
    let errors = value.get("errors")?.as_array()?;
    if errors.is_empty() {
        return None;
    }
    let messages: Vec<String> = errors
        .iter()
        .map(|e| match e.get("message").and_then(Value::as_str) {
            Some(m) => truncate(m.trim(), 300),
            None => "an error without a message".to_string(),
        })
        .collect();
    let joined = messages.join("; ");
    if messages.iter().any(|m| is_auth_message(m)) {
        Some(ReplyError::Unauthorized(joined))
    } else {
        Some(ReplyError::Rejected(joined))
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// A user's id: a string of digits, accepted as a JSON number too; always an opaque string.
fn id_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) if n.is_u64() || n.is_i64() => Some(n.to_string()),
        _ => None,
    }
}

/// Maps one `User` (per kiwihr.md §9). `Err` only for an item we cannot identify at all.
fn parse_user(item: &Value) -> Result<HrisPerson, String> {
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
        attributes: super::fields::attributes(user),
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

#[cfg(test)]
mod tests;
