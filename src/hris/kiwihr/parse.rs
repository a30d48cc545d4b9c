//! kiwiHR GraphQL replies → our types. A pure function of the reply's bytes: no I/O, no clock,
//! and it never panics, whatever arrives (a proptest feeds it arbitrary bytes and JSON).
//!
//! A reply as a whole is either a usable page or an error. Inside a page, one person's odd value
//! (an unparseable date, an unknown flag) is a problem noted on that person, never an abort.

use serde_json::Value;

use crate::directory::Attribute;
use crate::hris::HrisPerson;

#[cfg(test)]
mod tests;
mod user;

pub use user::parse_date;

use user::parse_user;

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
