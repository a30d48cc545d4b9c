//! Reading Personio's JSON values: attribute envelopes, lenient numbers and ids, dates as their
//! calendar day, and any value as the text we keep.

use serde_json::Value;
use time::Date;

/// A number or a numeric string as `u64`.
pub(super) fn lenient_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The value inside an attribute envelope (`{"label","value",…}`); a bare value is accepted too.
pub(super) fn value_of(env: &Value) -> &Value {
    match env {
        Value::Object(o) if o.contains_key("value") => &o["value"],
        other => other,
    }
}

pub(super) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// An id (integer, integral float or string) as a decimal string.
pub(super) fn id_string(v: &Value) -> Option<String> {
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
pub(super) fn stringify(v: &Value) -> String {
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
