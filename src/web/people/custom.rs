//! The company's custom fields on the person form: their inputs as typed (so a form with errors
//! comes back filled in) and their checks, which [`crate::directory::field_values::parse`] makes.

use std::collections::HashMap;

use crate::{
    directory::{CustomField, FieldKind, FieldValue, field_values},
    web::{field_errors::Errors, form::FormData},
};

/// One custom field's input on the form.
#[derive(Clone, Debug)]
pub struct CustomInput {
    pub field: CustomField,
    /// The value as typed: one string, or each checked choice.
    pub typed: Vec<String>,
}

impl CustomInput {
    /// The input's name (and the key of its error).
    pub fn name(&self) -> String {
        self.field.form_name()
    }
    /// The `type` of a one-line input: a date picker for dates, text otherwise (a number is
    /// checked by Roster, which says what is wrong, rather than by the browser).
    pub fn input_type(&self) -> &'static str {
        match self.field.kind {
            FieldKind::Date => "date",
            _ => "text",
        }
    }
    pub fn is_number(&self) -> bool {
        self.field.kind == FieldKind::Number
    }
    pub fn is_choice(&self) -> bool {
        self.field.kind == FieldKind::Choice
    }
    pub fn is_choices(&self) -> bool {
        self.field.kind == FieldKind::Choices
    }
    /// The one-line value as typed.
    pub fn value(&self) -> &str {
        self.typed.first().map_or("", String::as_str)
    }
    pub fn has(&self, choice: &str) -> bool {
        self.typed.iter().any(|t| t == choice)
    }
}

/// Empty inputs of every field (adding a person).
pub fn blank(fields: &[CustomField]) -> Vec<CustomInput> {
    stored(fields, &HashMap::new())
}

/// The inputs holding a person's stored values.
pub fn stored(fields: &[CustomField], values: &HashMap<i64, FieldValue>) -> Vec<CustomInput> {
    fields
        .iter()
        .map(|f| CustomInput {
            field: f.clone(),
            typed: values.get(&f.id).map(FieldValue::typed).unwrap_or_default(),
        })
        .collect()
}

/// The inputs as submitted.
pub fn submitted(fields: &[CustomField], form: &FormData) -> Vec<CustomInput> {
    fields
        .iter()
        .map(|f| CustomInput {
            field: f.clone(),
            typed: form
                .all(&f.form_name())
                .into_iter()
                .map(|v| v.trim().to_string())
                .collect(),
        })
        .collect()
}

/// The inputs with the stored value of every field the connected HRIS fills (`locks`): a value
/// submitted for a locked field is not taken.
pub fn keep_locked(
    inputs: Vec<CustomInput>,
    stored: &HashMap<i64, FieldValue>,
    locks: &crate::hris::ownership::Locks,
) -> Vec<CustomInput> {
    inputs
        .into_iter()
        .map(|mut i| {
            if locks.locks_field(i.field.id) {
                i.typed = stored
                    .get(&i.field.id)
                    .map(FieldValue::typed)
                    .unwrap_or_default();
            }
            i
        })
        .collect()
}

/// Checks each input: the values to store (None clears the field), with every problem added to
/// `errors` under the input's name.
pub fn check(
    inputs: &[CustomInput],
    errors: &mut Errors,
) -> Vec<(CustomField, Option<FieldValue>)> {
    let mut out = Vec::new();
    for input in inputs {
        let given: Vec<&str> = input.typed.iter().map(String::as_str).collect();
        match field_values::parse(&input.field, &given) {
            Ok(v) => out.push((input.field.clone(), v)),
            Err(e) => errors.add(input.name(), e),
        }
    }
    out
}
