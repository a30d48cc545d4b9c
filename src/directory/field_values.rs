//! A person's value for a custom field, typed by the field's kind: how a typed (or, later, an
//! HRIS-sent) value is checked and parsed, and how a stored value is shown. The person form and
//! an attribute mapping both go through [`parse`], so a value one accepts the other accepts.

use time::{Date, macros::format_description};

use super::{
    attributes::show_date,
    fields::{CustomField, FieldKind},
    limits,
};

/// A stored value of a custom field.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum FieldValue {
    Text(String),
    Number(f64),
    Date(Date),
    Choice(String),
    /// At least one choice, in the order of the field's list.
    Choices(Vec<String>),
}

impl FieldValue {
    /// As a person reads it: "12.5", "2 Dec 2026", "Berlin, Paris".
    pub fn show(&self) -> String {
        match self {
            FieldValue::Text(s) | FieldValue::Choice(s) => s.clone(),
            FieldValue::Number(n) => show_number(*n),
            FieldValue::Date(d) => show_date(*d),
            FieldValue::Choices(c) => c.join(", "),
        }
    }

    /// As the person form's input holds it: the number as typed back, the date as `YYYY-MM-DD`,
    /// each choice on its own (several choices are several checked boxes).
    pub fn typed(&self) -> Vec<String> {
        match self {
            FieldValue::Date(d) => vec![d.to_string()],
            FieldValue::Choices(c) => c.clone(),
            other => vec![other.show()],
        }
    }
}

/// Numbers are finite ([`parse`] refuses NaN and infinities), so equality is an equivalence and
/// a plan holding values can be compared whole.
impl Eq for FieldValue {}

/// A number without a trailing ".0" ("12", "12.5").
fn show_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// Checks what was given for `field` (one string, or one per chosen box): `Ok(None)` when it is
/// empty, the typed value, or a message naming the field and what is wrong.
pub fn parse(field: &CustomField, given: &[&str]) -> Result<Option<FieldValue>, String> {
    let given: Vec<&str> = given
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    let label = &field.label;
    if field.kind != FieldKind::Choices && given.len() > 1 {
        return Err(format!("{label} takes one value."));
    }
    let Some(first) = given.first().copied() else {
        return Ok(None);
    };
    let in_list = |c: &str| -> Result<(), String> {
        if field.choices.iter().any(|x| x == c) {
            Ok(())
        } else {
            Err(format!(
                "“{}” is not one of the choices of {label}.",
                limits::truncate(c, limits::FIELD_CHOICE)
            ))
        }
    };
    let value = match field.kind {
        FieldKind::Text => {
            if !limits::fits(first, limits::FIELD_TEXT) {
                return Err(format!(
                    "{label} can be at most {} characters; this one has {}.",
                    limits::FIELD_TEXT,
                    first.chars().count()
                ));
            }
            FieldValue::Text(first.to_string())
        }
        FieldKind::Number => {
            let n = limits::fits(first, limits::FIELD_NUMBER)
                .then(|| first.parse::<f64>().ok())
                .flatten()
                .filter(|n| n.is_finite());
            match n {
                Some(n) => FieldValue::Number(n),
                None => {
                    return Err(format!(
                        "{label} must be a number like 12 or 3.5; “{}” is not.",
                        limits::truncate(first, limits::FIELD_NUMBER)
                    ));
                }
            }
        }
        FieldKind::Date => match Date::parse(first, format_description!("[year]-[month]-[day]")) {
            Ok(d) => FieldValue::Date(d),
            Err(_) => {
                return Err(format!(
                    "{label} must be a date like 2024-03-01; “{}” is not.",
                    limits::truncate(first, 20)
                ));
            }
        },
        FieldKind::Choice => {
            in_list(first)?;
            FieldValue::Choice(first.to_string())
        }
        FieldKind::Choices => {
            for c in &given {
                in_list(c)?;
            }
            let chosen = field
                .choices
                .iter()
                .filter(|c| given.contains(&c.as_str()))
                .cloned()
                .collect();
            FieldValue::Choices(chosen)
        }
    };
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn field(kind: FieldKind) -> CustomField {
        CustomField {
            id: 7,
            label: "Office".into(),
            kind,
            choices: vec!["Berlin".into(), "Paris".into()],
        }
    }

    #[test]
    fn values_are_parsed_by_the_fields_kind() {
        let p = |k, given: &[&str]| parse(&field(k), given);
        assert_eq!(p(FieldKind::Text, &[" "]), Ok(None));
        assert_eq!(
            p(FieldKind::Number, &[" 12.50 "]),
            Ok(Some(FieldValue::Number(12.5)))
        );
        assert_eq!(
            p(FieldKind::Date, &["2024-03-01"]),
            Ok(Some(FieldValue::Date(date!(2024 - 03 - 01))))
        );
        assert_eq!(
            p(FieldKind::Choices, &["Paris", "Berlin", ""]),
            Ok(Some(FieldValue::Choices(vec![
                "Berlin".into(),
                "Paris".into()
            ])))
        );
        assert_eq!(FieldValue::Number(12.0).show(), "12");
        assert_eq!(FieldValue::Date(date!(2026 - 12 - 02)).show(), "2 Dec 2026");
    }

    #[test]
    fn a_bad_value_says_what_is_wrong() {
        let says = |k, given: &[&str], what: &str| {
            let e = parse(&field(k), given).unwrap_err();
            assert!(e.contains(what), "{given:?}: {e}");
        };
        says(FieldKind::Number, &["abc"], "Office must be a number");
        says(FieldKind::Number, &["NaN"], "must be a number");
        says(FieldKind::Number, &["1e999"], "must be a number");
        says(
            FieldKind::Date,
            &["01.03.2024"],
            "must be a date like 2024-03-01",
        );
        says(
            FieldKind::Choice,
            &["Rome"],
            "“Rome” is not one of the choices",
        );
        says(FieldKind::Choices, &["Paris", "Rome"], "“Rome”");
        says(FieldKind::Choice, &["Paris", "Berlin"], "takes one value");
        says(
            FieldKind::Text,
            &[&"x".repeat(501)],
            "at most 500 characters",
        );
    }
}
