//! The built-in fields' part of the attribute mapping, applied before planning: each person's
//! built-in value is rewritten from the attribute the mapping chose ([`BuiltinMapped`]), so the
//! rest of reconcile plans it as if the HRIS had sent it there. "Don't sync" makes the field
//! not sent (left unchanged, never emptied, not owned); an attribute a person lacks likewise.
//! A mapping without built-in changes leaves the snapshot as it is.

use crate::directory::Attribute;
use crate::hris::personio::parse::parse_date;
use crate::hris::{Field, HrisPerson};

use super::mapping::BuiltinMapped;

/// `hp` with its built-in fields filled as `builtins` say.
pub fn rewrite(hp: &HrisPerson, builtins: &[BuiltinMapped]) -> HrisPerson {
    let mut out = hp.clone();
    for b in builtins {
        let raw = b
            .key
            .as_deref()
            .and_then(|k| hp.attribute(k))
            .map(|a| a.value.trim());
        let text = || match raw {
            None => Field::NotShared,
            Some("") => Field::Empty,
            Some(v) => Field::Value(v.to_string()),
        };
        let date = |problems: &mut Vec<String>| match raw {
            None => Field::NotShared,
            Some("") => Field::Empty,
            Some(v) => parse_date(v).map_or_else(
                || {
                    problems.push(format!("{} “{v}” is not a date: left unchanged.", b.label));
                    Field::NotShared
                },
                Field::Value,
            ),
        };
        match b.field {
            Attribute::Position => out.position = text(),
            Attribute::Department => out.department = text(),
            Attribute::EmployeeNumber => out.employee_number = text(),
            Attribute::Gender => {
                out.gender = match text() {
                    Field::Value(v) => Field::Value(v.to_lowercase()),
                    other => other,
                }
            }
            Attribute::BirthDate => out.birth_date = date(&mut out.problems),
            Attribute::FirstHiredOn => out.first_hired_on = date(&mut out.problems),
            // Refused when the mapping is saved (`mapping::OPTIONAL`); kept as sent.
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use time::macros::date;

    use super::*;
    use crate::hris::{AttributeInfo, HrisAttribute};

    fn attr(key: &str, kind: &str, value: &str) -> HrisAttribute {
        HrisAttribute {
            info: Arc::new(AttributeInfo {
                key: key.into(),
                label: key.into(),
                kind: kind.into(),
            }),
            value: value.into(),
        }
    }

    fn mapped(field: Attribute, key: Option<&str>) -> BuiltinMapped {
        BuiltinMapped {
            field,
            key: key.map(str::to_string),
            label: key.unwrap_or_default().into(),
        }
    }

    #[test]
    fn built_in_fields_are_read_from_the_chosen_attribute_or_not_sent() {
        let hp = HrisPerson {
            source_id: "1".into(),
            position: Field::Value("Engineer".into()),
            department: Field::Value("Sales".into()),
            gender: Field::Value("male".into()),
            first_hired_on: Field::Value(date!(2020 - 01 - 01)),
            attributes: vec![
                attr("dynamic_1", "standard", " Ingenieur "),
                attr("dynamic_2", "date", "2021-03-04T00:00:00+01:00"),
                attr("dynamic_3", "standard", ""),
                attr("dynamic_4", "date", "soon"),
                attr("dynamic_5", "list", "Female"),
            ]
            .into_iter()
            .collect(),
            ..HrisPerson::default()
        };
        assert_eq!(rewrite(&hp, &[]), hp, "no change: today's snapshot");

        let out = rewrite(
            &hp,
            &[
                mapped(Attribute::Position, Some("dynamic_1")),
                mapped(Attribute::Department, None),
                mapped(Attribute::FirstHiredOn, Some("dynamic_2")),
                mapped(Attribute::EmployeeNumber, Some("dynamic_3")),
                mapped(Attribute::BirthDate, Some("dynamic_4")),
                mapped(Attribute::Gender, Some("dynamic_5")),
            ],
        );
        assert_eq!(out.position, Field::Value("Ingenieur".into()));
        assert_eq!(out.department, Field::NotShared, "don't sync: not sent");
        assert_eq!(out.first_hired_on, Field::Value(date!(2021 - 03 - 04)));
        assert_eq!(out.employee_number, Field::Empty, "sent empty: cleared");
        assert_eq!(out.birth_date, Field::NotShared, "not a date: unchanged");
        assert_eq!(
            out.problems,
            ["dynamic_4 “soon” is not a date: left unchanged."]
        );
        assert_eq!(out.gender, Field::Value("female".into()));

        let missing = rewrite(&hp, &[mapped(Attribute::Position, Some("dynamic_9"))]);
        assert_eq!(missing.position, Field::NotShared, "not sent: unchanged");
        assert_eq!(missing.department, hp.department);
    }
}
