//! Personio v1 employee pages → our [`HrisPerson`]s: a pure function of bytes that never panics.
//!
//! Rules (see `shared/hris/personio.md` §5 and §8): attributes are found by **key**, never by label;
//! a key that is absent is [`Field::NotShared`] (the credential may not read it), `""`/`null`/`[]`
//! are [`Field::Empty`]; dates are the first ten characters, never converted to UTC; ids may be
//! integers or strings and become decimal strings.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value};
use time::Date;

use crate::directory::Attribute;
use crate::hris::{AttributeInfo, AttributeList, Field, HrisPerson, ManagerRef, clean};

/// What this parser fills, so what Personio owns on a person linked to it (the tests below fail
/// when the parser fills anything else). No employee number, no teams.
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

/// The page's attribute descriptions, one per key (while label and kind stay the same), so every
/// person points at one shared description instead of carrying a copy of its label; and the
/// last person's list of them, which the next person shares when they have the same attributes.
#[derive(Default)]
struct Infos {
    by_key: HashMap<String, (String, String, Arc<AttributeInfo>)>,
    last: Option<Arc<[Arc<AttributeInfo>]>>,
}

impl Infos {
    fn get(&mut self, key: &str, label: &str, kind: &str) -> Arc<AttributeInfo> {
        if let Some((l, k, info)) = self.by_key.get(key)
            && l == label
            && k == kind
        {
            return info.clone();
        }
        let info = Arc::new(AttributeInfo {
            key: key.to_owned(),
            label: match clean::plain(label) {
                l if l.is_empty() => key.to_owned(),
                l => l,
            },
            kind: kind.to_owned(),
        });
        self.by_key.insert(
            key.to_owned(),
            (label.to_owned(), kind.to_owned(), info.clone()),
        );
        info
    }

    /// `list` as a shared list: the previous person's when it is the same descriptions.
    fn list(&mut self, list: Vec<Arc<AttributeInfo>>) -> Arc<[Arc<AttributeInfo>]> {
        if let Some(last) = &self.last
            && last.len() == list.len()
            && last.iter().zip(&list).all(|(a, b)| Arc::ptr_eq(a, b))
        {
            return last.clone();
        }
        let list: Arc<[Arc<AttributeInfo>]> = list.into();
        self.last = Some(list.clone());
        list
    }
}

/// Every attribute of one employee as sent, with its label and kind (see [`HrisAttribute`]).
fn attributes(attrs: &Map<String, Value>, infos: &mut Infos) -> AttributeList {
    let mut list = Vec::with_capacity(attrs.len());
    let mut values = Vec::with_capacity(attrs.len());
    for (key, env) in attrs {
        let label = env.get("label").and_then(Value::as_str).unwrap_or(key);
        let kind = env
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("standard");
        list.push(infos.get(key, label, kind));
        let kind = if DATE_KEYS.contains(&key.as_str()) {
            "date"
        } else {
            kind
        };
        values.push(attribute_text(kind, value_of(env)));
    }
    AttributeList::new(infos.list(list), values)
}

/// Standard attributes that are dates whatever kind an answer gives them.
const DATE_KEYS: &[&str] = &[
    "hire_date",
    "contract_end_date",
    "termination_date",
    "last_working_day",
    "probation_period_end",
];

/// An attribute value as text: dates as `YYYY-MM-DD`, a multi-select sent as a JSON-encoded list
/// inside a string as its items joined, anything else as [`stringify`] gives it.
fn attribute_text(kind: &str, v: &Value) -> String {
    match (kind, v) {
        ("date", Value::String(s)) => match parse_date(s) {
            Some(d) => d.to_string(),
            None => stringify(v),
        },
        ("tags", Value::String(s)) if s.trim_start().starts_with('[') => {
            match serde_json::from_str::<Value>(s) {
                Ok(list @ Value::Array(_)) => stringify(&list),
                _ => stringify(v),
            }
        }
        _ => stringify(v),
    }
}

/// A number or a numeric string as `u64`.
fn lenient_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The value inside an attribute envelope (`{"label","value",…}`); a bare value is accepted too.
fn value_of(env: &Value) -> &Value {
    match env {
        Value::Object(o) if o.contains_key("value") => &o["value"],
        other => other,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// An id (integer, integral float or string) as a decimal string.
fn id_string(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .map(|x| x.to_string())
            .or_else(|| n.as_i64().map(|x| x.to_string()))
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                    .map(|f| format!("{}", f as i64))
            }),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// Text for a scalar or list; objects by their `name`, else as JSON.
fn stringify(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.trim().to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => a
            .iter()
            .map(stringify)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(o) => {
            let inner = o.get("attributes");
            let part = |k: &str| inner.and_then(|a| a.get(k)).map(|x| stringify(value_of(x)));
            match (
                part("name"),
                part("first_name"),
                part("last_name"),
                part("id"),
            ) {
                (Some(name), ..) => name,
                // A nested employee (the supervisor): by name, else by id.
                (None, Some(first), Some(last), _) => format!("{first} {last}").trim().to_owned(),
                (None, _, _, Some(id)) => id,
                _ => v.to_string(),
            }
        }
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

/// `YYYY-MM-DD` from the first ten characters; the rest (time, offset) is ignored on purpose.
pub fn parse_date(s: &str) -> Option<Date> {
    let head = s.trim().get(..10)?;
    let b = head.as_bytes();
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year: i32 = head[..4].parse().ok()?;
    let month: u8 = head[5..7].parse().ok()?;
    let day: u8 = head[8..10].parse().ok()?;
    Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
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

fn parse_employee(attrs: &Map<String, Value>, infos: &mut Infos) -> Result<HrisPerson, String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;
    use time::macros::date;

    fn page_with(attrs: Value) -> Vec<u8> {
        json!({"success": true, "metadata": {"total_elements": 1}, "offset": 0, "limit": 100,
               "data": [{"type": "Employee", "attributes": attrs}]})
        .to_string()
        .into_bytes()
    }

    fn one(attrs: Value) -> HrisPerson {
        parse_page(&page_with(attrs)).unwrap().people.remove(0)
    }

    fn a(v: Value) -> Value {
        json!({"label": "whatever", "value": v, "type": "standard", "universal_id": null})
    }

    #[test]
    fn the_documented_example_maps_onto_our_fields() {
        let p = one(json!({
            "id": a(json!(4187203)),
            "first_name": a(json!("Lena")),
            "last_name": a(json!("Hoffmann")),
            "email": a(json!(" lena.hoffmann@example.org ")),
            "gender": a(json!("Female")),
            "status": a(json!("leave")),
            "position": a(json!("Backend Engineer")),
            "department": a(json!({"type": "Department", "attributes": {"id": 5521, "name": "Platform"}})),
            "supervisor": a(json!({"type": "Employee", "attributes": {
                "id": a(json!(4187199)), "email": a(json!("jonas.brandt@example.org"))}})),
            "hire_date": a(json!("2021-03-01T00:00:00+01:00")),
            "dynamic_70112": {"label": "T-shirt size", "value": "M", "type": "list", "universal_id": null},
        }));
        assert_eq!(p.source_id, "4187203");
        assert_eq!(p.email.as_deref(), Some("lena.hoffmann@example.org"));
        assert_eq!(p.gender, Field::Value("female".into()));
        assert_eq!(p.active, Some(true));
        assert_eq!(p.department, Field::Value("Platform".into()));
        assert_eq!(
            p.manager,
            Field::Value(ManagerRef {
                source_id: "4187199".into(),
                email: Some("jonas.brandt@example.org".into())
            })
        );
        assert_eq!(p.first_hired_on, Field::Value(date!(2021 - 03 - 01)));
        // Every attribute is kept as sent, standard and custom, with its label and kind.
        let shirt = p.attribute("dynamic_70112").unwrap();
        assert_eq!(
            (shirt.label(), shirt.info.kind.as_str(), shirt.value),
            ("T-shirt size", "list", "M")
        );
        let kept = |key: &str| p.attribute(key).map(|a| a.value);
        assert_eq!(kept("department"), Some("Platform"));
        assert_eq!(kept("supervisor"), Some("4187199"));
        assert_eq!(kept("hire_date"), Some("2021-03-01"));
        assert_eq!(kept("status"), Some("leave"));
        assert_eq!(kept("employment_type"), None, "not sent, so not kept");
        assert_eq!(p.attributes.len(), 11);
    }

    #[test]
    fn attributes_share_one_description_per_page_and_names_stand_for_objects() {
        let env = |label: &str, v: Value| json!({"label": label, "value": v, "type": "standard"});
        let bytes = json!({"success": true, "data": [
            {"attributes": {"id": a(json!(1)),
                "office": env("Office", json!({"type": "Office", "attributes": {"id": 3, "name": "Berlin"}})),
                "supervisor": env("Supervisor", json!({"type": "Employee", "attributes": {
                    "id": a(json!(2)), "first_name": a(json!("Jonas")), "last_name": a(json!("Brandt"))}}))}},
            {"attributes": {"id": a(json!(2)), "office": env("Office", Value::Null)}},
        ]})
        .to_string();
        let page = parse_page(bytes.as_bytes()).unwrap();
        let (one, two) = (&page.people[0], &page.people[1]);
        assert_eq!(one.attribute("office").unwrap().value, "Berlin");
        assert_eq!(one.attribute("supervisor").unwrap().value, "Jonas Brandt");
        assert_eq!(two.attribute("office").unwrap().value, "");
        assert!(Arc::ptr_eq(
            one.attribute("office").unwrap().info,
            two.attribute("office").unwrap().info
        ));
    }

    /// Every attribute any of `people` carries.
    fn carried(people: &[HrisPerson]) -> Vec<Attribute> {
        let mut carried: Vec<Attribute> = Attribute::ALL
            .into_iter()
            .filter(|&a| people.iter().any(|p| p.carries(a)))
            .collect();
        carried.sort();
        carried
    }

    #[test]
    fn the_parser_fills_exactly_what_personio_declares_it_owns() {
        let p = one(json!({
            "id": a(json!(1)),
            "first_name": a(json!("Lena")),
            "last_name": a(json!("Hoffmann")),
            "email": a(json!("lena@example.org")),
            "gender": a(json!("female")),
            "status": a(json!("active")),
            "position": a(json!("Engineer")),
            "department": a(json!({"type": "Department", "attributes": {"id": 1, "name": "Platform"}})),
            "supervisor": a(json!({"type": "Employee", "attributes": {"id": a(json!(2))}})),
            "hire_date": a(json!("2021-03-01T00:00:00+01:00")),
            "dynamic_3": {"label": "Birthday", "value": "1990-05-17", "type": "date", "universal_id": "date_of_birth"},
            "dynamic_4": {"label": "Employee no.", "value": "E-1", "type": "standard", "universal_id": null},
        }));
        let mut owned = OWNS.to_vec();
        owned.sort();
        assert_eq!(carried(&[p]), owned);
    }

    #[test]
    fn dates_keep_their_calendar_day_whatever_the_offset() {
        for s in [
            "2020-02-01T00:00:00+01:00",
            "2020-02-01T00:00:00+0100",
            "2020-02-01T00:00:00+00:53",
            "2020-02-01",
            "2020-02-01T00:00:00Z",
        ] {
            assert_eq!(parse_date(s), Some(date!(2020 - 02 - 01)), "{s}");
        }
        assert_eq!(parse_date("2020-02-3"), None);
        assert_eq!(parse_date("01.02.2020"), None);
        assert_eq!(parse_date("2020-13-01"), None);
        assert_eq!(parse_date("2020-02-01é"), Some(date!(2020 - 02 - 01)));
        assert_eq!(parse_date("2020-02-é1"), None);
    }

    #[test]
    fn absent_keys_are_not_shared_and_empty_values_are_empty() {
        let p = one(json!({
            "id": a(json!("77")),
            "first_name": a(json!("")),
            "department": a(Value::Null),
            "position": a(json!([])),
            "gender": a(json!("")),
            "hire_date": a(Value::Null),
            "supervisor": a(Value::Null),
        }));
        assert_eq!(p.source_id, "77");
        assert_eq!(p.first_name, Field::Empty);
        assert_eq!(p.department, Field::Empty);
        assert_eq!(p.position, Field::Empty);
        assert_eq!(p.gender, Field::Empty);
        assert_eq!(p.first_hired_on, Field::Empty);
        assert_eq!(p.manager, Field::Empty);
        assert_eq!(p.last_name, Field::NotShared);
        assert_eq!(p.email, None);
        assert_eq!((p.active, p.unknown_status), (None, None));
    }

    #[test]
    fn statuses_map_to_active_and_unknown_ones_are_never_inactive() {
        let status = |s: Value| {
            let p = one(json!({"id": a(json!(1)), "status": a(s)}));
            (p.active, p.unknown_status)
        };
        assert_eq!(status(json!("active")), (Some(true), None));
        assert_eq!(status(json!("onboarding")), (Some(true), None));
        assert_eq!(status(json!("Leave")), (Some(true), None));
        assert_eq!(status(json!("inactive")), (Some(false), None));
        assert_eq!(status(json!("paused")), (None, Some("paused".into())));
        assert_eq!(status(json!("")), (None, Some("(empty)".into())));
    }

    #[test]
    fn lenient_numbers_and_custom_values_are_stringified() {
        let bytes = json!({"success": true, "offset": "100", "limit": "50",
            "metadata": {"total_elements": "120"},
            "data": [{"type": "Employee", "attributes": {
                "id": a(json!(4.0)),
                "weekly_working_hours": a(json!("40")),
                "dynamic_1": {"label": "Languages", "value": ["German", "English"], "type": "tags"},
                "dynamic_2": {"label": "Desk", "value": 42, "type": "integer"},
                "dynamic_3": {"label": "Birthday", "value": "1990-05-17T00:00:00+02:00", "type": "date", "universal_id": "date_of_birth"},
            }}]})
        .to_string();
        let page = parse_page(bytes.as_bytes()).unwrap();
        assert_eq!(
            (page.offset, page.limit, page.total_elements),
            (Some(100), Some(50), Some(120))
        );
        let p = &page.people[0];
        assert_eq!(p.source_id, "4");
        let values: Vec<&str> = ["dynamic_1", "dynamic_2", "dynamic_3"]
            .iter()
            .map(|k| p.attribute(k).unwrap().value)
            .collect();
        assert_eq!(values, ["German, English", "42", "1990-05-17"]);
        assert_eq!(p.birth_date, Field::Value(date!(1990 - 05 - 17)));
    }

    #[test]
    fn a_bad_date_is_a_problem_on_the_person_not_an_abort() {
        let p = one(json!({"id": a(json!(1)), "hire_date": a(json!("soon"))}));
        assert_eq!(p.first_hired_on, Field::NotShared);
        assert_eq!(p.problems.len(), 1);
    }

    #[test]
    fn pages_that_cannot_be_trusted_are_errors() {
        assert_eq!(parse_page(b"<html>"), Err(ParseError::NotJson));
        assert!(matches!(parse_page(b"[]"), Err(ParseError::Shape(_))));
        assert!(matches!(
            parse_page(br#"{"success":true}"#),
            Err(ParseError::Shape(_))
        ));
        assert_eq!(
            parse_page(br#"{"success":false,"error":{"code":0,"message":"nope"}}"#),
            Err(ParseError::Api("nope".into()))
        );
        let no_id = page_with(json!({"email": a(json!("x@example.org"))}));
        assert!(matches!(parse_page(&no_id), Err(ParseError::Shape(_))));
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|f| json!(f)),
            "[a-z0-9:+T -]{0,14}".prop_map(Value::String),
            "\\PC{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            let keys = prop_oneof![
                Just("id".to_string()),
                Just("value".to_string()),
                Just("attributes".to_string()),
                Just("data".to_string()),
                Just("status".to_string()),
                Just("hire_date".to_string()),
                Just("supervisor".to_string()),
                Just("department".to_string()),
                Just("name".to_string()),
                Just("email".to_string()),
                Just("universal_id".to_string()),
                Just("dynamic_1".to_string()),
                "[a-z_]{1,8}",
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(keys, inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = parse_page(&bytes);
        }

        #[test]
        fn arbitrary_json_never_panics(v in arb_json()) {
            let _ = parse_page(v.to_string().as_bytes());
        }

        #[test]
        fn arbitrary_employees_never_panic(attrs in arb_json(), data_extra in arb_json()) {
            let doc = json!({"success": true, "metadata": {"total_elements": data_extra},
                             "data": [{"attributes": attrs}, data_extra]});
            if let Ok(page) = parse_page(doc.to_string().as_bytes()) {
                for a in carried(&page.people) {
                    prop_assert!(OWNS.contains(&a), "the parser filled {a:?}, which Personio does not own");
                }
            }
        }

        #[test]
        fn any_date_string_never_panics(s in "\\PC{0,16}") {
            let _ = parse_date(&s);
        }
    }
}
