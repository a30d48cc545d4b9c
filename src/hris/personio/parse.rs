//! Personio v1 employee pages → our [`HrisPerson`]s: a pure function of bytes that never panics.
//!
//! Rules (see `shared/hris/personio.md` §5 and §8): attributes are found by **key**, never by label;
//! a key that is absent is [`Field::NotShared`](crate::hris::Field::NotShared) (the credential may not read it), `""`/`null`/`[]`
//! are [`Field::Empty`](crate::hris::Field::Empty); dates are the first ten characters, never converted to UTC; ids may be
//! integers or strings and become decimal strings.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::directory::Attribute;
use crate::hris::HrisPerson;

mod all_attributes;
mod employee;
#[cfg(test)]
mod tests;
mod values;

pub use values::parse_date;

use all_attributes::Infos;
use employee::parse_employee;
use values::lenient_u64;

/// What this parser fills, so what Personio owns on a person linked to it (the tests fail when
/// the parser fills anything else). No employee number, no teams.
pub const OWNS: &[Attribute] = &[
    Attribute::HrisId,
    Attribute::Email,
    Attribute::FirstName,
    Attribute::LastName,
    Attribute::Position,
    Attribute::Department,
    Attribute::Gender,
    Attribute::BirthDate,
    Attribute::FirstHiredOn,
    Attribute::Manager,
    Attribute::Active,
];

/// The attribute keys we map; [`Page::keys_seen`] tells which the credential may read.
pub const USED_KEYS: &[&str] = &[
    "email",
    "status",
    "first_name",
    "last_name",
    "position",
    "department",
    "gender",
    "hire_date",
    "supervisor",
];

/// Keys without which a sync must not run: no email means no one can be matched, no status means
/// no one can be told apart from a leaver.
pub const REQUIRED_KEYS: &[&str] = &["email", "status"];

/// One parsed `GET /v1/company/employees` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub people: Vec<HrisPerson>,
    /// `offset`/`limit` as echoed (numbers or strings), when present and readable.
    pub offset: Option<u64>,
    pub limit: Option<u64>,
    /// `metadata.total_elements`, when present and readable.
    pub total_elements: Option<u64>,
    /// Attribute keys present on at least one employee of this page.
    pub keys_seen: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the answer is not JSON")]
    NotJson,
    #[error("Personio reported an error: {0}")]
    Api(String),
    #[error("{0}")]
    Shape(String),
}

/// Parses one employees page.
pub fn parse_page(bytes: &[u8]) -> Result<Page, ParseError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|_| ParseError::NotJson)?;
    let top = v
        .as_object()
        .ok_or_else(|| ParseError::Shape("the answer is not a JSON object".into()))?;
    if top.get("success") == Some(&Value::Bool(false)) {
        let msg = v
            .pointer("/error/message")
            .and_then(Value::as_str)
            .unwrap_or("no message");
        return Err(ParseError::Api(msg.to_owned()));
    }
    let data = top
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| ParseError::Shape("the answer has no list of employees (`data`)".into()))?;
    let mut page = Page {
        offset: top.get("offset").and_then(lenient_u64),
        limit: top.get("limit").and_then(lenient_u64),
        total_elements: v.pointer("/metadata/total_elements").and_then(lenient_u64),
        ..Page::default()
    };
    let mut infos = Infos::default();
    for (i, item) in data.iter().enumerate() {
        let attrs = item
            .get("attributes")
            .and_then(Value::as_object)
            .ok_or_else(|| ParseError::Shape(format!("employee #{} has no attributes", i + 1)))?;
        page.keys_seen.extend(attrs.keys().cloned());
        let mut person = parse_employee(attrs, &mut infos)
            .map_err(|e| ParseError::Shape(format!("employee #{}: {e}", i + 1)))?;
        crate::hris::clean::person(&mut person);
        page.people.push(person);
    }
    Ok(page)
}
